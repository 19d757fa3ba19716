package serve

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/worldgen"
)

// VideoParams are the parameters of a generation job (the JSON body of POST /v1/videos, or
// its multipart "request" field). Zero values take the defaults of `wfm generate`, except the
// seed: when absent the server draws one, and the job records it.
type VideoParams struct {
	Model  string `json:"model,omitempty"`
	Prompt string `json:"prompt"`
	// NegativePrompt is what guidance steers away from; absent: worldgen.DefaultNegativePrompt.
	NegativePrompt *string `json:"negative_prompt,omitempty"`
	// Frames, condition frames included (default 33).
	Frames int `json:"frames,omitempty"`
	// Resolution is WIDTHxHEIGHT in pixels (default 64x64); Width and Height are its values.
	Resolution string `json:"resolution,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
	// FPS conditions the temporal positions (0: the model's training rate).
	FPS  float64 `json:"fps,omitempty"`
	Seed *uint64 `json:"seed,omitempty"`
	// Steps (default diffusion.DefaultSteps), Sampler, Guidance (absent: the model's own) and
	// SigmaMin as in worldgen.Request.
	Steps    int      `json:"steps,omitempty"`
	Sampler  string   `json:"sampler,omitempty"`
	Guidance *float64 `json:"guidance,omitempty"`
	SigmaMin float64  `json:"sigma_min,omitempty"`
	// CondFrames is how many frames of the condition upload to keep (default 1 with an upload).
	CondFrames int `json:"cond_frames,omitempty"`
	// TimeoutSeconds, when set, is the job's deadline counted from its acceptance: a job not
	// finished by then fails with code deadline_exceeded.
	TimeoutSeconds float64 `json:"timeout_seconds,omitempty"`
}

// Defaults of VideoParams (those of wfm generate).
const (
	DefaultFrames     = 33
	DefaultResolution = "64x64"
)

// Bounds on VideoParams fields, before any model's own limits.
const (
	maxPromptBytes = 4096
	maxFrames      = 1024
	maxSide        = 4096
	maxSteps       = 1000
	maxTimeout     = 7 * 24 * 3600
)

// RequestError is a request the server refuses (400): Field names the parameter at fault. It
// matches worldgen.ErrInvalid.
type RequestError struct {
	Field  string
	Reason string
}

// Error says which field is at fault and why.
func (e *RequestError) Error() string {
	if e.Field == "" {
		return "serve: " + e.Reason
	}
	return fmt.Sprintf("serve: %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, worldgen.ErrInvalid) true.
func (e *RequestError) Is(target error) bool { return target == worldgen.ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &RequestError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) error { return fieldErr("", format, args...) }

// ParseVideoParams decodes one JSON object of VideoParams (unknown fields are refused) and
// resolves its defaults and bounds (Resolve), drawing a seed when none is given.
func ParseVideoParams(data []byte) (VideoParams, error) {
	var p VideoParams
	if err := decodeStrict(data, &p); err != nil {
		return VideoParams{}, err
	}
	if err := p.Resolve(); err != nil {
		return VideoParams{}, err
	}
	return p, nil
}

// Resolve fills the defaults and checks every field's bounds (not the model's: see
// Generator.Check). A missing seed is drawn from crypto/rand.
func (p *VideoParams) Resolve() error {
	if !utf8.ValidString(p.Prompt) || len(p.Prompt) > maxPromptBytes {
		return fieldErr("prompt", "want valid UTF-8 of at most %d bytes", maxPromptBytes)
	}
	if strings.TrimSpace(p.Prompt) == "" {
		return fieldErr("prompt", "is empty")
	}
	if p.NegativePrompt == nil {
		neg := worldgen.DefaultNegativePrompt
		p.NegativePrompt = &neg
	} else if !utf8.ValidString(*p.NegativePrompt) || len(*p.NegativePrompt) > maxPromptBytes {
		return fieldErr("negative_prompt", "want valid UTF-8 of at most %d bytes", maxPromptBytes)
	}
	if len(p.Model) > 256 {
		return fieldErr("model", "too long")
	}
	if p.Frames == 0 {
		p.Frames = DefaultFrames
	}
	if p.Frames < 1 || p.Frames > maxFrames {
		return fieldErr("frames", "%d outside 1..%d", p.Frames, maxFrames)
	}
	switch {
	case p.Resolution != "":
		w, h, err := parseResolution(p.Resolution)
		if err != nil {
			return err
		}
		if (p.Width != 0 && p.Width != w) || (p.Height != 0 && p.Height != h) {
			return fieldErr("resolution", "%q disagrees with width %d and height %d", p.Resolution, p.Width, p.Height)
		}
		p.Width, p.Height = w, h
	case p.Width == 0 && p.Height == 0:
		p.Width, p.Height, _ = parseResolution(DefaultResolution)
	}
	if p.Width < 1 || p.Height < 1 || p.Width > maxSide || p.Height > maxSide {
		return fieldErr("resolution", "%dx%d: want sides in 1..%d", p.Width, p.Height, maxSide)
	}
	p.Resolution = fmt.Sprintf("%dx%d", p.Width, p.Height)
	if !(p.FPS >= 0 && p.FPS <= 1000) {
		return fieldErr("fps", "%g outside 0..1000", p.FPS)
	}
	if p.Steps == 0 {
		p.Steps = diffusion.DefaultSteps
	}
	if p.Steps < 1 || p.Steps > maxSteps {
		return fieldErr("steps", "%d outside 1..%d", p.Steps, maxSteps)
	}
	if p.Sampler == "" {
		p.Sampler = diffusion.SamplerMultistep
	}
	if !(p.SigmaMin >= 0 && p.SigmaMin < diffusion.DefaultSigmaMax) {
		return fieldErr("sigma_min", "%g outside [0, %g)", p.SigmaMin, float64(diffusion.DefaultSigmaMax))
	}
	if err := (diffusion.SampleOptions{Steps: p.Steps, Sampler: p.Sampler, SigmaMin: p.SigmaMin}).Validate(); err != nil {
		return fieldErr("sampler", "%v", err)
	}
	if p.Guidance != nil && !(*p.Guidance >= 0 && *p.Guidance <= 100) {
		return fieldErr("guidance", "%g outside 0..100", *p.Guidance)
	}
	if p.CondFrames < 0 || p.CondFrames > maxFrames {
		return fieldErr("cond_frames", "%d outside 0..%d", p.CondFrames, maxFrames)
	}
	if !(p.TimeoutSeconds >= 0 && p.TimeoutSeconds <= maxTimeout) {
		return fieldErr("timeout_seconds", "%g outside 0..%d", p.TimeoutSeconds, maxTimeout)
	}
	if p.Seed == nil {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		// Below 2^53, so that the seed survives JavaScript's numbers in the web page.
		seed := binary.LittleEndian.Uint64(b[:]) & (1<<53 - 1)
		p.Seed = &seed
	}
	return nil
}

// parseResolution reads WIDTHxHEIGHT.
func parseResolution(s string) (int, int, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w < 1 || h < 1 || w > maxSide || h > maxSide {
		return 0, 0, fieldErr("resolution", "%q: want WIDTHxHEIGHT with sides in 1..%d", s, maxSide)
	}
	return w, h, nil
}

// GuardPromptRequest is the body of POST /v1/guard/prompt.
type GuardPromptRequest struct {
	Prompt string `json:"prompt"`
}

// decodeStrict decodes exactly one JSON object into v, refusing unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalidf("request body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidf("request body: more than one JSON value")
	}
	return nil
}
