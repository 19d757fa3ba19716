package worldgen

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wfm-platform/wfm/diffusion"
)

// ResolveModelPath finds a file that a model's config records (model.json's "tokenizer", or a
// T5 "text_encoder" folder), for the model at model (a run folder, a checkpoint folder or a
// weights file).
//
// A recorded path means, in order: itself when absolute or a tokenizer preset ("preset:NAME");
// a path relative to the model's folder or to a folder above it (training records paths as
// given on its command line, often relative to the repository root, as for the committed
// models, so a model folder inside the repository finds them from any working directory); a
// path relative to the working directory. A path found nowhere is returned unchanged, and
// opening it reports the error.
func ResolveModelPath(model, recorded string) string {
	if recorded == "" || filepath.IsAbs(recorded) || strings.HasPrefix(recorded, diffusion.TokenizerPresetPrefix) {
		return recorded
	}
	if dir, err := filepath.Abs(model); err == nil {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			dir = filepath.Dir(dir)
		}
		for {
			if p := filepath.Join(dir, recorded); exists(p) {
				return p
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return recorded
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
