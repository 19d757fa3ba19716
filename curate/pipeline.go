package curate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/video"
)

// Config configures a curation run. The fields that change the output make up Settings and
// are recorded in the work folder; the rest (workers, queue sizes, progress) only change how
// fast it goes.
type Config struct {
	Inputs []string // video files
	Out    string

	Split      string // "shot" (default) or "stride"
	Shot       ShotDetector
	Stride     float64 // seconds per piece with Split "stride" (default MaxSeconds, else 4)
	MinSeconds float64 // shortest clip kept (default 1)
	MaxSeconds float64 // longer shots are cut into pieces no longer than this (default 10)
	Target     Target
	Filter     FilterConfig
	Dedup      DedupConfig
	Captioner  Captioner    // nil: no captions
	Embedder   Embedder     // nil: PooledStats
	TextEmbed  TextEmbedder // nil: no text embeddings in the shards
	// ShardSamples and ShardBytes close a shard at that many clips or bytes (default 1000
	// clips, no byte limit).
	ShardSamples int
	ShardBytes   int64
	Prefix       string // shard prefix (default "curated")

	// Part and Parts split the per-source work between processes that share Out (on one
	// machine or over a shared file system): with Parts > 1 a run processes only the sources
	// whose PartOf is Part, and stops before the dataset stages; a last run with Parts 0 finds
	// every source finished and writes the shards and the manifest. The output is the same as
	// one run's.
	Part, Parts int

	Workers  int // per stage; 0 means GOMAXPROCS
	Queue    int // capacity of each queue between stages; 0 means 2*Workers
	FFmpeg   string
	Limits   video.Limits
	Progress func(Progress)
	// ProgressEvery is the interval between Progress calls (default 500 ms).
	ProgressEvery time.Duration
}

// Settings are the parts of Config that decide the output.
type Settings struct {
	Version    int           `json:"version"`
	Split      string        `json:"split"`
	Shot       *ShotDetector `json:"shot,omitempty"`
	Stride     float64       `json:"stride_s,omitempty"`
	MinSeconds float64       `json:"min_s"`
	MaxSeconds float64       `json:"max_s"`
	Target     Target        `json:"target"`
	Filter     FilterConfig  `json:"filter"`
	Dedup      DedupConfig   `json:"dedup"`
	Captioner  string        `json:"captioner"`
	Embedder   string        `json:"embedder"`
	TextEmbed  string        `json:"text_embedder,omitempty"`
	Codec      string        `json:"codec"`
	Shards     int           `json:"shard_samples"`
	ShardBytes int64         `json:"shard_bytes,omitempty"`
	Prefix     string        `json:"prefix"`
}

// ErrSettingsChanged: the output folder holds a run made with other settings.
var ErrSettingsChanged = errors.New("the output folder holds a run with other settings")

func (c *Config) defaults() error {
	if c.Out == "" {
		return errors.New("curate: no output folder")
	}
	if c.Split == "" {
		c.Split = "shot"
	}
	if c.Split != "shot" && c.Split != "stride" {
		return fmt.Errorf("curate: split %q, want shot or stride", c.Split)
	}
	if c.Shot == (ShotDetector{}) {
		c.Shot = DefaultShotDetector()
	}
	if c.MinSeconds == 0 {
		c.MinSeconds = 1
	}
	if c.MaxSeconds == 0 {
		c.MaxSeconds = 10
	}
	if c.MinSeconds < 0 || c.MaxSeconds < c.MinSeconds {
		return fmt.Errorf("curate: clip length %g..%g s", c.MinSeconds, c.MaxSeconds)
	}
	if c.Split == "stride" && c.Stride <= 0 {
		c.Stride = c.MaxSeconds
	}
	if c.Embedder == nil {
		c.Embedder = PooledStats{}
	}
	if c.ShardSamples == 0 {
		c.ShardSamples = 1000
	}
	if c.Prefix == "" {
		c.Prefix = "curated"
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Queue <= 0 {
		c.Queue = 2 * c.Workers
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 500 * time.Millisecond
	}
	if c.Parts < 0 || c.Part < 0 || (c.Parts > 1 && c.Part >= c.Parts) {
		return fmt.Errorf("curate: part %d of %d", c.Part, c.Parts)
	}
	if c.Target.FPS < 0 || c.Dedup.Eps < 0 || c.ShardSamples < 0 || c.ShardBytes < 0 {
		return errors.New("curate: negative frame rate, dedup eps or shard size")
	}
	return nil
}

func (c *Config) settings(codec string) Settings {
	s := Settings{Version: 1, Split: c.Split, MinSeconds: c.MinSeconds, MaxSeconds: c.MaxSeconds, Target: c.Target,
		Filter: c.Filter, Dedup: c.Dedup, Captioner: "none", Embedder: c.Embedder.Name(), Codec: codec,
		Shards: c.ShardSamples, ShardBytes: c.ShardBytes, Prefix: c.Prefix}
	if c.Split == "shot" {
		sd := c.Shot
		s.Shot = &sd
	} else {
		s.Stride = c.Stride
	}
	if c.Captioner != nil {
		s.Captioner = c.Captioner.Name()
	}
	if c.TextEmbed != nil {
		s.TextEmbed = c.TextEmbed.Name()
	}
	return s
}

// StageStats are the live counters of one stage.
type StageStats struct {
	Name         string  `json:"name"`
	Workers      int     `json:"workers"`
	Items        int64   `json:"items"`         // items this stage worked on (resumed and dropped ones pass through)
	Dropped      int64   `json:"dropped"`       // items this stage dropped or quarantined
	Queue        int     `json:"queue"`         // items waiting in its input queue
	QueueCap     int     `json:"queue_cap"`     // capacity of that queue
	VideoSeconds float64 `json:"video_seconds"` // source seconds of the items worked on
	BusySeconds  float64 `json:"busy_seconds"`  // worker wall time spent, summed over workers
	// CPUSeconds is the CPU time spent: the worker threads' own, plus the ffmpeg subprocesses'
	// (measured per encode; for decode, all other subprocess time of the run).
	CPUSeconds float64 `json:"cpu_seconds"`
	// PerCore is video seconds processed per second of one busy worker: a stage's throughput
	// per core when each worker has a core to itself. PerCPU divides by CPU time instead,
	// which stays meaningful when other programs share the cores.
	PerCore float64 `json:"video_s_per_core_s"`
	PerCPU  float64 `json:"video_s_per_cpu_s"`
}

// Progress is a snapshot of a running pipeline.
type Progress struct {
	Elapsed time.Duration
	Sources int // inputs in all
	Done    int // sources finished (this run or earlier)
	Clips   int // clips finished
	Stages  []StageStats
}

type stageCounter struct {
	name    string
	workers int
	items   atomic.Int64
	dropped atomic.Int64
	busyNs  atomic.Int64
	cpuNs   atomic.Int64
	videoUs atomic.Int64
	queue   func() (int, int)
}

func (s *stageCounter) snapshot() StageStats {
	st := StageStats{Name: s.name, Workers: s.workers, Items: s.items.Load(), Dropped: s.dropped.Load(),
		VideoSeconds: float64(s.videoUs.Load()) / 1e6, BusySeconds: float64(s.busyNs.Load()) / 1e9,
		CPUSeconds: float64(s.cpuNs.Load()) / 1e9}
	if s.queue != nil {
		st.Queue, st.QueueCap = s.queue()
	}
	if st.BusySeconds > 0 {
		st.PerCore = st.VideoSeconds / st.BusySeconds
	}
	if st.CPUSeconds > 0 {
		st.PerCPU = st.VideoSeconds / st.CPUSeconds
	}
	return st
}

// clock marks the start of one item's work: wall time and the worker thread's CPU time.
type clock struct {
	wall time.Time
	cpu  time.Duration
}

func startClock() clock { return clock{time.Now(), threadCPU()} }

// done counts one item worked on since c, with child the CPU time of its subprocesses.
func (s *stageCounter) done(c clock, videoSec float64, child time.Duration) {
	s.items.Add(1)
	s.busyNs.Add(int64(time.Since(c.wall)))
	s.cpuNs.Add(int64(threadCPU()-c.cpu) + int64(child))
	s.videoUs.Add(int64(videoSec * 1e6))
}

// sinkMsg reaches the sink: a finished item, or a source with its item count.
type sinkMsg struct {
	item   *Item
	source *SourceRecord // set once per source, with the number of items to wait for in len(Clips)
}

// Run curates cfg.Inputs into WebDataset shards in cfg.Out and returns the report. It resumes
// an interrupted run in the same folder (with the same settings), and gives the same shards
// whatever the number of workers and whether or not it was interrupted.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	cpuSelf0, cpuChild0 := processCPU()
	lock, err := lockOut(cfg)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	wd := workDir{filepath.Join(cfg.Out, "work")}
	if err := wd.init(); err != nil {
		return nil, err
	}
	enc := NewEncodeStage(ctx, cfg.FFmpeg, wd.dir)
	codec := "h264"
	if enc.Fallback != "" {
		codec = "y4m"
	}
	set := cfg.settings(codec)
	if err := checkSettings(filepath.Join(wd.dir, "settings.json"), set); err != nil {
		return nil, err
	}
	sources, err := uniqueSources(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	var splitter Splitter = cfg.Shot
	if cfg.Split == "stride" {
		splitter = strideSeconds(cfg.Stride)
	}
	dec := DecodeStage{Options: video.Options{Limits: cfg.Limits, FFmpeg: cfg.FFmpeg}, Target: cfg.Target}
	spl := SplitStage{Splitter: splitter, MinSeconds: cfg.MinSeconds, MaxSeconds: cfg.MaxSeconds}
	stages := []ClipStage{NormalizeStage{Target: cfg.Target}, FilterStage{Config: cfg.Filter}, enc,
		CaptionStage{Captioner: cfg.Captioner}, EmbedStage{Embedder: cfg.Embedder}}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	W, Q := cfg.Workers, cfg.Queue
	srcCh := make(chan Source, Q)
	decCh := make(chan *Decoded, max(1, W/2)) // decoded sources are big: a short queue
	clipCh := make([]chan *Item, len(stages)+1)
	for i := range clipCh {
		clipCh[i] = make(chan *Item, Q)
	}
	sinkCh := make(chan sinkMsg, Q)
	counters := []*stageCounter{{name: "decode", workers: W}, {name: "split", workers: W}}
	counters[0].queue = func() (int, int) { return len(srcCh), cap(srcCh) }
	counters[1].queue = func() (int, int) { return len(decCh), cap(decCh) }
	for i, s := range stages {
		ch := clipCh[i]
		counters = append(counters, &stageCounter{name: s.Name(), workers: W, queue: func() (int, int) { return len(ch), cap(ch) }})
	}

	var encodeChildNs atomic.Int64 // subprocess CPU measured by clip stages
	var resumedSources atomic.Int64
	var clipsDone atomic.Int64
	var sourcesDone atomic.Int64
	var wg sync.WaitGroup
	fail := func(err error) { cancel(err) }
	send := func(ch chan<- *Item, it *Item) bool {
		select {
		case ch <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	sendSink := func(m sinkMsg) bool {
		select {
		case sinkCh <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}

	// Feeder: sources in key order, skipping those finished by an earlier run.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(srcCh)
		for _, src := range sources {
			if cfg.Parts > 1 && PartOf(src, cfg.Parts) != cfg.Part {
				continue
			}
			var rec SourceRecord
			ok, err := readJSON(wd.sourceJSON(src.Key), &rec)
			if err != nil {
				fail(err)
				return
			}
			if ok {
				resumedSources.Add(1)
				sourcesDone.Add(1)
				continue
			}
			select {
			case srcCh <- src:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Decode.
	var decWG sync.WaitGroup
	for range W {
		decWG.Add(1)
		go func() {
			defer decWG.Done()
			runtime.LockOSThread() // so that threadCPU measures this worker alone
			defer runtime.UnlockOSThread()
			for src := range srcCh {
				t0 := startClock()
				d, q, err := dec.Decode(ctx, src)
				if err != nil {
					return
				}
				if q != nil {
					counters[0].dropped.Add(1)
					counters[0].done(t0, 0, 0)
					if !sendSink(sinkMsg{source: &SourceRecord{Source: src, Quarantine: q, Clips: []string{}}}) {
						return
					}
					continue
				}
				counters[0].done(t0, float64(d.Clip.Frames)/d.Clip.FPS, 0)
				select {
				case decCh <- d:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { decWG.Wait(); close(decCh) }()
	// Split.
	var splWG sync.WaitGroup
	for range W {
		splWG.Add(1)
		go func() {
			defer splWG.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for d := range decCh {
				t0 := startClock()
				items, trans := spl.Split(d)
				secs := float64(d.Clip.Frames) / d.Clip.FPS
				counters[1].done(t0, secs, 0)
				rec := &SourceRecord{Source: d.Source, Width: d.Info.Width, Height: d.Info.Height, FPS: d.Clip.FPS,
					Frames: d.Clip.Frames, VideoSeconds: secs, Transitions: trans, Clips: make([]string, len(items))}
				for i, it := range items {
					rec.Clips[i] = it.Key
					if it.Drop != nil {
						counters[1].dropped.Add(1)
					}
				}
				if !sendSink(sinkMsg{source: rec}) {
					return
				}
				for _, it := range items {
					if !send(clipCh[0], it) {
						return
					}
				}
			}
		}()
	}
	go func() { splWG.Wait(); close(clipCh[0]) }()
	// Per-clip stages.
	for i, st := range stages {
		var sw sync.WaitGroup
		ctr := counters[2+i]
		for range W {
			sw.Add(1)
			go func() {
				defer sw.Done()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for it := range clipCh[i] {
					if i == 0 && it.Drop == nil {
						var rec ClipRecord
						ok, err := readJSON(wd.clipJSON(it.Key), &rec)
						if err != nil {
							fail(err)
							return
						}
						it.Resumed = ok
					}
					if it.Drop == nil && !it.Resumed {
						t0 := startClock()
						err := st.Process(ctx, it)
						if ctx.Err() != nil {
							return
						}
						if err != nil {
							it.Drop = &Drop{Stage: st.Name(), Reason: "error", Detail: stableLog(err.Error())}
						}
						if it.Drop != nil {
							ctr.dropped.Add(1)
						}
						ctr.done(t0, it.VideoSeconds(), it.childCPU)
						encodeChildNs.Add(int64(it.childCPU))
						it.childCPU = 0
					}
					if !send(clipCh[i+1], it) {
						return
					}
				}
			}()
		}
		go func() { sw.Wait(); close(clipCh[i+1]) }()
	}
	// Forward the last stage's output and the source records into the sink.
	var fwd sync.WaitGroup
	fwd.Add(1)
	go func() {
		defer fwd.Done()
		for it := range clipCh[len(stages)] {
			if !sendSink(sinkMsg{item: it}) {
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		decWG.Wait()
		splWG.Wait()
		fwd.Wait()
		close(sinkCh)
	}()
	// Progress.
	stopProgress := make(chan struct{})
	var progWG sync.WaitGroup
	snapshot := func() Progress {
		p := Progress{Elapsed: time.Since(start), Sources: len(sources), Done: int(sourcesDone.Load()), Clips: int(clipsDone.Load())}
		for _, c := range counters {
			p.Stages = append(p.Stages, c.snapshot())
		}
		return p
	}
	if cfg.Progress != nil {
		progWG.Add(1)
		go func() {
			defer progWG.Done()
			tick := time.NewTicker(cfg.ProgressEvery)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					cfg.Progress(snapshot())
				case <-stopProgress:
					return
				}
			}
		}()
	}
	// Sink: persist finished clips, and each source once all its items are in.
	pending := map[string]*SourceRecord{}
	left := map[string]int{}
	finishSource := func(rec *SourceRecord) error {
		if err := writeJSON(wd.sourceJSON(rec.Source.Key), rec); err != nil {
			return err
		}
		sourcesDone.Add(1)
		return nil
	}
	var sinkErr error
	for m := range sinkCh {
		if sinkErr != nil {
			continue
		}
		switch {
		case m.source != nil:
			k := m.source.Source.Key
			left[k] += len(m.source.Clips)
			pending[k] = m.source
			if left[k] == 0 {
				sinkErr = finishSource(m.source)
				delete(pending, k)
			}
		case m.item != nil:
			it := m.item
			if !it.Resumed {
				sinkErr = persistClip(wd, it)
			}
			clipsDone.Add(1)
			k := it.Source.Key
			left[k]--
			if left[k] == 0 && sinkErr == nil {
				sinkErr = finishSource(pending[k])
				delete(pending, k)
			}
		}
		if sinkErr != nil {
			fail(sinkErr)
		}
	}
	close(stopProgress)
	progWG.Wait()
	if err := wd.removeTemp(); err != nil && context.Cause(ctx) == nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	var rep *Report
	if cfg.Parts > 1 {
		rep = &Report{Summary: Summary{Sources: len(sources), Drops: map[string]int{}, Codec: set.Codec, EncodeFallback: enc.Fallback,
			Partial: fmt.Sprintf("part %d of %d: sources processed, shards not written", cfg.Part, cfg.Parts)}}
	} else if rep, err = finish(ctx, cfg, set, wd, sources, enc.Fallback); err != nil {
		return nil, err
	}
	rep.SourcesResumed = int(resumedSources.Load())
	rep.WallSeconds = time.Since(start).Seconds()
	rep.Cores = runtime.GOMAXPROCS(0)
	rep.Workers = W
	// The decoder's subprocesses are not measured one by one: they get all subprocess CPU
	// time of the run that the encoder did not account for.
	cpuSelf, cpuChild := processCPU()
	decChild := (cpuChild - cpuChild0) - time.Duration(encodeChildNs.Load())
	counters[0].cpuNs.Add(int64(max(0, decChild)))
	rep.Stages = snapshot().Stages
	rep.ProcessedSeconds = rep.Stages[0].VideoSeconds
	rep.CPUSeconds = (cpuSelf - cpuSelf0 + cpuChild - cpuChild0).Seconds()
	if rep.WallSeconds > 0 && rep.Cores > 0 {
		rep.PerCoreEndToEnd = rep.ProcessedSeconds / rep.WallSeconds / float64(rep.Cores)
	}
	if rep.CPUSeconds > 0 {
		rep.PerCPUEndToEnd = rep.ProcessedSeconds / rep.CPUSeconds
	}
	if cfg.Progress != nil {
		cfg.Progress(snapshot())
	}
	if cfg.Parts > 1 {
		return rep, writeJSON(filepath.Join(wd.dir, fmt.Sprintf("report-part-%d-of-%d.json", cfg.Part, cfg.Parts)), rep)
	}
	if err := writeJSON(filepath.Join(cfg.Out, RunStatsName(cfg.Prefix)), rep.RunStats); err != nil {
		return nil, err
	}
	return rep, writeJSON(filepath.Join(cfg.Out, ReportName(cfg.Prefix)), rep.Summary)
}

// PartOf assigns a source to one of parts processes by an FNV-1a hash of its key.
func PartOf(src Source, parts int) int {
	h := fnv.New32a()
	h.Write([]byte(src.Key))
	return int(h.Sum32() % uint32(parts))
}

// strideSeconds splits at a fixed number of seconds, converted at each source's frame rate.
type strideSeconds float64

func (s strideSeconds) Split(c *video.Clip) ([]Span, []Transition) {
	return StrideSplitter{Frames: max(1, int(float64(s)*c.FPS+0.5))}.Split(c)
}

// persistClip writes a finished item's video (kept clips) and then its record.
func persistClip(wd workDir, it *Item) error {
	rec := ClipRecord{Key: it.Key, Source: it.Source, Span: it.Span, StartSec: float64(it.Span.Start) / it.SrcFPS,
		EndSec: float64(it.Span.End) / it.SrcFPS, SrcFPS: it.SrcFPS, Scores: it.Scores, Caption: it.Caption, Drop: it.Drop}
	if it.Clip != nil && it.Drop == nil {
		rec.Width, rec.Height, rec.FPS, rec.Frames = it.Clip.Width, it.Clip.Height, it.Clip.FPS, it.Clip.Frames
		rec.Codec, rec.Ext, rec.Embedding = it.Codec, it.Ext, it.Embedding
		if err := atomicfile.WriteFile(wd.clipVideo(it.Key, it.Ext), it.Encoded, 0o644); err != nil {
			return fmt.Errorf("curate: write clip %s: %w", it.Key, err)
		}
	}
	return writeJSON(wd.clipJSON(it.Key), rec)
}

func checkSettings(path string, s Settings) error {
	var old Settings
	ok, err := readJSON(path, &old)
	if err != nil {
		return err
	}
	if ok {
		a, _ := json.Marshal(old)
		b, _ := json.Marshal(s)
		if string(a) != string(b) {
			return fmt.Errorf("curate: %s: %w (was %s, now %s); use another --out or remove it", path, ErrSettingsChanged, a, b)
		}
		return nil
	}
	return writeJSON(path, s)
}

// uniqueSources turns input paths into sources sorted by key, dropping repeated paths.
func uniqueSources(paths []string) ([]Source, error) {
	if len(paths) == 0 {
		return nil, errors.New("curate: no input videos")
	}
	seen := map[string]string{}
	var out []Source
	for _, p := range paths {
		s := NewSource(p)
		if prev, ok := seen[s.Key]; ok {
			if prev == p {
				continue
			}
			return nil, fmt.Errorf("curate: inputs %s and %s get the same key %s", prev, p, s.Key)
		}
		seen[s.Key] = p
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return slices.Clip(out), nil
}

// partLockName is the lock file of part `part` of `parts` in the output folder.
func partLockName(part, parts int) string { return fmt.Sprintf(".wfm.part-%d-of-%d.lock", part, parts) }

// lockOut takes the output folder's lock (package dirlock) before Run reads or cleans up
// anything there, so a second run on cfg.Out fails at once naming the first. Runs of different
// parts (cfg.Parts > 1) share the folder by design: each holds its own part's lock, and
// refuses to start while a whole run holds the folder; a whole run (the last, shard-writing
// one) refuses to start while any part still runs.
func lockOut(cfg Config) (*dirlock.Lock, error) {
	if cfg.Parts > 1 {
		lock, err := dirlock.AcquireFile(cfg.Out, partLockName(cfg.Part, cfg.Parts), fmt.Sprintf("wfm curate --part %d/%d", cfg.Part, cfg.Parts))
		if err != nil {
			return nil, fmt.Errorf("curate: %w", err)
		}
		if err := dirlock.Probe(cfg.Out, dirlock.FileName); err != nil {
			lock.Release()
			return nil, fmt.Errorf("curate: %w", err)
		}
		return lock, nil
	}
	lock, err := dirlock.Acquire(cfg.Out, "wfm curate")
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	parts, _ := filepath.Glob(filepath.Join(cfg.Out, ".wfm.part-*.lock"))
	for _, p := range parts {
		if err := dirlock.Probe(cfg.Out, filepath.Base(p)); err != nil {
			lock.Release()
			return nil, fmt.Errorf("curate: %w", err)
		}
	}
	return lock, nil
}
