package curate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/wfm-platform/wfm/dataset"
)

// Report summarizes a run. Its Summary is written as PREFIX-report.json and is byte for byte
// the same for identical runs; its RunStats (what resumed, timings, CPU time) differ from run to
// run and are written beside it as PREFIX-run.json.
type Report struct {
	Summary
	RunStats
}

// Summary is what a run produced: the same for the same inputs and settings.
type Summary struct {
	Sources        int            `json:"sources"`
	Quarantined    []Quarantine   `json:"quarantined"`
	Candidates     int            `json:"candidates"` // clips the split stage produced (short ones included)
	Kept           int            `json:"kept"`
	Drops          map[string]int `json:"drops"` // reason -> clips
	Duplicates     []Duplicate    `json:"duplicates"`
	Shards         []string       `json:"shards"`
	Index          string         `json:"index"`
	Manifest       string         `json:"manifest"`
	Codec          string         `json:"codec"`
	EncodeFallback string         `json:"encode_fallback,omitempty"`
	// Partial says that this run processed only its part of the sources (Config.Parts).
	Partial string `json:"partial,omitempty"`
}

// RunStats are the measurements of one run.
type RunStats struct {
	SourcesResumed int `json:"sources_resumed"` // finished by an earlier run

	// Throughput. ProcessedSeconds is the source video decoded by this run (sources finished
	// earlier are not counted); PerCoreEndToEnd divides it by wall time and cores.
	Stages           []StageStats `json:"stages"`
	WallSeconds      float64      `json:"wall_seconds"`
	Cores            int          `json:"cores"`
	Workers          int          `json:"workers_per_stage"`
	ProcessedSeconds float64      `json:"processed_video_seconds"`
	PerCoreEndToEnd  float64      `json:"video_s_per_wall_s_per_core"`
	// CPUSeconds is the CPU time of this process and its subprocesses during the run, and
	// PerCPUEndToEnd the video seconds per CPU second: the figure that does not depend on
	// what else the machine was running.
	CPUSeconds     float64 `json:"cpu_seconds"`
	PerCPUEndToEnd float64 `json:"video_s_per_cpu_s"`
}

// ReportName and RunStatsName are the file names of a run's Summary and RunStats.
func ReportName(prefix string) string   { return prefix + "-report.json" }
func RunStatsName(prefix string) string { return prefix + "-run.json" }

// Manifest lists everything a run produced and why anything was left out; it is written last,
// so its presence means the shards are complete.
type Manifest struct {
	Format      string         `json:"format"`
	Settings    Settings       `json:"settings"`
	Sources     []SourceRecord `json:"sources"`
	Clips       []ManifestClip `json:"clips"`
	Dropped     []ManifestDrop `json:"dropped"`
	Index       dataset.Index  `json:"index"`
	Quarantined []Quarantine   `json:"quarantined"`
	Drops       map[string]int `json:"drops"`
	Duplicates  []Duplicate    `json:"duplicates"`
}

// ManifestClip places a kept clip in the shards.
type ManifestClip struct {
	Key     string  `json:"key"`
	Shard   string  `json:"shard"`
	Source  string  `json:"source"`
	Start   float64 `json:"start_s"`
	End     float64 `json:"end_s"`
	Caption string  `json:"caption,omitempty"`
}

// ManifestDrop names a dropped clip and why.
type ManifestDrop struct {
	Key    string  `json:"key"`
	Source string  `json:"source"`
	Start  float64 `json:"start_s"`
	End    float64 `json:"end_s"`
	Drop
}

// ManifestFormat identifies the manifest layout.
const ManifestFormat = "wfm-curate/1"

// ManifestName is the manifest's file name for a shard prefix.
func ManifestName(prefix string) string { return prefix + "-manifest.json" }

// finish runs the whole-dataset stages once every source is done: deduplication over the
// kept clips' embeddings, sharding in key order and the manifest. It reads everything back
// from the work folder, so an interrupted and an uninterrupted run see the same records.
func finish(ctx context.Context, cfg Config, set Settings, wd workDir, sources []Source, fallback string) (*Report, error) {
	rep := &Report{Summary: Summary{Sources: len(sources), Drops: map[string]int{}, Codec: set.Codec, EncodeFallback: fallback,
		Quarantined: []Quarantine{}, Duplicates: []Duplicate{}}}
	man := &Manifest{Format: ManifestFormat, Settings: set, Drops: rep.Drops}
	var kept []*ClipRecord
	for _, src := range sources {
		var sr SourceRecord
		ok, err := readJSON(wd.sourceJSON(src.Key), &sr)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("curate: source %s has no record after the run", src.Path)
		}
		man.Sources = append(man.Sources, sr)
		if sr.Quarantine != nil {
			rep.Quarantined = append(rep.Quarantined, *sr.Quarantine)
			rep.Drops["quarantined:"+sr.Quarantine.Kind]++
			continue
		}
		for _, key := range sr.Clips {
			rep.Candidates++
			rec := new(ClipRecord)
			ok, err := readJSON(wd.clipJSON(key), rec)
			if err != nil {
				return nil, err
			}
			if !ok {
				// Every item, dropped ones included, is recorded before its source is.
				return nil, fmt.Errorf("curate: clip %s of %s has no record after the run", key, src.Path)
			}
			if rec.Drop != nil {
				rep.Drops[rec.Drop.Reason]++
				man.Dropped = append(man.Dropped, ManifestDrop{Key: key, Source: src.Path, Start: rec.StartSec, End: rec.EndSec, Drop: *rec.Drop})
				continue
			}
			kept = append(kept, rec)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Key < kept[j].Key })
	keys := make([]string, len(kept))
	embs := make([][]float32, len(kept))
	for i, r := range kept {
		keys[i], embs[i] = r.Key, r.Embedding
	}
	dups, _ := Dedup(keys, embs, cfg.Dedup)
	isDup := map[string]Duplicate{}
	for _, d := range dups {
		isDup[d.Key] = d
		rep.Drops["duplicate"]++
	}
	rep.Duplicates = append(rep.Duplicates, dups...)
	man.Duplicates = rep.Duplicates
	final := kept[:0:0]
	for _, r := range kept {
		if d, ok := isDup[r.Key]; ok {
			man.Dropped = append(man.Dropped, ManifestDrop{Key: r.Key, Source: r.Source.Path, Start: r.StartSec, End: r.EndSec,
				Drop: Drop{Stage: "dedup", Reason: "duplicate", Detail: fmt.Sprintf("cosine distance %.5f to %s", d.Distance, d.Of)}})
			continue
		}
		final = append(final, r)
	}
	sort.Slice(man.Dropped, func(i, j int) bool { return man.Dropped[i].Key < man.Dropped[j].Key })
	rep.Kept = len(final)

	ix, err := writeShards(ctx, cfg, wd, final)
	if err != nil {
		return nil, err
	}
	man.Index = *ix
	man.Quarantined = rep.Quarantined
	shardOf := map[string]string{}
	for _, s := range ix.Shards {
		rep.Shards = append(rep.Shards, filepath.Join(cfg.Out, s.Name))
	}
	// Shards hold consecutive runs of final in order; place each clip by the shard counts.
	pos := 0
	for _, s := range ix.Shards {
		for range s.Samples {
			shardOf[final[pos].Key] = s.Name
			pos++
		}
	}
	for _, r := range final {
		man.Clips = append(man.Clips, ManifestClip{Key: r.Key, Shard: shardOf[r.Key], Source: r.Source.Path,
			Start: r.StartSec, End: r.EndSec, Caption: r.Caption})
	}
	rep.Index = filepath.Join(cfg.Out, dataset.IndexName(cfg.Prefix))
	rep.Manifest = filepath.Join(cfg.Out, ManifestName(cfg.Prefix))
	return rep, writeJSON(rep.Manifest, man)
}

// writeShards writes the final clips in key order, resuming the shards an interrupted run
// completed after checking that they hold the same clips.
func writeShards(ctx context.Context, cfg Config, wd workDir, final []*ClipRecord) (*dataset.Index, error) {
	opts := dataset.WriterOptions{MaxSamples: cfg.ShardSamples, MaxBytes: cfg.ShardBytes, Resume: true}
	w, err := dataset.NewShardWriter(cfg.Out, cfg.Prefix, opts)
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	ix := w.Index()
	pos := 0
	for _, s := range ix.Shards {
		if pos+s.Samples > len(final) || final[pos].Key != s.FirstKey || final[pos+s.Samples-1].Key != s.LastKey {
			_ = w.Abort()
			return nil, fmt.Errorf("curate: %s in %s holds other clips than this run makes (%s..%s); remove the shards and index to rewrite them",
				s.Name, cfg.Out, s.FirstKey, s.LastKey)
		}
		pos += s.Samples
	}
	for _, r := range final[w.Samples():] {
		if err := ctx.Err(); err != nil {
			_ = w.Abort()
			return nil, err
		}
		parts, err := clipParts(cfg, wd, r)
		if err != nil {
			_ = w.Abort()
			return nil, err
		}
		if err := w.Write(r.Key, parts); err != nil {
			_ = w.Abort()
			return nil, fmt.Errorf("curate: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	out := w.Index()
	return &out, nil
}

// clipParts builds a clip's sample: the video, its metadata JSON, the caption as text, the
// clip embedding and, when configured, the caption's text embedding (both .npy float32).
func clipParts(cfg Config, wd workDir, r *ClipRecord) (map[string][]byte, error) {
	data, err := os.ReadFile(wd.clipVideo(r.Key, r.Ext))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("curate: clip %s lost its video file %s", r.Key, wd.clipVideo(r.Key, r.Ext))
	}
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	meta := *r
	meta.Embedding = nil
	js, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("curate: %s: %w", r.Key, err)
	}
	parts := map[string][]byte{r.Ext: data, "json": js, "emb.npy": npyFloat32(r.Embedding)}
	if r.Caption != "" {
		parts["txt"] = []byte(r.Caption)
	}
	if cfg.TextEmbed != nil && r.Caption != "" {
		v, err := cfg.TextEmbed.EmbedText(r.Caption)
		if err != nil {
			return nil, fmt.Errorf("curate: text embedding of %s: %w", r.Key, err)
		}
		parts["txtemb.npy"] = npyFloat32(v)
	}
	return parts, nil
}
