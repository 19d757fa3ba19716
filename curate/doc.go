// Package curate turns raw videos into training clips: it finds shots, brings clips to one size
// and rate, scores and filters them, captions and embeds them, removes near-duplicates and
// writes WebDataset shards with a manifest, following the stages of NVIDIA Cosmos's curation
// pipeline (split, transcode, filter, caption, embed, semantic dedup, shard) on one machine.
//
// # Stages
//
// Each stage is a small type with one job. Source stages see a whole video:
//
//   - DecodeStage probes and decodes a source with package video (pure Go for Y4M, PNG and
//     GIF; ffprobe and ffmpeg for the rest). A file that cannot be decoded (corrupt,
//     truncated, unsupported, too large) becomes a Quarantine record with its kind and
//     reason; the run goes on. With a target size, frames are scaled as they are decoded, so
//     a source is held at the output size (the whole source is held: see DecodeStage).
//   - SplitStage cuts it into clips with a Splitter: ShotDetector (colour histogram, edge
//     change ratio and layout change with an adaptive threshold; fades through black found
//     first) or StrideSplitter, then a LengthPolicy (shorter shots dropped, longer ones cut).
//
// Clip stages (ClipStage) see one clip and nothing else, so any number of them run side by
// side: NormalizeStage (frame rate and size), FilterStage (Motion, Quality, duration and
// source size, every score recorded), EncodeStage (H.264 in MP4 through libx264, bit-exact;
// Y4M when ffmpeg or libx264 is missing, and the report says so), CaptionStage (a Captioner:
// OpenAICaptioner for a vision-language model behind an OpenAI-compatible API, or
// SynthCaptioner for the synthetic world's own captions) and EmbedStage (Embed: pooled colour
// layout, motion energy and colour histogram; see its comment for why).
//
// Dataset stages need every clip: Dedup (SemDeDup-style k-means, then pairs within a cosine
// distance) and the shard writer (package dataset), which writes the kept clips in key order
// (KEY.mp4, KEY.json, KEY.txt, KEY.emb.npy, optionally KEY.txtemb.npy), then
// PREFIX-manifest.json, written last, listing every source, clip and drop with its reason.
//
// # Runner
//
// Run connects the stages with bounded channels (a full queue blocks its producer, so memory
// stays bounded however fast decoding is) and runs Config.Workers goroutines per stage. Each
// stage counts items, drops, busy time and the video seconds it processed; Progress snapshots
// carry them with queue depths, and the Report gives throughput per stage and end to end.
//
// Resuming and determinism: a finished clip is written to OUT/work (its video, then its
// record, each atomically) and a finished source gets a record too; a rerun skips both. Keys
// come from the input path and the clip's position in its source, the dataset stages read
// everything back from the work folder and sort by key, and the encoder runs single-threaded
// and bit-exact, so the shards are byte for byte the same whatever the worker count and
// however often the run was interrupted. docs/curate-scaleout.md describes running the same
// stages on a distributed engine.
//
// MakeCorpus builds a test corpus from the synthetic world (package world/synth) with known
// cuts, fades, duplicates and broken files, and EvaluateCorpus scores a run against it.
package curate
