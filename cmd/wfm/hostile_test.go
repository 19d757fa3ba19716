package main

import (
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

// The hostile-input corpus of the reliability suite (reliability_test.go), generated at test
// time: files a careless or hostile user may hand to any command.

// hostile is one generated input: its path and what it is.
type hostile struct {
	kind string // empty, random, truncated, huge-header, fifo, symlink-loop, dir, unreadable, not-a-dir, wrong-model
	path string
	// rootOK: the case cannot fail for root (permissions), so it is skipped when running as root.
	rootOK bool
}

// hostileCorpus holds every generated input, by role.
type hostileCorpus struct {
	dir string

	goodY4M, goodMP4 string // valid 9-frame 32x32 clips
	tokWeights       string // the committed cv4x4x4-tiny tokenizer (with its .json)
	physModel        string // the committed physics model folder
	shards           string // a valid synth shard folder (prefix synth)

	videos  []hostile // broken videos (.y4m or .mp4 names)
	weights []hostile // broken weight files (each with a config .json beside it)
	models  []hostile // broken diffusion model folders (model.json + hostile model.safetensors)
	tokens  []hostile // broken token files (.tokens.safetensors)
	shardsB []hostile // broken shard folders (prefix synth)
	texts   []hostile // broken text files (blocklists, corpora)
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(to), filepath.Base(to), data)
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// hugeHeaderSafetensors is a safetensors file whose header claims 2^50 bytes.
func hugeHeaderSafetensors() []byte {
	b := make([]byte, 8, 64)
	binary.LittleEndian.PutUint64(b, 1<<50)
	return append(b, `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`...)
}

// specials makes the file-system oddities every role shares, under dir with names base+ext:
// a FIFO, a symlink loop, a folder named like a file, an unreadable file and a path under a
// regular file (ENOTDIR, which fails for root too).
func specials(t *testing.T, dir, base, ext string, content []byte) []hostile {
	t.Helper()
	var out []hostile
	fifo := filepath.Join(dir, base+"-fifo"+ext)
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out = append(out, hostile{kind: "fifo", path: fifo})
	loopA, loopB := filepath.Join(dir, base+"-loop"+ext), filepath.Join(dir, base+"-loop2"+ext)
	if err := os.Symlink(loopB, loopA); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(loopA, loopB); err != nil {
		t.Fatal(err)
	}
	out = append(out, hostile{kind: "symlink-loop", path: loopA})
	d := filepath.Join(dir, base+"-dir"+ext)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	out = append(out, hostile{kind: "dir", path: d})
	unr := writeFile(t, dir, base+"-unreadable"+ext, content)
	if err := os.Chmod(unr, 0); err != nil {
		t.Fatal(err)
	}
	out = append(out, hostile{kind: "unreadable", path: unr, rootOK: true})
	file := writeFile(t, dir, base+"-file", []byte("x"))
	out = append(out, hostile{kind: "not-a-dir", path: filepath.Join(file, "inner"+ext)})
	return out
}

// newHostileCorpus generates the corpus in a fresh temporary folder. bin is the wfm binary
// (used to write the valid shards).
func newHostileCorpus(t *testing.T, bin string) *hostileCorpus {
	t.Helper()
	dir := t.TempDir()
	c := &hostileCorpus{dir: dir}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	c.tokWeights = abs("../../tokenizer/pretrained/cv4x4x4-tiny.safetensors")
	c.physModel = abs(physModel)

	// Valid clips.
	const w, h, frames = 32, 32, 9
	pix := randomBytes(w*h*3*frames, 7)
	clip, err := video.FromPixels(pix, frames, h, w, 16)
	if err != nil {
		t.Fatal(err)
	}
	c.goodY4M = filepath.Join(dir, "good.y4m")
	if err := video.Write(context.Background(), c.goodY4M, clip, video.Options{}); err != nil {
		t.Fatal(err)
	}
	y4m, _ := os.ReadFile(c.goodY4M)
	var mp4 []byte
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		c.goodMP4 = filepath.Join(dir, "good.mp4")
		if err := video.Write(context.Background(), c.goodMP4, clip, video.Options{}); err != nil {
			t.Fatal(err)
		}
		mp4, _ = os.ReadFile(c.goodMP4)
	}

	// Videos.
	vd := filepath.Join(dir, "videos")
	c.videos = []hostile{
		{kind: "empty", path: writeFile(t, vd, "empty.mp4", nil)},
		{kind: "random", path: writeFile(t, vd, "random.mp4", randomBytes(64<<10, 1))},
		{kind: "truncated-y4m", path: writeFile(t, vd, "trunc.y4m", y4m[:len(y4m)/2+17])},
		{kind: "y4m-huge-header", path: writeFile(t, vd, "huge.y4m", []byte("YUV4MPEG2 W1000000 H1000000 F16:1 C444\nFRAME\n\x00\x00"))},
	}
	if mp4 != nil {
		c.videos = append(c.videos, hostile{kind: "truncated-mp4", path: writeFile(t, vd, "trunc.mp4", mp4[:len(mp4)/2])})
	}
	c.videos = append(c.videos, specials(t, vd, "v", ".mp4", y4m)...)

	// Tokenizer weights: each broken file has the good config beside it.
	wd := filepath.Join(dir, "weights")
	tok, err := os.ReadFile(c.tokWeights)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(strings.TrimSuffix(c.tokWeights, ".safetensors") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	physW, err := os.ReadFile(filepath.Join(c.physModel, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	weightFile := func(name string, data []byte) string {
		writeFile(t, wd, name+".json", cfg)
		return writeFile(t, wd, name+".safetensors", data)
	}
	c.weights = []hostile{
		{kind: "empty", path: weightFile("empty", nil)},
		{kind: "random", path: weightFile("random", randomBytes(64<<10, 2))},
		{kind: "truncated", path: weightFile("trunc", tok[:len(tok)/2])},
		{kind: "huge-header", path: weightFile("huge", hugeHeaderSafetensors())},
		{kind: "wrong-model", path: weightFile("diffusion", physW)},
	}
	for _, s := range specials(t, wd, "w", ".safetensors", tok) {
		writeFile(t, wd, strings.TrimSuffix(filepath.Base(s.path), ".safetensors")+".json", cfg)
		c.weights = append(c.weights, s)
	}

	// Diffusion model folders: the committed model.json and a broken model.safetensors.
	md := filepath.Join(dir, "models")
	modelJSON, err := os.ReadFile(filepath.Join(c.physModel, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	model := func(name string, data []byte) string {
		d := filepath.Join(md, name)
		writeFile(t, d, "model.json", modelJSON)
		writeFile(t, d, "model.safetensors", data)
		return d
	}
	c.models = []hostile{
		{kind: "empty", path: model("empty", nil)},
		{kind: "random", path: model("random", randomBytes(64<<10, 3))},
		{kind: "truncated", path: model("trunc", physW[:len(physW)/2])},
		{kind: "huge-header", path: model("huge", hugeHeaderSafetensors())},
		{kind: "wrong-model", path: model("tokenizer", tok)},
	}
	for _, s := range specials(t, md, "m", "", physW) {
		if s.kind == "dir" { // a folder without model files
			c.models = append(c.models, s)
			continue
		}
		d := filepath.Join(md, "special-"+s.kind)
		writeFile(t, d, "model.json", modelJSON)
		if err := os.Rename(s.path, filepath.Join(d, "model.safetensors")); err != nil {
			// symlink loops and ENOTDIR paths cannot be moved: link to them instead.
			if err := os.Symlink(s.path, filepath.Join(d, "model.safetensors")); err != nil {
				t.Fatal(err)
			}
		}
		c.models = append(c.models, hostile{kind: s.kind, path: d, rootOK: s.rootOK})
	}

	// Token files.
	kd := filepath.Join(dir, "tokens")
	c.tokens = []hostile{
		{kind: "empty", path: writeFile(t, kd, "empty.tokens.safetensors", nil)},
		{kind: "random", path: writeFile(t, kd, "random.tokens.safetensors", randomBytes(4<<10, 4))},
		{kind: "truncated", path: writeFile(t, kd, "trunc.tokens.safetensors", tok[:len(tok)/3])},
		{kind: "huge-header", path: writeFile(t, kd, "huge.tokens.safetensors", hugeHeaderSafetensors())},
		{kind: "wrong-model", path: writeFile(t, kd, "weights.tokens.safetensors", tok)},
	}
	c.tokens = append(c.tokens, specials(t, kd, "k", ".tokens.safetensors", tok)...)

	// Shards: a valid synth folder, then broken copies.
	c.shards = filepath.Join(dir, "shards", "good")
	cmd := exec.Command(bin, "synth", "--out", c.shards, "--n", "2", "--frames", "9", "--res", "32", "--no-progress", "--workers", "1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("synth: %v: %s", err, out)
	}
	tarPath := filepath.Join(c.shards, "synth-000000.tar")
	tarData, err := os.ReadFile(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(c.shards, "synth-index.json"))
	if err != nil {
		t.Fatal(err)
	}
	shardDir := func(name string, tar []byte, withIndex bool) string {
		d := filepath.Join(dir, "shards", name)
		if tar != nil {
			writeFile(t, d, "synth-000000.tar", tar)
		}
		if withIndex {
			writeFile(t, d, "synth-index.json", index)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	c.shardsB = []hostile{
		{kind: "empty-folder", path: shardDir("none", nil, false)},
		{kind: "empty", path: shardDir("empty", []byte{}, false)},
		{kind: "random", path: shardDir("random", randomBytes(64<<10, 5), false)},
		{kind: "truncated", path: shardDir("trunc", tarData[:len(tarData)/2], true)},
		{kind: "truncated-no-index", path: shardDir("trunc-noindex", tarData[:len(tarData)/2], false)},
		{kind: "bad-hash", path: shardDir("flipped", flipByte(tarData), true)},
	}
	fd := shardDir("fifo", nil, false)
	if err := syscall.Mkfifo(filepath.Join(fd, "synth-000000.tar"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.shardsB = append(c.shardsB, hostile{kind: "fifo", path: fd})

	// Text files (blocklists, corpora, training data).
	td := filepath.Join(dir, "texts")
	c.texts = []hostile{{kind: "random", path: writeFile(t, td, "random.txt", randomBytes(4<<10, 6))}}
	c.texts = append(c.texts, specials(t, td, "t", ".txt", []byte("violence kill\n"))...)
	return c
}

// flipByte returns a copy of b with one byte of its second half changed (same size).
func flipByte(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[len(c)*3/4] ^= 0xff
	return c
}

// wfmBinary builds cmd/wfm once per test run.
var wfmBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wfm-reliability-*")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "wfm")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	return bin, nil
})
