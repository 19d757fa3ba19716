package prompt

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Upsampler rewrites a user's prompt into the caption style a model was trained on.
type Upsampler interface {
	// Upsample returns the rewritten prompt. An error means no rewrite: callers that prefer
	// to go on with the user's words wrap the upsampler with WithFallback.
	Upsample(ctx context.Context, prompt string) (string, error)
	// Name identifies the upsampler in logs and results ("builtin", "openai:MODEL").
	Name() string
}

// ErrEmptyPrompt is returned for a prompt with no words.
var ErrEmptyPrompt = errors.New("prompt: empty prompt")

// WithFallback returns an upsampler that answers the input prompt unchanged when u fails,
// after passing the error to report (which may be nil). This is the only place the package
// falls back: an upsampler on its own always reports its failures, because silently
// generating from an un-rewritten prompt changes the output without saying so. A cancelled
// context is not a failure of u and is returned as an error, not hidden.
func WithFallback(u Upsampler, report func(error)) Upsampler {
	return fallback{u: u, report: report}
}

type fallback struct {
	u      Upsampler
	report func(error)
}

func (f fallback) Name() string { return f.u.Name() + "+fallback" }

func (f fallback) Upsample(ctx context.Context, p string) (string, error) {
	out, err := f.u.Upsample(ctx, p)
	if err == nil {
		return out, nil
	}
	if ctx.Err() != nil || errors.Is(err, ErrEmptyPrompt) {
		return "", err
	}
	if f.report != nil {
		f.report(err)
	}
	return p, nil
}

// FromFlag builds an upsampler from a command-line spec:
//
//	builtin
//	openai:http://HOST:PORT/v1?model=NAME[&key_env=VAR][&timeout=30s][&attempts=3]
//	       [&max_tokens=256][&temperature=0.2][&fallback=true]
//
// The openai form names the base URL of an OpenAI-compatible server (vLLM, llama.cpp's
// server, Ollama, TGI); the query parameters fill OpenAIConfig and are not sent to the
// server. fallback=true wraps the result with WithFallback (failures are then reported on
// nothing; use WithFallback directly to log them). Unknown parameters are errors.
func FromFlag(spec string) (Upsampler, error) {
	switch {
	case spec == "builtin":
		return Builtin(), nil
	case strings.HasPrefix(spec, "openai:"):
		cfg, fb, err := parseOpenAISpec(strings.TrimPrefix(spec, "openai:"))
		if err != nil {
			return nil, err
		}
		u, err := NewOpenAI(cfg)
		if err != nil {
			return nil, err
		}
		if fb {
			return WithFallback(u, nil), nil
		}
		return u, nil
	}
	return nil, fmt.Errorf("prompt: upsampler %q: want \"builtin\" or \"openai:URL?model=NAME\"", spec)
}

func parseOpenAISpec(raw string) (cfg OpenAIConfig, fb bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return cfg, false, fmt.Errorf("prompt: upsampler URL %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, false, fmt.Errorf("prompt: upsampler URL %q: want http:// or https:// and a host", raw)
	}
	q := u.Query()
	u.RawQuery, u.Fragment = "", ""
	cfg.BaseURL = u.String()
	bad := func(key, val string, e error) (OpenAIConfig, bool, error) {
		return cfg, false, fmt.Errorf("prompt: upsampler URL %q: %s = %q: %w", raw, key, val, e)
	}
	for key, vals := range q {
		if len(vals) != 1 {
			return bad(key, strings.Join(vals, ","), errors.New("given more than once"))
		}
		v := vals[0]
		switch key {
		case "model":
			cfg.Model = v
		case "key_env":
			cfg.APIKeyEnv = v
		case "timeout":
			d, e := time.ParseDuration(v)
			if e != nil || d <= 0 {
				return bad(key, v, errors.New("want a positive duration such as 30s"))
			}
			cfg.Timeout = d
		case "attempts":
			n, e := strconv.Atoi(v)
			if e != nil || n < 1 {
				return bad(key, v, errors.New("want an integer >= 1"))
			}
			cfg.Attempts = n
		case "max_tokens":
			n, e := strconv.Atoi(v)
			if e != nil || n < 1 {
				return bad(key, v, errors.New("want an integer >= 1"))
			}
			cfg.MaxTokens = n
		case "temperature":
			t, e := strconv.ParseFloat(v, 64)
			if e != nil || t < 0 || t > 2 {
				return bad(key, v, errors.New("want a number in [0, 2]"))
			}
			cfg.Temperature = t
		case "fallback":
			b, e := strconv.ParseBool(v)
			if e != nil {
				return bad(key, v, errors.New("want true or false"))
			}
			fb = b
		default:
			return bad(key, v, errors.New("unknown parameter (model, key_env, timeout, attempts, max_tokens, temperature, fallback)"))
		}
	}
	if cfg.Model == "" {
		return cfg, false, fmt.Errorf("prompt: upsampler URL %q: no model (add ?model=NAME)", raw)
	}
	return cfg, fb, nil
}
