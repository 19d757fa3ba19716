package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/backend"
)

// ARShape is what [Autoregressive] decodes: Batch sequences of Context condition tokens, then
// New tokens one per step, on Grid (the key/value cache's capacity is Grid.Tokens()).
type ARShape struct {
	Batch   int `json:"batch"`
	Context int `json:"context"` // condition tokens per sequence (prefill)
	New     int `json:"new"`     // tokens decoded per sequence, one per step
	// Grid is the token grid; the zero value picks the model's MaxH×MaxW frames, as few as hold
	// Context+New tokens ([ARGrid]).
	Grid autoregressive.Grid `json:"grid"`
	// TextLen is the number of random text-embedding tokens of a model with cross-attention
	// (ignored without; 0 means 512, the T5 length of Cosmos's Video2World models).
	TextLen int `json:"text_len,omitempty"`
}

// ARResult is the outcome of [Autoregressive].
type ARResult struct {
	Name       string                `json:"name"`
	Backend    string                `json:"backend"`
	SIMD       bool                  `json:"simd"`
	GOMAXPROCS int                   `json:"gomaxprocs"`
	Config     autoregressive.Config `json:"config"` // the decoder's, without Medusa heads
	Params     int64                 `json:"params"`
	Shape      ARShape               `json:"shape"` // with the grid used
	Warmup     int                   `json:"warmup"`
	ARTimes
	// Medusa compares plain and Medusa decoding of the same tokens, when asked for; nil
	// otherwise.
	Medusa *ARMedusaResult `json:"medusa,omitempty"`
}

// ARTimes is the timing of one greedy decode: a prefill of the context, then one token per
// step. The names are those of bench/torch/ar_decode_bench.py's JSON.
type ARTimes struct {
	// CompileSeconds is the untimed first prefill and first step: graph building, compilation,
	// variable initialization, and the warmup steps.
	CompileSeconds float64 `json:"compile_seconds"`
	// PrefillSeconds is the timed prefill of Batch×Context tokens, logits on the host.
	PrefillSeconds         float64 `json:"prefill_seconds"`
	PrefillTokensPerSecond float64 `json:"prefill_tokens_per_second"`
	// DecodeSeconds is the time of the New steps after the prefill, each ending with its
	// logits on the host and the greedy token chosen.
	DecodeSeconds         float64 `json:"decode_seconds"`
	DecodeTokensPerSecond float64 `json:"decode_tokens_per_second"` // Batch·New / DecodeSeconds
	MsPerToken            float64 `json:"ms_per_token"`             // 1000·DecodeSeconds / New: one step
	MedianMsPerStep       float64 `json:"median_ms_per_step"`       // the median step, robust to a busy machine
	// Checksum is the sum of the generated token ids, a cheap fingerprint of the greedy output.
	Checksum int64 `json:"checksum"`
}

// ARMedusaResult is the Medusa part of [ARResult]: plain and Medusa decoding of the same
// tokens by autoregressive.Continue on one decoder, side by side. Its seconds span the whole
// loop, prefill included (Continuation.Seconds), after an untimed run of each (compilation of
// every call shape).
type ARMedusaResult struct {
	Heads          int     `json:"heads"`
	CompileSeconds float64 `json:"compile_seconds"`
	// PlainSeconds and PlainTokensPerSecond are plain decoding's (the heads off).
	PlainSeconds         float64 `json:"plain_seconds"`
	PlainTokensPerSecond float64 `json:"plain_tokens_per_second"`
	// Seconds and TokensPerSecond are Medusa decoding's.
	Seconds         float64 `json:"seconds"`
	TokensPerSecond float64 `json:"tokens_per_second"`
	// Calls is the number of decoder calls of the Medusa run, the prefill included;
	// MeanAcceptance is New/Calls, the tokens each call gave a sequence (plain decoding: 1; on
	// random weights it measures how often the greedy output repeats, not the heads). Guessed
	// and Accepted count the verified and accepted guesses per sequence.
	Calls          int     `json:"calls"`
	MeanAcceptance float64 `json:"mean_acceptance"`
	Guessed        int     `json:"guessed"`
	Accepted       int     `json:"accepted"`
	Speedup        float64 `json:"speedup"` // TokensPerSecond / PlainTokensPerSecond
	// SameTokens reports whether the Medusa output equals the plain greedy output token for
	// token (it must).
	SameTokens bool `json:"same_tokens"`
}

// arTextLen is the default number of text tokens of a cross-attention model (T5's 512 in
// Cosmos's Video2World pipelines).
const arTextLen = 512

// ARGrid is the grid [Autoregressive] picks for tokens tokens: frames of the model's full
// MaxH×MaxW, as few as hold them; an error when more than MaxT frames would be needed.
func ARGrid(c autoregressive.Config, tokens int) (autoregressive.Grid, error) {
	hw := c.MaxH * c.MaxW
	g := autoregressive.Grid{T: (tokens + hw - 1) / hw, H: c.MaxH, W: c.MaxW}
	if g.T > c.MaxT {
		return g, &ArgumentError{"context", fmt.Sprintf("%d tokens exceed the model's %dx%dx%d grid (%d tokens)",
			tokens, c.MaxT, c.MaxH, c.MaxW, c.MaxTokens())}
	}
	return g, nil
}

// Autoregressive times greedy decoding of the autoregressive model c (random weights, seeded)
// on backend with the key/value cache of autoregressive.Decoder: a prefill of shape.Context
// random condition tokens, then shape.New tokens, one per step, each chosen by argmax on the
// host from the step's logits. Compilation and initialization run untimed (one prefill, then
// warmup ≥ 1 steps, at most New); then the prefill and the New steps are timed. Medusa heads in c are
// ignored for the plain decode.
//
// With medusa > 0 it then decodes the same tokens with autoregressive.Continue, plain and with
// that many Medusa heads (the random base, zero-initialized heads: each guesses the base's
// next token again, right only where the random model's greedy output repeats a token, as it
// often does), and reports both speeds, the mean acceptance length, and whether the Medusa
// output equals the plain greedy output. ctx cancels between steps.
func Autoregressive(ctx context.Context, b compute.Backend, c autoregressive.Config, shape ARShape, warmup, medusa int) (ARResult, error) {
	c.MedusaHeads = 0
	if err := c.Validate(); err != nil {
		return ARResult{}, err
	}
	switch {
	case shape.Batch <= 0:
		return ARResult{}, &ArgumentError{"batch", fmt.Sprintf("must be > 0, got %d", shape.Batch)}
	case shape.Context <= 0:
		return ARResult{}, &ArgumentError{"context", fmt.Sprintf("must be > 0, got %d", shape.Context)}
	case shape.New <= 0:
		return ARResult{}, &ArgumentError{"new", fmt.Sprintf("must be > 0, got %d", shape.New)}
	case warmup < 1:
		return ARResult{}, &ArgumentError{"warmup", fmt.Sprintf("must be >= 1 (the first step compiles), got %d", warmup)}
	case medusa < 0:
		return ARResult{}, &ArgumentError{"medusa", fmt.Sprintf("must be >= 0, got %d", medusa)}
	case shape.TextLen < 0:
		return ARResult{}, &ArgumentError{"text-len", fmt.Sprintf("must be >= 0, got %d", shape.TextLen)}
	}
	if shape.Grid == (autoregressive.Grid{}) {
		g, err := ARGrid(c, shape.Context+shape.New)
		if err != nil {
			return ARResult{}, err
		}
		shape.Grid = g
	}
	if c.CrossAttn && shape.TextLen == 0 {
		shape.TextLen = arTextLen
	}
	m, err := autoregressive.New(c)
	if err != nil {
		return ARResult{}, err
	}
	if err := m.CheckGrid(shape.Grid, shape.Context+shape.New); err != nil {
		return ARResult{}, &ArgumentError{"grid", err.Error()}
	}
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, int64(dataSeed))
	dec, err := autoregressive.NewDecoder(b, store, m, shape.Batch, shape.Grid)
	if err != nil {
		return ARResult{}, err
	}
	closeDec := sync.OnceFunc(dec.Close)
	defer closeDec()

	rng := rand.New(rand.NewPCG(dataSeed, 11))
	prompt := make([][]int32, shape.Batch)
	for i := range prompt {
		prompt[i] = make([]int32, shape.Context)
		for j := range prompt[i] {
			prompt[i][j] = int32(rng.IntN(c.VocabSize))
		}
	}
	var text []float32
	if c.CrossAttn {
		text = normals(rng, shape.Batch*shape.TextLen*c.TextDim)
		if err := dec.SetText(text, shape.TextLen, nil); err != nil {
			return ARResult{}, err
		}
	}
	warmup = min(warmup, shape.New) // the cache holds Context+New tokens
	res := ARResult{
		Name: "autoregressive_decode", Backend: b.String(), SIMD: backend.SIMD, GOMAXPROCS: runtime.GOMAXPROCS(0),
		Config: c, Params: c.NumParams(), Shape: shape, Warmup: warmup,
	}

	// Untimed: compile both graphs and initialize the variables.
	start := time.Now()
	if _, err := greedyDecode(ctx, dec, prompt, warmup, nil); err != nil {
		return ARResult{}, fmt.Errorf("bench: autoregressive: compile and warmup: %w", err)
	}
	res.CompileSeconds = time.Since(start).Seconds()

	var tm arTiming
	tokens, err := greedyDecode(ctx, dec, prompt, shape.New, &tm)
	if err != nil {
		return ARResult{}, fmt.Errorf("bench: autoregressive: %w", err)
	}
	res.PrefillSeconds = tm.prefill
	res.PrefillTokensPerSecond = float64(shape.Batch*shape.Context) / tm.prefill
	for _, s := range tm.steps {
		res.DecodeSeconds += s
	}
	res.DecodeTokensPerSecond = float64(shape.Batch*shape.New) / res.DecodeSeconds
	res.MsPerToken = 1000 * res.DecodeSeconds / float64(shape.New)
	res.MedianMsPerStep = 1000 * median(tm.steps)
	for _, row := range tokens {
		for _, t := range row {
			res.Checksum += int64(t)
		}
	}
	if medusa > 0 {
		// The plain decoder's caches and graphs are no longer needed.
		closeDec()
		c.MedusaHeads = medusa
		if res.Medusa, err = timeMedusa(ctx, b, store, c, shape, prompt, text); err != nil {
			return ARResult{}, err
		}
	}
	return res, nil
}

// arTiming is what greedyDecode measured: the prefill's seconds and each step's.
type arTiming struct {
	prefill float64
	steps   []float64
}

// greedyDecode prefills prompt, then decodes n tokens per row greedily, one step each, and
// returns them [batch][n]. With tm it times the prefill and every step. ctx cancels between
// steps.
func greedyDecode(ctx context.Context, dec *autoregressive.Decoder, prompt [][]int32, n int, tm *arTiming) ([][]int32, error) {
	start := time.Now()
	logits, err := dec.Prefill(prompt)
	if err != nil {
		return nil, err
	}
	if tm != nil {
		tm.prefill = time.Since(start).Seconds()
		tm.steps = make([]float64, 0, n)
	}
	out := make([][]int32, len(prompt))
	next := make([][]int32, len(prompt))
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		for b := range next {
			t := autoregressive.Argmax(logits.Row(b, logits.Len-1))
			next[b] = []int32{t}
			out[b] = append(out[b], t)
		}
		if logits, err = dec.Step(next); err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		if tm != nil {
			tm.steps = append(tm.steps, time.Since(start).Seconds())
		}
	}
	return out, nil
}

// timeMedusa decodes shape.New tokens after prompt with the Medusa heads of c (created in store
// beside the base, zero-initialized) and without them, greedily, by autoregressive.Continue on
// one decoder: each first untimed (compiling every call shape), then timed.
func timeMedusa(ctx context.Context, b compute.Backend, store *model.Store, c autoregressive.Config, shape ARShape,
	prompt [][]int32, text []float32) (*ARMedusaResult, error) {
	m, err := autoregressive.New(c)
	if err != nil {
		return nil, err
	}
	dec, err := autoregressive.NewDecoder(b, store, m, shape.Batch, shape.Grid)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	if text != nil {
		if err := dec.SetText(text, shape.TextLen, nil); err != nil {
			return nil, err
		}
	}
	run := func(medusa bool) (*autoregressive.Continuation, error) {
		samplers := make([]*autoregressive.Sampler, shape.Batch)
		for i := range samplers {
			samplers[i] = autoregressive.NewSampler(autoregressive.Sampling{}, uint64(i))
		}
		dec.UseMedusa(medusa)
		cont, err := autoregressive.Continue(ctx, dec, prompt, shape.Context+shape.New, samplers,
			autoregressive.ContinueOptions{Medusa: medusa})
		if err != nil {
			return nil, fmt.Errorf("bench: autoregressive: medusa %v: %w", medusa, err)
		}
		return cont, nil
	}
	r := &ARMedusaResult{Heads: c.MedusaHeads}
	start := time.Now()
	for _, medusa := range []bool{false, true} {
		if _, err := run(medusa); err != nil {
			return nil, err
		}
	}
	r.CompileSeconds = time.Since(start).Seconds()
	plain, err := run(false)
	if err != nil {
		return nil, err
	}
	spec, err := run(true)
	if err != nil {
		return nil, err
	}
	r.PlainSeconds, r.PlainTokensPerSecond = plain.Seconds, plain.TokensPerSecond()
	r.Seconds, r.TokensPerSecond = spec.Seconds, spec.TokensPerSecond()
	r.Calls, r.MeanAcceptance, r.Guessed, r.Accepted = spec.Calls, spec.AcceptanceLength(), spec.Guessed, spec.Accepted
	r.Speedup = r.TokensPerSecond / r.PlainTokensPerSecond
	r.SameTokens = true
	for i := range plain.IDs {
		r.SameTokens = r.SameTokens && slices.Equal(plain.IDs[i], spec.IDs[i])
	}
	return r, nil
}
