// Package dataset stores training and benchmark data as WebDataset-style tar shards and reads
// them back: as a plain stream, as decoded training videos (VideoReader), or through a
// deterministic, exactly resumable loader.
//
// # Shard format
//
// A dataset is a folder holding PREFIX-000000.tar, PREFIX-000001.tar, ... and an index,
// PREFIX-index.json. Each shard is a POSIX tar archive (USTAR headers only) following the
// WebDataset conventions (https://github.com/webdataset/webdataset, "The WebDataset Format"):
// a sample is a group of files that share a key, the key is the part of the file name before
// its first dot and the rest is the part's extension ("000042.y4m", "000042.json",
// "000042.mask.png" form the sample "000042" with the parts "y4m", "json" and "mask.png"), and
// all files of a sample are contiguous in the archive. This package is stricter than
// WebDataset: file names are flat (no folders), keys contain neither dots nor slashes, and a
// name fits the 100-byte USTAR name field, so every shard opens with any tar reader (Python's
// tarfile, GNU tar, the webdataset library) without extensions.
//
// Shards are byte-for-byte deterministic: every header has mode 0644, uid and gid 0, empty
// owner names, modification time 0 (1970-01-01) and parts are written in the sorted order of
// their extensions, so the same samples always give the same bytes and the same SHA-256.
//
// # Writing and resuming
//
// ShardWriter streams samples into the current shard through internal/atomicfile: the shard
// is written under a temporary name and renamed when complete, so an interrupted run leaves only
// complete shards (and perhaps a stray temporary file, which the next writer removes). After
// each completed shard the index is rewritten atomically; it lists only complete shards with
// their sample counts, first and last keys, byte sizes and SHA-256. Its "complete" field is false
// until ShardWriter.Close writes it, last: an index left by a run that is still going or was
// interrupted says so. A writer opened with
// Resume reads the index, checks the listed shards against it and continues with the next shard
// number; ShardWriter.Samples tells the producer how many samples to skip.
//
// # Reading
//
// SampleReader groups the entries of one tar stream into samples, holding one sample in memory
// at a time. It validates what it reads against Limits and reports every problem as a
// *FormatError naming the shard and the sample key: truncated or corrupt archives, a key that
// reappears after another key (a split sample), duplicate parts, a part or sample over the
// size limits, names that are absolute, contain folders or "..", or have no extension, and
// entries that are not regular files. An archive must end with its end-of-archive marker
// (two zero blocks); one that stops at an entry boundary is reported as truncated, since
// archive/tar alone cannot tell it from a complete one. Archives made by packing a folder
// with tar (folder entries, "./" name prefixes) are refused rather than guessed at.
//
// # Checking against the index
//
// OpenDir (and OpenDataset, which Dataset.Reader and Dataset.Loader read through) checks the
// dataset against its index before returning samples: an index not marked complete is refused
// (ErrIncomplete) unless OpenOptions.AllowIncomplete; every listed shard must exist with its
// recorded size, checked at open; its SHA-256 is checked before its first sample is returned,
// once per process for an unchanged file (HashFirstUse, the default), or for every shard at
// open (HashAll), or never (HashNever). A mismatch is ErrShardMismatch, naming the shard and
// the index. A folder without an index is read by shard names, unchecked, unless
// OpenOptions.RequireIndex.
//
// # Training videos
//
// VideoReader (OpenVideos, ReadVideos) is the one shard reader of every trainer that learns from
// clips: tokenizer.ReadShardClips and diffusion.ReadShardClips read through it and differ only in
// how they cut and resize a video. It decodes a sample's KEY.y4m part, or its KEY.mp4 part
// through ffmpeg, with the captions of its KEY.json, skips videos shorter than
// VideoOptions.MinFrames, and checks the shards like OpenDir; VideoOptions.Verify hashes them all
// before the first video (wfm train --verify). Both trainers hold their clips in memory (the
// tokenizer as pixels, the diffusion model as cached latents) and draw shuffled batches from them
// with train.NewSliceLoader, whose position the training checkpoint records; they do not stream
// through Loader.
//
// # Loading for training
//
// Loader is for data that does not fit in memory, streamed shard by shard (no wfm trainer
// needs it yet: their training sets are small enough to hold).
//
// Loader iterates over the shards epoch after epoch. Each epoch it shuffles the shard order
// with a seeded PCG generator (math/rand/v2), streams the shards in that order through a
// shuffle buffer of N samples (the buffer is filled to N, then a uniformly chosen sample is
// emitted and its slot refilled, the scheme WebDataset's shuffle stage uses), and drains the
// buffer at the end of the epoch, so each epoch yields every sample exactly once. State
// captures the position exactly: the epoch, the shard order, the shard being read and how many
// of its samples were consumed, the buffered samples as (shard, position, key) and the
// generator state. Restore reopens the current shard and skips the consumed samples by
// scanning, and re-reads the buffered samples from their shards: restoring costs a read of
// the shards involved, which favours correctness over speed, and the restored loader then
// yields exactly the samples the uninterrupted one would have. TensorLoader adapts a Loader to
// the training loop's Loader interface (train.Loader) through a user-supplied decoder.
package dataset
