package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
)

// listTarPy lists a tar file's members with Python's tarfile module: name, type, mode, owner,
// modification time and the SHA-256 of the content.
const listTarPy = `
import hashlib, json, sys, tarfile
out = []
with tarfile.open(sys.argv[1]) as tf:
    for m in tf:
        data = tf.extractfile(m).read() if m.isfile() else b""
        out.append({"name": m.name, "file": m.isfile(), "mode": m.mode, "uid": m.uid, "gid": m.gid,
                    "mtime": m.mtime, "sha256": hashlib.sha256(data).hexdigest()})
json.dump(out, sys.stdout)
`

func TestPythonTarfileReadsShards(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	samples := makeSamples(12, 13)
	ix := writeDataset(t, dir, "py", samples, WriterOptions{MaxSamples: 5})
	type member struct {
		Name   string `json:"name"`
		File   bool   `json:"file"`
		Mode   int64  `json:"mode"`
		UID    int    `json:"uid"`
		GID    int    `json:"gid"`
		Mtime  int64  `json:"mtime"`
		SHA256 string `json:"sha256"`
	}
	next := 0
	for _, sh := range ix.Shards {
		out, err := exec.Command(python, "-c", listTarPy, filepath.Join(dir, sh.Name)).Output()
		if err != nil {
			t.Fatalf("python3 on %s: %v", sh.Name, err)
		}
		var members []member
		if err := json.Unmarshal(out, &members); err != nil {
			t.Fatalf("python3 output %q: %v", out, err)
		}
		// Expected members: each sample's parts in sorted extension order.
		var want []member
		for _, s := range samples[next : next+sh.Samples] {
			for _, ext := range sortedKeys(s.parts) {
				sum := sha256.Sum256(s.parts[ext])
				want = append(want, member{Name: s.key + "." + ext, File: true, Mode: 0o644, SHA256: hex.EncodeToString(sum[:])})
			}
		}
		next += sh.Samples
		if len(members) != len(want) {
			t.Fatalf("%s: python lists %d members, want %d", sh.Name, len(members), len(want))
		}
		for i := range want {
			if members[i] != want[i] {
				t.Errorf("%s member %d: python sees %+v, want %+v", sh.Name, i, members[i], want[i])
			}
		}
	}
}

// writeTarPy writes a shard with Python's tarfile (its default PAX format, real modification
// times, 10240-byte records): two samples, one of them with a two-component extension.
const writeTarPy = `
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as tf:
    for name, data in [("k0.json", b"{}"), ("k0.y4m", bytes(range(256)) * 3), ("k1.mask.png", b"\x89PNG")]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1700000000
        tf.addfile(info, io.BytesIO(data))
`

func TestReadPythonWrittenShard(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	path := filepath.Join(t.TempDir(), "pyw-000000.tar")
	if out, err := exec.Command(python, "-c", writeTarPy, path).CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	r := NewReader([]string{path}, Limits{})
	defer r.Close()
	y4m := make([]byte, 0, 768)
	for range 3 {
		for b := range 256 {
			y4m = append(y4m, byte(b))
		}
	}
	for _, want := range []testSample{
		{key: "k0", parts: map[string][]byte{"json": []byte("{}"), "y4m": y4m}},
		{key: "k1", parts: map[string][]byte{"mask.png": []byte("\x89PNG")}},
	} {
		got, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if d := sameSample(got, want); d != "" {
			t.Fatal(d)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last sample: %v", err)
	}
}
