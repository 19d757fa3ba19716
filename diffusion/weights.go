package diffusion

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/train"
	"github.com/wfm-platform/wfm/weights"
)

// WeightsFile is the name of the exported model in a training run folder.
const WeightsFile = "model.safetensors"

// SaveWeights writes the model variables of store (the EMA averages instead when useEMA) and
// cfg (model.json beside it) to path, atomically.
func SaveWeights(path string, store *model.Store, cfg Config, useEMA bool) error {
	export, err := train.ExportStore(store, useEMA)
	if err != nil {
		return fmt.Errorf("diffusion: export %s: %w", path, err)
	}
	if err := weights.SaveStore(path, export, cfg); err != nil {
		return fmt.Errorf("diffusion: save %s: %w", path, err)
	}
	return nil
}

// LoadWeights reads a model and its Config from path: a weights file written by SaveWeights, a
// training checkpoint folder (ckpt-NNNNNNNN), or a run folder (its exported model.safetensors,
// else its newest checkpoint). Only the model's variables are kept (no optimizer state, step
// counter or random generator state), so the store can start a fine-tuning run. useEMA takes
// the moving averages of a checkpoint instead of the raw weights.
func LoadWeights(path string, useEMA bool) (*model.Store, Config, error) {
	file := path
	if st, err := os.Stat(path); err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", path, err)
	} else if st.IsDir() {
		file = filepath.Join(path, WeightsFile)
		if _, err := os.Stat(file); err != nil {
			ck, err := train.LatestCheckpoint(path)
			if err != nil {
				return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", path, err)
			}
			if ck == nil {
				return nil, Config{}, fmt.Errorf("diffusion: load %s: no %s and no checkpoint", path, WeightsFile)
			}
			file = ck.ModelPath()
		}
	}
	var cfg Config
	if err := weights.ReadConfig(file, &cfg); err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", file, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", file, err)
	}
	raw := model.NewStore()
	if err := weights.LoadStore(file, raw); err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", file, err)
	}
	hasEMA := false
	for v := range raw.IterVariables() {
		if len(v.Path()) > len(train.EMAScope) && v.Path()[:len(train.EMAScope)+1] == train.EMAScope+"/" {
			hasEMA = true
			break
		}
	}
	store, err := train.ExportStore(raw, useEMA && hasEMA)
	if err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", file, err)
	}
	if store.NumParameters() == 0 {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: no model variables", file)
	}
	if store, err = halfToCompute(store, cfg); err != nil {
		return nil, Config{}, fmt.Errorf("diffusion: load %s: %w", file, err)
	}
	return store, cfg, nil
}

// CheckpointName maps a variable path of the network to its key in a cosmos-predict1 state
// dict: "net." followed by the path with "." separators, where nn.Linear's "weights" and the
// norms' "scale" are PyTorch's "weight" (Linear weights are [out, in] in both). For example
// "/blocks/block0/blocks/0/block/attn/to_q/0/weights" is
// "net.blocks.block0.blocks.0.block.attn.to_q.0.weight". This naming is what a weight importer
// for the official checkpoints keys on; none is written yet.
func CheckpointName(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if last := len(parts) - 1; parts[last] == "weights" || parts[last] == "scale" {
		parts[last] = "weight"
	}
	return "net." + strings.Join(parts, ".")
}
