package physics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/wfm-platform/wfm/video"
)

// Request is what a world model is given: the conditioning frames (the start of a clip), a
// caption, and how many future frames to produce.
type Request struct {
	Cond    *video.Clip
	Caption string
	Frames  int
	// Seed is the clip's own seed (world/synth.ClipSeed), for models that sample: the same
	// benchmark run gives the same predictions.
	Seed uint64
}

// Predictor is a video world model as the benchmark sees it: from conditioning frames and a
// caption to the next Frames frames, at the conditioning clip's size and frame rate. The
// diffusion and autoregressive world models implement it and register a loader with
// RegisterModel.
type Predictor interface {
	// Name labels the model in tables and plots.
	Name() string
	// Predict returns exactly req.Frames frames that follow req.Cond.
	Predict(ctx context.Context, req Request) (*video.Clip, error)
}

// Oracle is a Predictor that is handed the true future: the ground-truth upper bound. The
// benchmark calls FromTruth instead of Predict for it, and nothing else ever sees the future.
type Oracle interface {
	Predictor
	FromTruth(future *video.Clip) (*video.Clip, error)
}

// Names of the built-in baselines, as --model accepts them.
const (
	ModelGroundTruth = "ground-truth"
	ModelCopyLast    = "copy-last"
	ModelLinear      = "linear"
)

// Baselines returns the reference predictors every report carries, best first: the ground truth
// (upper bound), then copy-last-frame and linear extrapolation (lower bounds).
func Baselines() []Predictor { return []Predictor{GroundTruth{}, CopyLast{}, Linear{}} }

// ErrModelUnavailable is wrapped by the error OpenModel returns for a checkpoint whose model kind
// has no registered loader yet.
var ErrModelUnavailable = errors.New("model loading not available")

// ModelUnavailableError says which model kind has no loader.
type ModelUnavailableError struct {
	Kind string
	Path string
}

func (e *ModelUnavailableError) Error() string {
	return fmt.Sprintf("physics: model loading for %s not available yet (checkpoint %s; registered kinds: %s)",
		e.Kind, e.Path, registeredList())
}

func (e *ModelUnavailableError) Unwrap() error { return ErrModelUnavailable }

// ModelOptions are what a model loader is given beside the checkpoint path. Each field is a
// setting some model kinds read; a loader ignores the ones its kind has no use for, and zero
// values mean the model's own defaults.
type ModelOptions struct {
	// Backend names the compute backend the model runs on, as backend.Open takes it ("" is
	// $WFM_BACKEND, else auto).
	Backend string
	// EMA loads the moving averages of a training checkpoint instead of its raw weights.
	EMA bool
	// Sampling settings of models that sample: the number of steps (noise levels), the ODE
	// solver, the classifier-free guidance weight (0: the conditional model only) and the lowest
	// noise level of the schedule.
	Steps    int
	Sampler  string
	Guidance float64
	SigmaMin float64
}

// Loader opens a checkpoint of one model kind as a Predictor. A Predictor that holds resources
// (a backend, compiled graphs) also implements io.Closer.
type Loader func(path string, opts ModelOptions) (Predictor, error)

var registry = struct {
	sync.Mutex
	loaders map[string]Loader
}{loaders: map[string]Loader{}}

// RegisterModel makes checkpoints of a model kind ("diffusion", "autoregressive", ...) loadable
// by OpenModel. A model package calls it from its init function. Registering a kind twice, an
// empty kind, a kind holding ':' or a nil loader is a programmer error and panics.
func RegisterModel(kind string, loader Loader) {
	if kind == "" || strings.Contains(kind, ":") || loader == nil {
		panic(fmt.Sprintf("physics: RegisterModel(%q): bad kind or nil loader", kind))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.loaders[kind]; dup {
		panic(fmt.Sprintf("physics: RegisterModel(%q) called twice", kind))
	}
	registry.loaders[kind] = loader
}

// RegisteredModels lists the model kinds that have a loader, sorted.
func RegisteredModels() []string {
	registry.Lock()
	defer registry.Unlock()
	kinds := make([]string, 0, len(registry.loaders))
	for k := range registry.loaders {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

func registeredList() string {
	if k := RegisteredModels(); len(k) > 0 {
		return strings.Join(k, ", ")
	}
	return "none"
}

// OpenModel turns a --model value into a Predictor: a baseline name (ground-truth, copy-last,
// linear), KIND:PATH for a checkpoint of a registered model kind, or a bare checkpoint path whose
// kind is read from the "kind" field of its model config (model.json inside a checkpoint
// folder, or the JSON beside a .safetensors file). A kind with no registered loader gives a
// *ModelUnavailableError.
//
// opts (at most one) are passed to the model's loader; without them it gets zero options (the
// model's own defaults). Baselines take no options.
func OpenModel(spec string, opts ...ModelOptions) (Predictor, error) {
	if len(opts) > 1 {
		panic("physics: OpenModel takes at most one ModelOptions")
	}
	switch spec {
	case ModelGroundTruth:
		return GroundTruth{}, nil
	case ModelCopyLast:
		return CopyLast{}, nil
	case ModelLinear:
		return Linear{}, nil
	case "":
		return nil, errors.New("physics: empty model name")
	}
	kind, path, explicit := strings.Cut(spec, ":")
	if !explicit || strings.ContainsAny(kind, `/\.`) {
		kind, path = "", spec
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("physics: model %q is not a baseline (%s, %s, %s) and not a checkpoint: %w",
			spec, ModelGroundTruth, ModelCopyLast, ModelLinear, err)
	}
	if kind == "" {
		var err error
		if kind, err = checkpointKind(path); err != nil {
			return nil, err
		}
	}
	registry.Lock()
	loader := registry.loaders[kind]
	registry.Unlock()
	if loader == nil {
		return nil, &ModelUnavailableError{Kind: kind, Path: path}
	}
	var o ModelOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	p, err := loader(path, o)
	if err != nil {
		return nil, fmt.Errorf("physics: load %s checkpoint %s: %w", kind, path, err)
	}
	return p, nil
}

// checkpointKind reads the model kind from a checkpoint's config JSON.
func checkpointKind(path string) (string, error) {
	cfg := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		cfg = filepath.Join(path, "model.json")
	} else if ext := filepath.Ext(path); ext != ".json" {
		cfg = strings.TrimSuffix(path, ext) + ".json"
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		return "", fmt.Errorf("physics: checkpoint %s: cannot tell the model kind (no config: %w); pass KIND:PATH", path, err)
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", fmt.Errorf("physics: checkpoint config %s: %w", cfg, err)
	}
	if head.Kind == "" {
		return "", fmt.Errorf("physics: checkpoint config %s has no \"kind\" field; pass KIND:PATH", cfg)
	}
	return head.Kind, nil
}
