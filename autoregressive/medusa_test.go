package autoregressive

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// medusaModel is the tiny preset with 3 Medusa heads and seeded random weights; zeroHeads
// keeps the Medusa layers at their zero start (each head then guesses the base model's next
// token again, which repeating sequences accept).
func medusaModel(t *testing.T, zeroHeads bool) (*Model, *model.Store) {
	t.Helper()
	cfg, _ := Preset("tiny")
	cfg.MedusaHeads = 3
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := testutil.NewStore(3)
	grid := Grid{T: 4, H: 2, W: 2}
	fullForward(t, store, m, grid, [][]int32{make([]int32, grid.Tokens())}, nil, 0, nil) // creates the variables
	randomizeWeights(t, store, 4)
	if zeroHeads {
		for v := range store.IterVariables() {
			if strings.HasPrefix(v.Path(), "/"+MedusaName+"/") {
				zeros := make([]float32, v.Shape().Size())
				if err := v.SetValue(tensors.FromFlatDataAndDimensions(zeros, v.Shape().Dimensions...)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return m, store
}

func samplers(s Sampling, seeds ...uint64) []*Sampler {
	out := make([]*Sampler, len(seeds))
	for i, seed := range seeds {
		out[i] = NewSampler(s, seed)
	}
	return out
}

// continueWith decodes cond to total tokens with a fresh decoder of m.
func continueWith(t *testing.T, m *Model, store *model.Store, grid Grid, cond [][]int32, total int, s []*Sampler, opts ContinueOptions) *Continuation {
	t.Helper()
	dec, err := NewDecoder(testutil.Backend(), store, m, len(cond), grid)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	c, err := Continue(context.Background(), dec, cond, total, s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Medusa decoding gives plain decoding's tokens, token for token, with fewer calls when guesses
// are accepted: greedy and sampled, batch 1 and 2, heads at their zero start (guessing a
// repeat) and random (guessing badly).
func TestMedusaEqualsPlain(t *testing.T) {
	grid := Grid{T: 4, H: 2, W: 2}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, zero := range []bool{true, false} {
		m, store := medusaModel(t, zero)
		for _, tc := range []struct {
			name  string
			s     Sampling
			seeds []uint64
		}{
			{"greedy B=1", Sampling{}, []uint64{1}},
			{"greedy B=2", Sampling{}, []uint64{1, 2}},
			{"sampled B=2", Sampling{Temperature: 1, TopK: 8}, []uint64{5, 6}},
		} {
			cond := randomIDs(rng, len(tc.seeds), 4, m.Config().VocabSize)
			plain := continueWith(t, m, store, grid, cond, grid.Tokens(), samplers(tc.s, tc.seeds...), ContinueOptions{})
			med := continueWith(t, m, store, grid, cond, grid.Tokens(), samplers(tc.s, tc.seeds...), ContinueOptions{Medusa: true})
			t.Logf("zero heads %v, %s: plain %d calls, Medusa %d calls, %d of %d guesses accepted, acceptance length %.2f",
				zero, tc.name, plain.Calls, med.Calls, med.Accepted, med.Guessed, med.AcceptanceLength())
			for r := range cond {
				if !slices.Equal(plain.IDs[r], med.IDs[r]) {
					t.Errorf("zero heads %v, %s, row %d: Medusa %v, plain %v", zero, tc.name, r, med.IDs[r], plain.IDs[r])
				}
				if len(plain.IDs[r]) != grid.Tokens() || !slices.Equal(plain.IDs[r][:4], cond[r]) {
					t.Errorf("%s: row %d is %v, want the condition %v then %d tokens", tc.name, r, plain.IDs[r], cond[r], grid.Tokens()-4)
				}
			}
			if plain.Calls != grid.Tokens()-4 || plain.AcceptanceLength() != 1 {
				t.Errorf("%s: plain decoding made %d calls for %d tokens", tc.name, plain.Calls, grid.Tokens()-4)
			}
			if want := plain.Calls - med.Accepted; med.Calls != want {
				t.Errorf("%s: Medusa made %d calls with %d guesses accepted, want %d", tc.name, med.Calls, med.Accepted, want)
			}
		}
	}
}

// A video's tokens do not depend on its batch mates: row 0 is the same beside two different
// second rows, and the same as decoded alone.
func TestContinueBatchIndependent(t *testing.T) {
	m, store := medusaModel(t, true)
	grid := Grid{T: 4, H: 2, W: 2}
	rng := rand.New(rand.NewPCG(2, 3))
	cond := randomIDs(rng, 3, 4, m.Config().VocabSize)
	s := Sampling{Temperature: 0.8, TopP: 0.9}
	for _, medusa := range []bool{false, true} {
		opts := ContinueOptions{Medusa: medusa}
		alone := continueWith(t, m, store, grid, cond[:1], grid.Tokens(), samplers(s, 7), opts)
		withB := continueWith(t, m, store, grid, [][]int32{cond[0], cond[1]}, grid.Tokens(), samplers(s, 7, 8), opts)
		withC := continueWith(t, m, store, grid, [][]int32{cond[0], cond[2]}, grid.Tokens(), samplers(s, 7, 9), opts)
		if !slices.Equal(withB.IDs[0], withC.IDs[0]) || !slices.Equal(withB.IDs[0], alone.IDs[0]) {
			t.Errorf("medusa %v: row 0 alone %v, beside B %v, beside C %v", medusa, alone.IDs[0], withB.IDs[0], withC.IDs[0])
		}
		if slices.Equal(withB.IDs[1], withC.IDs[1]) {
			t.Errorf("medusa %v: different conditions and seeds gave the same second row %v", medusa, withB.IDs[1])
		}
	}
}

// Continue refuses what cannot work and stops when the context is done.
func TestContinueErrors(t *testing.T) {
	cfg, _ := Preset("tiny")
	m, _ := New(cfg)
	store := testutil.NewStore(1)
	grid := Grid{T: 2, H: 2, W: 2}
	dec, err := NewDecoder(testutil.Backend(), store, m, 1, grid)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	cond := [][]int32{{1, 2, 3, 4}}
	s := samplers(Sampling{}, 1)
	for name, call := range map[string]func() error{
		"medusa without heads": func() error {
			_, err := Continue(context.Background(), dec, cond, 8, s, ContinueOptions{Medusa: true})
			return err
		},
		"beyond the cache": func() error { _, err := Continue(context.Background(), dec, cond, 9, s, ContinueOptions{}); return err },
		"nothing to do":    func() error { _, err := Continue(context.Background(), dec, cond, 4, s, ContinueOptions{}); return err },
		"two samplers": func() error {
			_, err := Continue(context.Background(), dec, cond, 8, samplers(Sampling{}, 1, 2), ContinueOptions{})
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err = Continue(ctx, dec, cond, 8, s, ContinueOptions{Progress: func(done, total int) {
		if calls++; calls == 2 {
			cancel()
		}
	}})
	if err == nil || ctx.Err() == nil || calls != 2 {
		t.Errorf("cancelled after 2 calls: %v after %d", err, calls)
	}
}
