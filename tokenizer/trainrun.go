package tokenizer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/video"
)

// RunData names where a training run's clips come from (wfm train tokenizer's --data,
// --videos and their held-out counterparts).
type RunData struct {
	// Shards and Prefix name WebDataset shards of training videos (ReadShardClips); Videos a
	// folder of training videos (ReadFolderClips). Either or both.
	Shards, Prefix string
	Videos         string
	// Clip cuts the training clips.
	Clip ClipOptions
	// ValVideos is a folder of held-out videos; else ValPrefix names held-out shards in
	// ValShards (default Shards), read when Val.MaxClips > 0.
	ValVideos            string
	ValShards, ValPrefix string
	// Val cuts the held-out clips.
	Val ClipOptions
}

// ReadRunClips reads the training and held-out clips d names. Fewer training clips than
// batch is an error.
func ReadRunClips(ctx context.Context, d RunData, batch int) (trainClips, val []*video.Clip, err error) {
	if d.Shards != "" {
		if trainClips, err = ReadShardClips(d.Shards, d.Prefix, d.Clip); err != nil {
			return nil, nil, err
		}
	}
	if d.Videos != "" {
		more, err := ReadFolderClips(ctx, d.Videos, d.Clip)
		if err != nil {
			return nil, nil, err
		}
		trainClips = append(trainClips, more...)
	}
	switch {
	case d.ValVideos != "":
		if val, err = ReadFolderClips(ctx, d.ValVideos, d.Val); err != nil {
			return nil, nil, err
		}
	case d.ValPrefix != "" && d.Val.MaxClips > 0:
		dir := d.ValShards
		if dir == "" {
			dir = d.Shards
		}
		if val, err = ReadShardClips(dir, d.ValPrefix, d.Val); err != nil {
			return nil, nil, err
		}
	}
	if len(trainClips) < batch {
		return nil, nil, fmt.Errorf("train tokenizer: %d training clips, fewer than the batch of %d", len(trainClips), batch)
	}
	return trainClips, val, nil
}

// Export formats of ExportWeights.
const (
	FormatStore       = "store"        // variable paths, the config beside it (SaveWeights)
	FormatOfficial    = "official"     // Cosmos state-dict keys, float32 (ExportOfficial)
	FormatOfficialF16 = "official-f16" // the same in float16 (ExportOfficialHalf)
)

// ExportWeights writes the weights of store (a tokenizer of configuration cfg) to path in
// format (FormatStore, FormatOfficial or FormatOfficialF16), creating its folder.
func ExportWeights(store *model.Store, cfg Config, path, format string) error {
	if format != FormatStore && format != FormatOfficial && format != FormatOfficialF16 {
		return fmt.Errorf("tokenizer: export format %q: want %s, %s or %s", format, FormatStore, FormatOfficial, FormatOfficialF16)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	switch format {
	case FormatOfficial:
		return ExportOfficial(store, cfg, path)
	case FormatOfficialF16:
		return ExportOfficialHalf(store, cfg, path)
	}
	return SaveWeights(path, store, cfg)
}

// LastHeldOut returns the last held-out PSNR and SSIM a training run logged to its metrics
// file (train.Result.MetricsPath); ok is false when it logged none.
func LastHeldOut(metricsPath string) (q Quality, ok bool) {
	hist, err := train.ReadMetrics(metricsPath)
	if err != nil {
		return q, false
	}
	for _, h := range hist {
		if p, found := h.Eval["psnr"]; found {
			q, ok = Quality{PSNR: float64(p), SSIM: float64(h.Eval["ssim"])}, true
		}
	}
	return q, ok
}
