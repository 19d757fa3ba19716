package autoregressive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/testutil"
)

// fullForward runs Model.Forward over ids [B][L] and returns host logits [B, L, V] and the
// Medusa logits, one [B, L, V] per head.
func fullForward(t *testing.T, store *model.Store, m *Model, grid Grid, ids [][]int32, text []float32, s int, mask []float32) ([]float32, [][]float32) {
	t.Helper()
	c := m.Config()
	b, l := len(ids), len(ids[0])
	flat := make([]int32, 0, b*l)
	for _, row := range ids {
		flat = append(flat, row...)
	}
	exec, err := model.NewExec(testutil.Backend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		var text, mask *graph.Node
		if c.CrossAttn {
			text, mask = in[1], in[2]
		}
		logits, medusa := m.Forward(scope, in[0], grid, text, mask)
		return append([]*graph.Node{logits}, medusa...)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	args := []any{tensors.FromFlatDataAndDimensions(flat, b, l)}
	if c.CrossAttn {
		args = append(args, tensors.FromFlatDataAndDimensions(text, b, s, c.TextDim), tensors.FromFlatDataAndDimensions(mask, b, s))
	}
	out, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	var medusa [][]float32
	for _, o := range out[1:] {
		medusa = append(medusa, tensors.MustCopyFlatData[float32](o))
	}
	return tensors.MustCopyFlatData[float32](out[0]), medusa
}

// fullRow is row b, position i of full logits [B, L, V].
func fullRow(full []float32, l, v, b, i int) []float32 {
	o := (b*l + i) * v
	return full[o : o+v]
}

func randomIDs(rng *rand.Rand, b, l, vocab int) [][]int32 {
	ids := make([][]int32, b)
	for i := range ids {
		ids[i] = make([]int32, l)
		for j := range ids[i] {
			ids[i][j] = int32(rng.IntN(vocab))
		}
	}
	return ids
}

func columns(ids [][]int32, from, to int) [][]int32 {
	out := make([][]int32, len(ids))
	for i, row := range ids {
		out[i] = row[from:to]
	}
	return out
}

// KV-cache decoding gives the logits (and Medusa logits) of a full recomputation at every
// position, for a batch of 2 with GQA, QK norm, YaRN, the absolute position embedding and
// masked cross-attention on, over mixed steps of 1 and 3 tokens, and again after a Rewind to a
// different continuation; and for the plain tiny model (multi-head attention, no text, no
// Medusa heads).
func TestDecoderMatchesForward(t *testing.T) {
	plain, _ := Preset("tiny")
	plain.NumKVHeads = plain.NumHeads
	t.Run("all options", func(t *testing.T) { decoderMatchesForward(t, fullConfig()) })
	t.Run("plain", func(t *testing.T) { decoderMatchesForward(t, plain) })
}

func decoderMatchesForward(t *testing.T, cfg Config) {
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const b, s = 2, 3
	grid := Grid{T: 3, H: 2, W: 2}
	l, v := grid.Tokens(), cfg.VocabSize
	rng := rand.New(rand.NewPCG(7, 1))
	ids := randomIDs(rng, b, l, v)
	text := testutil.RandomFloats(rng, b*s*cfg.TextDim)
	mask := []float32{1, 1, 1, 1, 1, 0} // row 1's last text token is padding
	store := testutil.NewStore(11)
	fullForward(t, store, m, grid, ids, text, s, mask) // creates the variables
	randomizeWeights(t, store, 12)
	full, fullMedusa := fullForward(t, store, m, grid, ids, text, s, mask)
	if len(fullMedusa) != cfg.MedusaHeads {
		t.Fatalf("Forward gave %d Medusa outputs, want %d", len(fullMedusa), cfg.MedusaHeads)
	}

	dec, err := NewDecoder(testutil.Backend(), store, m, b, grid)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	if cfg.CrossAttn {
		if err := dec.SetText(text, s, mask); err != nil {
			t.Fatal(err)
		}
	}
	const tol = 1e-4 // logits reach about 10 with randomizeWeights; float32 rounding gives about 5e-6
	var worst, scale float64
	defer func() { t.Logf("largest difference %.3g, largest |logit| %.3g", worst, scale) }()
	// check compares a call's logits, fed seq's tokens from first on, with the full forward's
	// over seq, and its guesses with the argmax of the full forward's heads at the position
	// greedy decoding accepts up to.
	check := func(name string, got *Logits, seq [][]int32, full []float32, medusa [][]float32, first int) {
		t.Helper()
		if medusa != nil {
			at := 0
			for at < got.Len-1 && allRows(b, func(bi int) bool { return Argmax(got.Row(bi, at)) == seq[bi][first+at+1] }) {
				at++
			}
			if got.GuessAt != at {
				t.Errorf("%s: guesses at %d, greedy decoding accepts up to %d", name, got.GuessAt, at)
			}
			for bi := range b {
				for j := range medusa {
					pos := first + got.GuessAt
					if g, want := got.Guess(j, bi), Argmax(fullRow(medusa[j], l, v, bi, pos)); g != want {
						t.Errorf("%s: row %d position %d: Medusa head %d guesses %d, the full forward's argmax is %d", name, bi, pos, j, g, want)
					}
				}
			}
		}
		for bi := range b {
			for i := range got.Len {
				pos := first + i
				for _, x := range got.Row(bi, i) {
					scale = max(scale, math.Abs(float64(x)))
				}
				d := testutil.MaxAbsDiff(got.Row(bi, i), fullRow(full, l, v, bi, pos))
				worst = max(worst, d)
				if d > tol {
					t.Errorf("%s: row %d position %d: logits differ from the full forward by %g", name, bi, pos, d)
				}
			}
		}
	}
	got, err := dec.Prefill(columns(ids, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got.Len != 1 {
		t.Fatalf("Prefill returned %d positions, want the last one", got.Len)
	}
	check("prefill", got, ids, full, fullMedusa, 1)
	pos := 2
	for _, k := range []int{1, 3, 1, 3, 2} {
		got, err := dec.Step(columns(ids, pos, pos+k))
		if err != nil {
			t.Fatal(err)
		}
		check("step", got, ids, full, fullMedusa, pos)
		pos += k
	}
	if dec.Len() != l {
		t.Fatalf("Len %d after decoding all %d tokens", dec.Len(), l)
	}
	windows := map[int]bool{}
	for key := range dec.execs {
		windows[key.window] = true
	}
	if !windows[minWindow] || !windows[l] {
		t.Errorf("the calls attended to windows %v, want the %d-entry one and the whole %d", windows, minWindow, l)
	}
	// Without the Medusa heads the same step gives the same logits and no Medusa ones.
	if err := dec.Rewind(l - 1); err != nil {
		t.Fatal(err)
	}
	dec.UseMedusa(false)
	got, err = dec.Step(columns(ids, l-1, l))
	if err != nil {
		t.Fatal(err)
	}
	if got.Guesses != nil {
		t.Errorf("%d Medusa outputs with the heads off", len(got.Guesses))
	}
	check("heads off", got, ids, full, nil, l-1)
	dec.UseMedusa(true)
	if _, err := dec.Step(columns(ids, 0, 1)); err == nil {
		t.Error("a step past the grid's capacity was accepted")
	}

	// Drop the last 7 tokens and decode another continuation.
	if err := dec.Rewind(5); err != nil {
		t.Fatal(err)
	}
	other := randomIDs(rng, b, l, v)
	for i := range other {
		copy(other[i][:5], ids[i][:5])
	}
	full2, medusa2 := fullForward(t, store, m, grid, other, text, s, mask)
	pos = 5
	for _, k := range []int{3, 1, 3} {
		got, err := dec.Step(columns(other, pos, pos+k))
		if err != nil {
			t.Fatal(err)
		}
		check("after rewind", got, other, full2, medusa2, pos)
		pos += k
	}

	// Greedy tokens fed 3 at a time are all accepted: the heads run at the last of them.
	if err := dec.Rewind(5); err != nil {
		t.Fatal(err)
	}
	greedy := columns(other, 0, l)
	for i := range greedy {
		greedy[i] = append([]int32(nil), greedy[i]...)
	}
	for pos := 5; pos < l-1; pos++ {
		got, err := dec.Step(columns(greedy, pos, pos+1))
		if err != nil {
			t.Fatal(err)
		}
		for bi := range greedy {
			greedy[bi][pos+1] = Argmax(got.Row(bi, 0))
		}
	}
	full3, medusa3 := fullForward(t, store, m, grid, greedy, text, s, mask)
	if err := dec.Rewind(5); err != nil {
		t.Fatal(err)
	}
	got, err = dec.Step(columns(greedy, 5, 8))
	if err != nil {
		t.Fatal(err)
	}
	check("greedy", got, greedy, full3, medusa3, 5)
	if cfg.MedusaHeads > 0 && got.GuessAt != 2 {
		t.Errorf("greedy tokens: guesses at %d, want 2", got.GuessAt)
	}
}

// allRows reports whether ok holds for rows 0..b-1.
func allRows(b int, ok func(int) bool) bool {
	for i := range b {
		if !ok(i) {
			return false
		}
	}
	return true
}

// A call attends to the smallest power-of-two window from minWindow that holds the cache after
// it, or to the whole capacity.
func TestDecoderWindow(t *testing.T) {
	cfg, _ := Preset("tiny")
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		grid Grid
		ends map[int]int // cache length after the call -> window
	}{
		{Grid{T: 3, H: 2, W: 2}, map[int]int{1: 8, 8: 8, 9: 12, 12: 12}},
		{Grid{T: 4, H: 4, W: 4}, map[int]int{2: 8, 16: 16, 17: 32, 33: 64, 64: 64}},
	} {
		dec, err := NewDecoder(testutil.Backend(), testutil.NewStore(1), m, 1, tc.grid)
		if err != nil {
			t.Fatal(err)
		}
		for end, want := range tc.ends {
			if got := dec.window(end); got != want {
				t.Errorf("capacity %d, %d tokens: window %d, want %d", dec.Capacity(), end, got, want)
			}
		}
		dec.Close()
	}
}

func TestDecoderRejectsBadInput(t *testing.T) {
	cfg, _ := Preset("tiny")
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := NewDecoder(testutil.Backend(), testutil.NewStore(1), m, 2, Grid{T: 1, H: 2, W: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for name, ids := range map[string][][]int32{
		"one row for two":    {{1}},
		"ragged rows":        {{1, 2}, {1}},
		"empty rows":         {{}, {}},
		"id beyond vocab":    {{1}, {int32(cfg.VocabSize)}},
		"negative id":        {{-1}, {1}},
		"more than capacity": {{1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}},
	} {
		if _, err := dec.Step(ids); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := dec.Rewind(1); err == nil {
		t.Error("rewind beyond the cached length accepted")
	}
	if err := dec.SetText([]float32{1}, 1, nil); err == nil {
		t.Error("text accepted by a model without cross-attention")
	}
	if _, err := NewDecoder(testutil.Backend(), testutil.NewStore(1), m, 1, Grid{T: cfg.MaxT + 1, H: 1, W: 1}); err == nil {
		t.Error("a grid beyond max_t accepted")
	}
}

// BenchmarkDecoderStep decodes with the small preset (64,000 codes) one token per step, batch
// 1, after a one-frame prefill of an 8×8×8 grid; it reports tokens/s.
func BenchmarkDecoderStep(b *testing.B) {
	cfg, _ := Preset("small")
	m, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	grid := Grid{T: 8, H: 8, W: 8}
	dec, err := NewDecoder(testutil.Backend(), testutil.NewStore(1), m, 1, grid)
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	rng := rand.New(rand.NewPCG(1, 1))
	prefill := randomIDs(rng, 1, grid.H*grid.W, cfg.VocabSize)
	if _, err := dec.Prefill(prefill); err != nil {
		b.Fatal(err)
	}
	if _, err := dec.Step([][]int32{{1}}); err != nil { // compile the step graph
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if dec.Len() == dec.Capacity() {
			if err := dec.Rewind(grid.H * grid.W); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := dec.Step([][]int32{{int32(i % cfg.VocabSize)}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}
