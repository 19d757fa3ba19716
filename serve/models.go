package serve

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/weights"
	"github.com/wfm-platform/wfm/worldgen"
)

// ModelInfo describes a loaded model (GET /v1/models).
type ModelInfo struct {
	// Name is what requests call the model: its folder's base name.
	Name string `json:"name"`
	// Kind is the registered kind that opened it ("diffusion").
	Kind string `json:"kind"`
	Path string `json:"path"`
	// Video2World says whether the model takes condition frames.
	Video2World bool `json:"video2world"`
	// Tokenizer is the tokenizer the model decodes with (a file, or preset:NAME).
	Tokenizer   string `json:"tokenizer"`
	TextEncoder string `json:"text_encoder,omitempty"`
	// FPS is the frame rate of its training videos (0: unknown).
	FPS float64 `json:"fps,omitempty"`
	// SpatialCompression and TemporalCompression are the tokenizer's: sides must be multiples of
	// SizeMultiple and frames 1+k·TemporalCompression.
	SizeMultiple        int `json:"size_multiple"`
	TemporalCompression int `json:"temporal_compression"`
	// MaxWidth, MaxHeight and MaxFrames are the largest video the model takes.
	MaxWidth  int `json:"max_width"`
	MaxHeight int `json:"max_height"`
	MaxFrames int `json:"max_frames"`
	// Workers is the number of instances loaded (jobs it runs at once).
	Workers int `json:"workers"`
}

// Job is what a Generator is asked to make: the request's parameters with their defaults
// resolved, and the condition frames read from the upload.
type Job struct {
	Params VideoParams
	Input  *video.Clip
	// Progress is called after each network evaluation; Started once when sampling begins.
	Progress func(done, total int)
	Started  func(worldgen.Report)
}

// Generator is one loaded instance of a world model. The server gives each instance to one
// worker, so Generate is never called on it concurrently.
type Generator interface {
	Info() ModelInfo
	// Check refuses, before a job is queued, parameters the model cannot take (an error
	// wrapping worldgen.ErrInvalid).
	Check(p VideoParams, hasInput bool) error
	// Generate makes the video. A blocked prompt or video is a *worldgen.BlockedError.
	Generate(ctx context.Context, j Job) (*video.Clip, worldgen.Report, error)
	Close() error
}

// OpenOptions are what the server gives a Kind's Open.
type OpenOptions struct {
	Backend compute.Backend
	// Guard is the guardrail pair every job runs (never nil).
	Guard *guardrail.Guard
}

// Kind opens a model folder of one kind (a diffusion model, an autoregressive model).
type Kind func(dir string, opts OpenOptions) (Generator, error)

var (
	kindsMu sync.Mutex
	kinds   = map[string]Kind{"diffusion": openDiffusion}
)

// RegisterKind makes Config.Models entries "NAME:DIR" open with open. It panics on a name
// registered twice (a programmer error).
func RegisterKind(name string, open Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, ok := kinds[name]; ok {
		panic("serve: model kind " + name + " registered twice")
	}
	kinds[name] = open
}

// Kinds lists the registered model kinds.
func Kinds() []string {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// DefaultKind is the kind of a Config.Models entry that names none.
const DefaultKind = "diffusion"

// splitModelSpec splits "KIND:DIR" (or a bare DIR, DefaultKind) and finds the kind.
func splitModelSpec(spec string) (string, string, Kind, error) {
	kind, dir := DefaultKind, spec
	if k, d, ok := strings.Cut(spec, ":"); ok && !strings.ContainsAny(k, `/\.`) && k != "" {
		kind, dir = k, d
	}
	kindsMu.Lock()
	open := kinds[kind]
	kindsMu.Unlock()
	if open == nil {
		return "", "", nil, fmt.Errorf("serve: model %q: unknown kind %q (known: %s)", spec, kind, strings.Join(Kinds(), ", "))
	}
	if dir == "" {
		return "", "", nil, fmt.Errorf("serve: model %q names no folder", spec)
	}
	return kind, dir, open, nil
}

// diffusionModel is a worldgen pipeline: the diffusion world model.
type diffusionModel struct {
	p    *worldgen.Pipeline
	info ModelInfo
}

func openDiffusion(dir string, opts OpenOptions) (Generator, error) {
	p, err := worldgen.Open(dir, worldgen.Options{Backend: opts.Backend, Guard: opts.Guard})
	if err != nil {
		return nil, err
	}
	cfg := p.Config()
	var tcfg tokenizer.Config
	if name, ok := strings.CutPrefix(p.Tokenizer(), "preset:"); ok {
		tcfg, err = tokenizer.Preset(name)
	} else if err = weights.ReadConfig(p.Tokenizer(), &tcfg); err != nil {
		_, tcfg, err = tokenizer.LoadWeights(p.Tokenizer(), nil) // the config is in the weights' metadata
	}
	if err == nil && (tcfg.SpatialCompression < 1 || tcfg.TemporalCompression < 1) {
		err = errors.New("no compression factors in its config")
	}
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("tokenizer %s: %w", p.Tokenizer(), err)
	}
	s, t := tcfg.SpatialCompression, tcfg.TemporalCompression
	info := ModelInfo{Name: filepath.Base(filepath.Clean(dir)), Kind: "diffusion", Path: dir, Video2World: cfg.Video2World,
		Tokenizer: p.Tokenizer(), TextEncoder: p.TextEncoder(), FPS: cfg.DataFPS,
		SizeMultiple: s * max(cfg.PatchSpatial, 1), TemporalCompression: t,
		MaxWidth: cfg.MaxLatentWidth * s, MaxHeight: cfg.MaxLatentHeight * s, MaxFrames: 1 + (cfg.MaxLatentFrames-1)*t}
	return &diffusionModel{p: p, info: info}, nil
}

func (m *diffusionModel) Info() ModelInfo { return m.info }

func (m *diffusionModel) Check(p VideoParams, hasInput bool) error {
	i := m.info
	switch {
	case hasInput && !i.Video2World:
		return invalidf("model %s is Text2World; a condition image or video needs a Video2World model", i.Name)
	case p.Width%i.SizeMultiple != 0 || p.Height%i.SizeMultiple != 0 || (p.Frames-1)%i.TemporalCompression != 0:
		return invalidf("model %s: width and height must be multiples of %d and frames 1+k·%d, got %d frames at %dx%d",
			i.Name, i.SizeMultiple, i.TemporalCompression, p.Frames, p.Width, p.Height)
	case p.Width > i.MaxWidth || p.Height > i.MaxHeight || p.Frames > i.MaxFrames:
		return invalidf("model %s takes at most %dx%d and %d frames, got %d frames at %dx%d",
			i.Name, i.MaxWidth, i.MaxHeight, i.MaxFrames, p.Frames, p.Width, p.Height)
	}
	return nil
}

func (m *diffusionModel) Generate(ctx context.Context, j Job) (*video.Clip, worldgen.Report, error) {
	p := j.Params
	req := worldgen.Request{Prompt: p.Prompt, NegativePrompt: *p.NegativePrompt, Input: j.Input, CondFrames: p.CondFrames,
		Frames: p.Frames, Width: p.Width, Height: p.Height, FPS: p.FPS, Seed: *p.Seed, Steps: p.Steps,
		Sampler: p.Sampler, Guidance: p.Guidance, SigmaMin: p.SigmaMin, Progress: j.Progress, Started: j.Started}
	return m.p.Generate(ctx, req)
}

func (m *diffusionModel) Close() error { return m.p.Close() }
