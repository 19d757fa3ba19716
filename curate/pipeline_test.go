package curate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/video"
)

// corpusSize is the frame side of the test corpus: 64 px, since a re-encoded variant of a
// 32-px video loses its small moving objects to the codec, and is then no near-duplicate.
const corpusSize = 64

// smallCorpus builds a corpus of two 3-shot videos (about 4.5 s each) plus the planted files.
func smallCorpus(t *testing.T, format string, size int) (string, *CorpusTruth) {
	t.Helper()
	dir := t.TempDir()
	o := DefaultCorpusOptions()
	o.Out, o.Format, o.Videos, o.Shots, o.Size = dir, format, 2, 3, size
	o.MinFrames, o.MaxFrames = 20, 28
	truth, err := MakeCorpus(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return dir, truth
}

func corpusInputs(dir string, truth *CorpusTruth) []string {
	var in []string
	for _, v := range truth.Videos {
		in = append(in, filepath.Join(dir, v.File))
	}
	return in
}

func testConfig(in []string, out string) Config {
	return Config{Inputs: in, Out: out, MinSeconds: 1, MaxSeconds: 4,
		Filter:    FilterConfig{MotionMin: 0.01, ShakinessMax: 6, QualityMin: 0.3},
		Dedup:     DedupConfig{Eps: 0.05, Seed: 1},
		Captioner: &SynthCaptioner{}, TextEmbed: HashTextEmbedder{Dim: 16}, ShardSamples: 4, Workers: 2}
}

// outputSums returns name -> SHA-256 of every shard, the index and the manifest in dir.
func outputSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".tar") || strings.HasSuffix(n, "-index.json") || strings.HasSuffix(n, "-manifest.json") {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(data)
			sums[n] = hex.EncodeToString(h[:])
		}
	}
	if len(sums) < 3 {
		t.Fatalf("%s holds %v: no shards or manifest", dir, sums)
	}
	return sums
}

func sameSums(t *testing.T, a, b map[string]string) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("different outputs: %v vs %v", a, b)
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s differs: %s vs %s", k, v, b[k])
		}
	}
}

func readManifestFile(t *testing.T, path string) *Manifest {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func needFFmpeg(t *testing.T) {
	if !video.FFmpegAvailable(video.Options{}) {
		t.Skip("ffmpeg not installed")
	}
}

func TestRunCuratesCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("curates an H.264 corpus twice")
	}
	needFFmpeg(t)
	dir, truth := smallCorpus(t, "mp4", corpusSize)
	out := t.TempDir()
	rep, err := Run(context.Background(), testConfig(corpusInputs(dir, truth), out))
	if err != nil {
		t.Fatal(err)
	}
	man := readManifestFile(t, rep.Manifest)
	ev := EvaluateCorpus(truth, man, 2)
	t.Logf("cuts %+v fades %+v", ev.Cuts, ev.Fades)
	for _, s := range rep.Stages {
		t.Logf("stage %+v", s)
	}
	t.Logf("wall %.2f", rep.WallSeconds)
	t.Logf("duplicates: %d planted, %d found, missed %v, false %v", ev.Planted, ev.Found, ev.Missed, ev.FalseDuplicates)
	if ev.Cuts.Precision < 0.95 || ev.Cuts.Recall < 0.95 {
		t.Errorf("hard cuts: precision %.3f recall %.3f", ev.Cuts.Precision, ev.Cuts.Recall)
	}
	// Three shots of the exact copy and three of the re-encoded variant, less any the filters
	// dropped in both.
	if ev.Planted < 4 || ev.Found != ev.Planted || len(ev.FalseDuplicates) > 0 {
		t.Errorf("dedup: %d planted, %d found, missed %v, false %v", ev.Planted, ev.Found, ev.Missed, ev.FalseDuplicates)
	}
	if len(ev.Failed) > 0 || len(ev.Expected) != 4 {
		t.Errorf("whole-file expectations: ok %v, failed %v", ev.Expected, ev.Failed)
	}
	for _, q := range rep.Quarantined {
		if q.Reason == "" || !strings.Contains(q.Reason, filepath.Base(q.Source.Path)) {
			t.Errorf("quarantine of %s gives no reason naming the file: %q", q.Source.Path, q.Reason)
		}
	}
	if rep.Kept != len(man.Clips) || rep.Kept < 5 {
		t.Fatalf("kept %d, manifest lists %d", rep.Kept, len(man.Clips))
	}
	for _, s := range rep.Stages {
		if s.Items == 0 || s.BusySeconds <= 0 {
			t.Errorf("stage %s did nothing: %+v", s.Name, s)
		}
	}

	// The shards hold the kept clips in key order, each with video, metadata, caption and
	// embeddings; the caption is the generator's for that shot.
	r, err := dataset.OpenDir(out, "curated", dataset.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	captions := map[string]bool{}
	for _, v := range truth.Videos {
		for _, s := range v.Shots {
			if len(s.Captions) > 0 {
				captions[s.Captions[0]] = true
			}
		}
	}
	prev := ""
	n := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if s.Key <= prev {
			t.Errorf("key %s after %s", s.Key, prev)
		}
		prev = s.Key
		for _, part := range []string{"mp4", "json", "txt", "emb.npy", "txtemb.npy"} {
			if len(s.Parts[part]) == 0 {
				t.Errorf("%s lacks %s", s.Key, part)
			}
		}
		var rec ClipRecord
		if err := json.Unmarshal(s.Parts["json"], &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Key != s.Key || rec.Codec != "h264" || rec.Width != corpusSize || rec.Scores.Quality <= 0 || rec.EndSec <= rec.StartSec {
			t.Errorf("metadata %+v", rec)
		}
		if !captions[string(s.Parts["txt"])] {
			t.Errorf("%s caption %q is not a generator caption", s.Key, s.Parts["txt"])
		}
		if len(s.Parts["emb.npy"]) != 128+4*EmbedDim {
			t.Errorf("%s embedding file of %d bytes", s.Key, len(s.Parts["emb.npy"]))
		}
	}
	if n != rep.Kept {
		t.Errorf("%d samples in shards, %d kept", n, rep.Kept)
	}

	// Running again finds every source finished and rewrites nothing.
	before := outputSums(t, out)
	rep2, err := Run(context.Background(), testConfig(corpusInputs(dir, truth), out))
	if err != nil {
		t.Fatal(err)
	}
	if rep2.SourcesResumed != len(truth.Videos) {
		t.Errorf("rerun resumed %d of %d sources", rep2.SourcesResumed, len(truth.Videos))
	}
	sameSums(t, before, outputSums(t, out))

	// Other settings in the same folder are refused.
	cfg := testConfig(corpusInputs(dir, truth), out)
	cfg.Dedup.Eps = 0.2
	if _, err := Run(context.Background(), cfg); !errors.Is(err, ErrSettingsChanged) {
		t.Errorf("changed settings: %v", err)
	}
}

// slowCaptioner is the synthetic captioner made slow, so that a test can kill a run midway.
type slowCaptioner struct {
	SynthCaptioner
	delay time.Duration
}

func (s *slowCaptioner) Caption(ctx context.Context, it *Item) (string, error) {
	time.Sleep(s.delay)
	return s.SynthCaptioner.Caption(ctx, it)
}

const childEnv = "WFM_CURATE_TEST_CHILD"

// TestMain runs the pipeline as a child process when the kill test asks for one.
func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		in, out, _ := strings.Cut(spec, "|")
		cfg := killTestConfig(in, out)
		cfg.Captioner = &slowCaptioner{delay: 150 * time.Millisecond}
		cfg.Workers = 1
		if _, err := Run(context.Background(), cfg); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func killTestConfig(in, out string) Config {
	var inputs []string
	ents, _ := os.ReadDir(in)
	for _, e := range ents {
		if ext := filepath.Ext(e.Name()); ext == ".y4m" || ext == ".mp4" {
			inputs = append(inputs, filepath.Join(in, e.Name()))
		}
	}
	cfg := testConfig(inputs, out)
	cfg.Captioner = &slowCaptioner{}
	cfg.ShardSamples = 3
	cfg.Target = Target{Short: 24} // frames are scaled while decoding
	return cfg
}

// TestKilledRunResumesToTheSameShards kills a curating child process (SIGKILL, no chance to
// clean up) after it finished a few clips, resumes in this process with another worker
// count, and checks the shards, index and manifest are byte for byte those of a run that was
// never interrupted.
func TestKilledRunResumesToTheSameShards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline three times")
	}
	dir, _ := smallCorpus(t, "y4m", 32)
	ref := t.TempDir()
	if _, err := Run(context.Background(), killTestConfig(dir, ref)); err != nil {
		t.Fatal(err)
	}
	want := outputSums(t, ref)

	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir+"|"+out)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		recs, _ := filepath.Glob(filepath.Join(out, "work", "clips", "*.json"))
		if len(recs) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("child made no progress")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(out, ManifestName("curated"))); err == nil {
		t.Fatal("the child finished before it was killed; the test proves nothing")
	}
	recs, _ := filepath.Glob(filepath.Join(out, "work", "clips", "*.json"))
	t.Logf("killed after %d clip records", len(recs))

	cfg := killTestConfig(dir, out)
	cfg.Workers = 3
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("resumed %d sources", rep.SourcesResumed)
	sameSums(t, want, outputSums(t, out))
	if tmp := workTemp(t, out); len(tmp) > 0 {
		t.Errorf("the resumed run left scratch files: %v", tmp)
	}
}

// noFFmpeg names an ffmpeg binary that does not exist.
const noFFmpeg = "/nonexistent/ffmpeg"

// TestCancelledRunResumes cancels the context from inside the pipeline and resumes, here
// without ffmpeg: clips are stored as Y4M and the run says so.
func TestCancelledRunResumes(t *testing.T) {
	dir, _ := smallCorpus(t, "y4m", 32)
	ref := t.TempDir()
	cfg := killTestConfig(dir, ref)
	cfg.FFmpeg = noFFmpeg
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cfg = killTestConfig(dir, out)
	cfg.FFmpeg = noFFmpeg
	cfg.Captioner = &cancellingCaptioner{after: 3, cancel: cancel}
	if _, err := Run(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	cfg = killTestConfig(dir, out)
	cfg.FFmpeg = noFFmpeg
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Codec != "y4m" || !strings.Contains(rep.EncodeFallback, "not found") {
		t.Errorf("without ffmpeg: codec %s, fallback %q", rep.Codec, rep.EncodeFallback)
	}
	sameSums(t, outputSums(t, ref), outputSums(t, out))
}

type cancellingCaptioner struct {
	SynthCaptioner
	after  int
	n      int
	cancel context.CancelFunc
}

func (c *cancellingCaptioner) Caption(ctx context.Context, it *Item) (string, error) {
	c.mu.Lock()
	c.n++
	if c.n == c.after {
		c.cancel()
	}
	c.mu.Unlock()
	return c.SynthCaptioner.Caption(ctx, it)
}

// TestPartsThenFinalize runs two parts of the sources side by side into one folder, then the
// finalizing run, and checks the output is the single run's.
func TestPartsThenFinalize(t *testing.T) {
	dir, truth := smallCorpus(t, "y4m", 32)
	ref := t.TempDir()
	cfg := killTestConfig(dir, ref)
	cfg.FFmpeg = noFFmpeg
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	errs := make(chan error, 2)
	for part := range 2 {
		go func() {
			cfg := killTestConfig(dir, out)
			cfg.FFmpeg, cfg.Part, cfg.Parts, cfg.Workers = noFFmpeg, part, 2, 1
			rep, err := Run(context.Background(), cfg)
			if err == nil && (rep.Partial == "" || len(rep.Shards) != 0) {
				err = errors.New("a part wrote shards")
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	cfg = killTestConfig(dir, out)
	cfg.FFmpeg = noFFmpeg
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SourcesResumed != len(truth.Videos) {
		t.Errorf("finalize found %d of %d sources done", rep.SourcesResumed, len(truth.Videos))
	}
	sameSums(t, outputSums(t, ref), outputSums(t, out))
	if _, err := Run(context.Background(), Config{Inputs: []string{"a.mp4"}, Out: out, Part: 2, Parts: 2}); err == nil {
		t.Error("part 2 of 2 accepted")
	}
}

// TestConcurrentWritersRefused: a run on a folder another run holds fails at once naming the
// holder, before it creates anything; parts exclude a whole run and the same part twice.
func TestConcurrentWritersRefused(t *testing.T) {
	out := t.TempDir()
	cfg := Config{Inputs: []string{filepath.Join(out, "missing.mp4")}, Out: out, MinSeconds: 1, MaxSeconds: 4}
	refused := func(cfg Config, holder string) {
		t.Helper()
		_, err := Run(context.Background(), cfg)
		if !errors.Is(err, dirlock.ErrHeld) || !strings.Contains(err.Error(), holder) || !strings.Contains(err.Error(), "pid ") {
			t.Fatalf("part %d/%d: %v, want refused naming %q", cfg.Part, cfg.Parts, err, holder)
		}
		if _, err := os.Stat(filepath.Join(out, "work")); !os.IsNotExist(err) {
			t.Fatalf("a refused run made its work folder: %v", err)
		}
	}
	whole, err := dirlock.Acquire(out, "wfm curate (the first)")
	if err != nil {
		t.Fatal(err)
	}
	refused(cfg, "wfm curate (the first)")
	part := cfg
	part.Part, part.Parts = 1, 2
	refused(part, "wfm curate (the first)")
	whole.Release()

	p1, err := dirlock.AcquireFile(out, partLockName(1, 2), "wfm curate --part 1/2")
	if err != nil {
		t.Fatal(err)
	}
	refused(cfg, "wfm curate --part 1/2")
	refused(part, "wfm curate --part 1/2")
	p1.Release()
}
