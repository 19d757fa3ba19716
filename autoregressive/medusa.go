package autoregressive

// Decoding loops: plain KV-cache decoding, one token per call, and Medusa speculative decoding
// (Cai et al. 2024, https://arxiv.org/abs/2401.10774), where the heads guess the next tokens and
// one call verifies them all.

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ContinueOptions configure [Continue].
type ContinueOptions struct {
	// Medusa verifies the Medusa heads' guesses (a chain of their top-1 tokens) in one decoder
	// call per step; the decoder's model must have heads. The output is the output of plain
	// decoding with the same samplers, token for token (see Continue).
	Medusa bool
	// MaxGuesses > 0 verifies at most that many guesses per step (default: one per head).
	MaxGuesses int
	// Progress, when set, is called after each decoder call with the tokens generated so far
	// per sequence and the number to generate.
	Progress func(done, total int)
}

// Continuation is what [Continue] generated.
type Continuation struct {
	// IDs are the sequences, each total tokens long: its condition tokens, then the new ones.
	IDs [][]int32
	// NewTokens is the number of tokens generated per sequence.
	NewTokens int
	// Calls counts the decoder calls, the prefill included (plain decoding: NewTokens).
	Calls int
	// Guessed and Accepted count the Medusa guesses verified and accepted, per sequence
	// (accepted by every sequence of the batch: a batch moves by its shortest acceptance).
	Guessed, Accepted int
	// Seconds is the time the loop took, from the prefill to the last token.
	Seconds float64
}

// AcceptanceLength is the mean number of tokens a decoder call gave each sequence: 1 for plain
// decoding, 1 + the accepted guesses per call with Medusa (Cai et al.'s acceleration rate).
func (c *Continuation) AcceptanceLength() float64 {
	if c.Calls == 0 {
		return 0
	}
	return float64(c.NewTokens) / float64(c.Calls)
}

// TokensPerSecond is the number of new tokens of all the sequences over Seconds.
func (c *Continuation) TokensPerSecond() float64 {
	if c.Seconds <= 0 {
		return 0
	}
	return float64(c.NewTokens*len(c.IDs)) / c.Seconds
}

// Continue extends each row of cond (equal-length condition tokens, one row per sequence of
// dec's batch) to total tokens with dec, drawing each new token of row b with samplers[b]
// from the model's logits. It empties dec first (Prefill) and checks ctx between calls.
//
// Plain decoding feeds one token per call. With opts.Medusa the Medusa heads at the last
// accepted position guess the tokens after the next one; the next token and the guesses are
// fed in one call, and position by position each row draws its token from the base model's
// logits with its own sampler: while every row draws its guess, the guesses stand; at the
// first position where a row does not, every row keeps the token it drew there and the cache
// is rewound past it. (The decoder runs the heads only where greedy decoding accepts up to,
// Logits.GuessAt; when sampling accepts up to another position, the next call has no guesses.) Each row therefore draws exactly one token per position from the logits of its own
// prefix, in order, as plain decoding does: the tokens are the same (greedy or sampled, up to
// the float rounding between call shapes), only fewer calls are made. Rows never see each
// other's tokens; a batch advances by its shortest acceptance.
func Continue(ctx context.Context, dec *Decoder, cond [][]int32, total int, samplers []*Sampler, opts ContinueOptions) (*Continuation, error) {
	b := dec.Batch()
	switch {
	case len(cond) != b || len(samplers) != b:
		return nil, fmt.Errorf("autoregressive: continue: %d condition rows and %d samplers for a batch of %d", len(cond), len(samplers), b)
	case len(cond[0]) < 1:
		return nil, errors.New("autoregressive: continue: no condition tokens")
	case total <= len(cond[0]) || total > dec.Capacity():
		return nil, fmt.Errorf("autoregressive: continue: %d tokens after %d condition tokens: want more than the condition and at most the cache's %d",
			total, len(cond[0]), dec.Capacity())
	case opts.Medusa && !dec.hasMedusa:
		return nil, fmt.Errorf("autoregressive: continue: model %s has no Medusa heads (train them with TrainMedusa)", dec.m.cfg.Name)
	}
	heads := 0
	if opts.Medusa {
		heads = dec.m.cfg.MedusaHeads
		if opts.MaxGuesses > 0 {
			heads = min(heads, opts.MaxGuesses)
		}
	}
	start := time.Now()
	c := &Continuation{IDs: make([][]int32, b)}
	for r, row := range cond {
		if len(row) != len(cond[0]) {
			return nil, fmt.Errorf("autoregressive: continue: condition row %d has %d tokens, row 0 has %d", r, len(row), len(cond[0]))
		}
		c.IDs[r] = append(make([]int32, 0, total), row...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lg, err := dec.Prefill(cond)
	if err != nil {
		return nil, err
	}
	c.Calls++
	next, drawn := make([]int32, b), make([]int32, b)
	guesses := make([][]int32, b)
	ids := make([][]int32, b)
	// guess takes the heads' guesses after position pos of lg's call, which the decoder made
	// where greedy decoding accepts up to; where the samplers accepted up to another position,
	// the next call goes without guesses (and makes new ones).
	guess := func(lg *Logits, pos int) {
		for r := range b {
			guesses[r] = guesses[r][:0]
			if lg.GuessAt != pos {
				continue
			}
			for j := range heads {
				guesses[r] = append(guesses[r], lg.Guess(j, r))
			}
		}
	}
	for r := range b {
		next[r] = samplers[r].Next(lg.Row(r, 0))
	}
	guess(lg, 0)
	for {
		l := dec.Len() // the tokens cached; next holds each row's token at position l
		remaining := total - l - 1
		if remaining == 0 {
			for r := range b {
				c.IDs[r] = append(c.IDs[r], next[r])
			}
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// k guesses after next; the token drawn after the last one is at position l+1+k < total.
		k := min(len(guesses[0]), remaining-1)
		for r := range b {
			ids[r] = append(append(ids[r][:0], next[r]), guesses[r][:k]...)
		}
		if lg, err = dec.Step(ids); err != nil {
			return nil, err
		}
		c.Calls++
		c.Guessed += k
		for r := range b {
			c.IDs[r] = append(c.IDs[r], next[r])
		}
		acc := 0
		for i := 0; ; i++ {
			all := true
			for r := range b {
				drawn[r] = samplers[r].Next(lg.Row(r, i))
				all = all && i < k && drawn[r] == guesses[r][i]
			}
			if !all {
				break
			}
			for r := range b {
				c.IDs[r] = append(c.IDs[r], drawn[r])
			}
			acc++
		}
		copy(next, drawn)
		c.Accepted += acc
		if acc < k {
			if err := dec.Rewind(l + 1 + acc); err != nil {
				return nil, err
			}
		}
		guess(lg, acc)
		if opts.Progress != nil {
			opts.Progress(len(c.IDs[0])-len(cond[0]), total-len(cond[0]))
		}
	}
	c.NewTokens = total - len(cond[0])
	c.Seconds = time.Since(start).Seconds()
	if opts.Progress != nil {
		opts.Progress(c.NewTokens, c.NewTokens)
	}
	return c, nil
}
