package autoregressive

import (
	"errors"
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/nn"
)

// Decoder runs the model token by token with a key/value cache. Each layer's keys and values
// live in tensors of fixed capacity (grid.Tokens() entries) in the layouts the attention reads
// (keys [batch, NumKVHeads, hd, capacity], values [batch, NumKVHeads, capacity, hd]), updated in
// place. A call writes its k new tokens at positions Len()..Len()+k-1 and attends to the first
// window entries only, the smallest window of 8, 16, 32, ... (powers of two) or the capacity
// that holds Len()+k: one graph per (batch, k, window), a bounded number, serves a whole
// generation, and a step costs what the tokens decoded so far need, not the capacity.
// Entries at or beyond the current length are masked, never cleared, and Rewind just moves the
// length back. All rows of the batch share the length.
//
// The logits a call returns equal those of [Model.Forward] over the whole sequence so far, up
// to float rounding (TestDecoderMatchesForward). A Decoder is not safe for concurrent use.
type Decoder struct {
	m         *Model
	backend   compute.Backend
	store     *model.Store
	execs     map[execKey]*model.Exec
	textExec  *model.Exec // the cross-attention keys and values of the text (CrossAttn)
	batch     int
	grid      Grid
	length    int
	kt, v     []*tensors.Tensor // per layer [batch, NumKVHeads, hd, capacity], [batch, NumKVHeads, capacity, hd]
	textKV    []*tensors.Tensor // per layer k, v [batch, S, NumKVHeads, hd] (CrossAttn)
	textMask  *tensors.Tensor   // [batch, S]
	broken    error
	hasMedusa bool // the model has Medusa heads
	medusa    bool // the Medusa heads run (UseMedusa)
}

// execKey names a decoding graph: all positions' logits or the last one's (Prefill), with or
// without the Medusa heads, attending to the first window cache entries.
type execKey struct {
	lastOnly, medusa bool
	window           int
}

// minWindow is the smallest attention window; windows double from it up to the capacity.
const minWindow = 8

// Logits are the host logits of one Decoder call.
type Logits struct {
	Batch, Len, Vocab int
	// Values are [Batch, Len, Vocab]: position i of row b predicts the token after it.
	Values []float32
	// Guesses holds one entry per Medusa head j, [Batch]: the head's most likely token (its
	// argmax, taken on the device) at position GuessAt, guessing the token 2+j positions after
	// it; nil when the model has no heads or they are off (UseMedusa).
	Guesses [][]int32
	// GuessAt is the position the heads ran at: the number of the call's tokens after its first
	// that greedy decoding accepts, in every row (token i+1 is accepted when it is the argmax
	// of position i's logits and every token before it was accepted). When speculative tokens
	// are verified greedily, it is the position of the last accepted one, the only position
	// whose guesses are used; the heads run there alone. 0 for a single token.
	GuessAt int
}

// Row returns the logits of position i of batch row b.
func (l *Logits) Row(b, i int) []float32 {
	o := (b*l.Len + i) * l.Vocab
	return l.Values[o : o+l.Vocab]
}

// Guess returns Medusa head j's most likely token for batch row b at position GuessAt.
func (l *Logits) Guess(j, b int) int32 {
	return l.Guesses[j][b]
}

// NewDecoder prepares a decoder of m for batch sequences on grid (its capacity is
// grid.Tokens()), running on backend with the variables of store (which must hold them: see
// LoadModel and weights.Require). Graphs compile at the first call of each shape.
func NewDecoder(backend compute.Backend, store *model.Store, m *Model, batch int, grid Grid) (*Decoder, error) {
	if batch <= 0 {
		return nil, fmt.Errorf("autoregressive: decoder batch must be > 0, got %d", batch)
	}
	if err := m.CheckGrid(grid, 0); err != nil {
		return nil, err
	}
	c := m.cfg
	d := &Decoder{m: m, backend: backend, store: store, batch: batch, grid: grid, execs: map[execKey]*model.Exec{},
		hasMedusa: c.MedusaHeads > 0, medusa: c.MedusaHeads > 0}
	if c.CrossAttn {
		var err error
		d.textExec, err = model.NewExec(backend, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
			layers := scope.In(LayersName)
			var out []*graph.Node
			for i := range c.NumLayers {
				kv := m.textKV(layers.In("%d", i).In(CrossAttnName), in[0], nil)
				out = append(out, kv.k, kv.v)
			}
			return out
		})
		if err != nil {
			return nil, fmt.Errorf("autoregressive: decoder: %w", err)
		}
	}
	hd, capacity := c.HeadWidth(), grid.Tokens()
	for range c.NumLayers {
		d.kt = append(d.kt, tensors.FromShape(shapes.Make(dtypes.Float32, batch, c.NumKVHeads, hd, capacity)))
		d.v = append(d.v, tensors.FromShape(shapes.Make(dtypes.Float32, batch, c.NumKVHeads, capacity, hd)))
	}
	return d, nil
}

// window is the number of cache entries a call attends to when the cache holds end tokens after
// it: the smallest power of two from minWindow that holds them, or the capacity.
func (d *Decoder) window(end int) int {
	w := minWindow
	for w < end {
		w *= 2
	}
	return min(w, d.Capacity())
}

// exec returns the graph of key, made at its first use.
func (d *Decoder) exec(key execKey) (*model.Exec, error) {
	if e, ok := d.execs[key]; ok {
		return e, nil
	}
	e, err := model.NewExec(d.backend, d.store, d.graphFn(key))
	if err != nil {
		return nil, fmt.Errorf("autoregressive: decoder: %w", err)
	}
	d.execs[key] = e
	return e, nil
}

// graphFn builds a decoding step. Inputs: ids int32 [B, k], pos int32 scalar, the layers'
// caches (keys then values of each), and with CrossAttn the text mask [B, S] and the layers'
// text keys and values. Outputs: logits [B, k or 1, V], with heads their guesses int32
// [heads, B, 1] at GuessAt and GuessAt (int32 scalar), then the updated caches.
func (d *Decoder) graphFn(key execKey) func(*model.Scope, []*graph.Node) []*graph.Node {
	return func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		c := d.m.cfg
		ids, pos := in[0], in[1]
		n := c.NumLayers
		k := ids.Shape().Dim(1)
		positions := graph.Add(graph.Iota(ids.Graph(), shapes.Make(dtypes.Int32, k), 0), pos)
		bias := cacheBias(positions, key.window, c.NumHeads/c.NumKVHeads)
		caches := make([]*kvCache, n)
		for i := range caches {
			caches[i] = &kvCache{kt: in[2+2*i], v: in[3+2*i], pos: pos, window: key.window, bias: bias}
		}
		var texts []crossKV
		if c.CrossAttn {
			mask := in[2+2*n]
			allowed := graph.InsertAxes(graph.GreaterThan(mask, graph.ScalarZero(mask.Graph(), mask.DType())), 1)
			for i := range n {
				texts = append(texts, crossKV{k: in[3+2*n+2*i], v: in[4+2*n+2*i], allowed: allowed})
			}
		}
		h := d.m.decoder(scope, ids, positions, d.grid, caches, texts)
		if key.lastOnly {
			h = graph.SliceAxis(h, 1, graph.AxisRange(k-1, k))
		}
		logits, _ := d.m.heads(scope, h, false)
		out := []*graph.Node{logits}
		if key.medusa {
			at := graph.ScalarZero(ids.Graph(), dtypes.Int32)
			if !key.lastOnly {
				at = greedyAccepted(ids, logits)
			}
			// h at position at: a one-hot sum (exact) rather than DynamicSlice, which the Go
			// backend lacks.
			pick := graph.ConvertDType(graph.Equal(graph.Iota(ids.Graph(), shapes.Make(dtypes.Int32, 1, h.Shape().Dim(1), 1), 1), at), h.DType())
			h = graph.ReduceAndKeep(graph.Mul(h, pick), graph.ReduceSum, 1)
			heads := d.m.medusaLogits(scope.WithInitializer(nn.RandomNormalInit(scope, InitStdDev)), h)
			out = append(out, graph.ArgMax(heads, -1), at)
		}
		for _, kc := range caches {
			out = append(out, kc.kt, kc.v)
		}
		return out
	}
}

// greedyAccepted is the number of ids after the first that greedy decoding accepts in every
// row, int32 scalar: ids [B, k] are consecutive tokens and logits [B, k, V] their positions';
// id i+1 is accepted when it is the argmax of position i's logits in every row and every id
// before it was accepted.
func greedyAccepted(ids, logits *graph.Node) *graph.Node {
	g := ids.Graph()
	k := ids.Shape().Dim(1)
	if k == 1 {
		return graph.ScalarZero(g, dtypes.Int32)
	}
	best := graph.SliceAxis(graph.ArgMax(logits, -1), 1, graph.AxisRange(0, k-1))
	missed := graph.NotEqual(best, graph.SliceAxis(ids, 1, graph.AxisRange(1, k)))
	anyRow := graph.ReduceMax(graph.ConvertDType(missed, dtypes.Int32), 0) // [k-1]
	index := graph.Iota(g, shapes.Make(dtypes.Int32, k-1), 0)
	return graph.ReduceMin(graph.Where(graph.GreaterThan(anyRow, graph.ScalarZero(g, dtypes.Int32)), index, graph.Scalar(g, dtypes.Int32, k-1)))
}

// UseMedusa sets whether calls run the Medusa heads (Logits.Guesses), by default on for a
// model that has them. Plain decoding turns them off: they cost a linear layer and an lm head
// each, and their graphs find the greedy acceptance.
func (d *Decoder) UseMedusa(on bool) { d.medusa = on && d.hasMedusa }

// Len is the number of tokens in the cache: the position the next token is written at.
func (d *Decoder) Len() int { return d.length }

// Capacity is the number of tokens the cache holds, the grid's.
func (d *Decoder) Capacity() int { return d.grid.Tokens() }

// Batch is the number of sequences decoded together.
func (d *Decoder) Batch() int { return d.batch }

// Rewind drops the tokens at positions n and beyond (rejected speculative tokens, or a new
// sequence with n = 0): the next call writes at position n.
func (d *Decoder) Rewind(n int) error {
	if n < 0 || n > d.length {
		return fmt.Errorf("autoregressive: rewind to %d outside the cache's 0..%d", n, d.length)
	}
	d.length = n
	return nil
}

// SetText sets the prompt embedding the cross-attention reads, text [batch, s, TextDim]
// flattened, and mask [batch, s] (1 on valid tokens; nil: all valid), and empties the cache
// (every cached key depends on the text). Models with CrossAttn need it before the first call.
func (d *Decoder) SetText(text []float32, s int, mask []float32) error {
	c := d.m.cfg
	if !c.CrossAttn {
		return errors.New("autoregressive: the model has no cross-attention to take text")
	}
	if s <= 0 || len(text) != d.batch*s*c.TextDim {
		return fmt.Errorf("autoregressive: text has %d values, want batch %d × %d tokens × %d", len(text), d.batch, s, c.TextDim)
	}
	if mask == nil {
		mask = make([]float32, d.batch*s)
		for i := range mask {
			mask[i] = 1
		}
	} else if len(mask) != d.batch*s {
		return fmt.Errorf("autoregressive: text mask has %d values, want %d", len(mask), d.batch*s)
	}
	tt := tensors.FromFlatDataAndDimensions(text, d.batch, s, c.TextDim)
	defer func() { _ = tt.FinalizeAll() }()
	out, err := d.textExec.Call(tt)
	if err != nil {
		return fmt.Errorf("autoregressive: text keys and values: %w", err)
	}
	d.freeText()
	d.textKV = out
	d.textMask = tensors.FromFlatDataAndDimensions(mask, d.batch, s)
	d.length = 0
	return nil
}

// Prefill empties the cache, runs ids (one equal-length row of condition tokens per
// sequence) through it and returns the logits of their last position (Len 1).
func (d *Decoder) Prefill(ids [][]int32) (*Logits, error) {
	d.length = 0
	return d.run(true, ids)
}

// Step appends k ≥ 1 tokens per sequence (ids [batch][k]) at positions Len()..Len()+k-1 and
// returns the logits of all k positions: with k > 1, what verifying speculative tokens needs
// (follow with Rewind to drop the rejected ones).
func (d *Decoder) Step(ids [][]int32) (*Logits, error) {
	return d.run(false, ids)
}

func (d *Decoder) run(lastOnly bool, ids [][]int32) (*Logits, error) {
	c := d.m.cfg
	if d.broken != nil {
		return nil, d.broken
	}
	if len(ids) != d.batch {
		return nil, fmt.Errorf("autoregressive: %d id rows for a batch of %d", len(ids), d.batch)
	}
	k := len(ids[0])
	if k == 0 {
		return nil, errors.New("autoregressive: no tokens to decode")
	}
	if d.length+k > d.Capacity() {
		return nil, fmt.Errorf("autoregressive: %d tokens after %d exceed the cache's %d (the %dx%dx%d grid)",
			k, d.length, d.Capacity(), d.grid.T, d.grid.H, d.grid.W)
	}
	if c.CrossAttn && d.textMask == nil {
		return nil, errors.New("autoregressive: the model reads text: call SetText first")
	}
	flat := make([]int32, 0, d.batch*k)
	for b, row := range ids {
		if len(row) != k {
			return nil, fmt.Errorf("autoregressive: id row %d has %d tokens, row 0 has %d", b, len(row), k)
		}
		for _, id := range row {
			if id < 0 || int(id) >= c.VocabSize {
				return nil, fmt.Errorf("autoregressive: token id %d in row %d outside the vocabulary [0, %d)", id, b, c.VocabSize)
			}
		}
		flat = append(flat, row...)
	}
	idt := tensors.FromFlatDataAndDimensions(flat, d.batch, k)
	post := tensors.FromScalar(int32(d.length))
	defer func() { _ = idt.FinalizeAll(); _ = post.FinalizeAll() }()
	key := execKey{lastOnly: lastOnly, medusa: d.medusa, window: d.window(d.length + k)}
	if _, ok := d.execs[key]; !ok && !lastOnly {
		// The first call of k tokens also runs the graphs of the larger windows the generation
		// will reach, on the same tokens (they write the same cache entries): their compilation,
		// and the backend's one-time preparation of the weights for each new graph, happen
		// now rather than in the middle of the decoding.
		for w := key.window; w < d.Capacity(); {
			w = min(2*w, d.Capacity())
			out, err := d.call(execKey{medusa: d.medusa, window: w}, idt, post)
			if err != nil {
				return nil, err
			}
			for _, t := range out {
				_ = t.FinalizeAll()
			}
		}
	}
	out, err := d.call(key, idt, post)
	if err != nil {
		return nil, err
	}
	lg := &Logits{Batch: d.batch, Len: out[0].Shape().Dim(1), Vocab: c.VocabSize}
	lg.Values = tensors.MustCopyFlatData[float32](out[0])
	_ = out[0].FinalizeAll()
	if d.medusa {
		all := tensors.MustCopyFlatData[int32](out[1])
		lg.GuessAt = int(tensors.ToScalar[int32](out[2]))
		_ = out[1].FinalizeAll()
		_ = out[2].FinalizeAll()
		for j := range c.MedusaHeads {
			lg.Guesses = append(lg.Guesses, all[j*d.batch:(j+1)*d.batch])
		}
	}
	d.length += k
	return lg, nil
}

// call runs the graph of key on ids and pos with the caches (donated), which it replaces with
// the updated ones, and returns the other outputs.
func (d *Decoder) call(key execKey, idt, post *tensors.Tensor) ([]*tensors.Tensor, error) {
	exec, err := d.exec(key)
	if err != nil {
		return nil, err
	}
	args := []any{idt, post}
	for i := range d.kt {
		for _, t := range []*tensors.Tensor{d.kt[i], d.v[i]} {
			donated, err := graph.DonateTensorBuffer(t, d.backend, 0)
			if err != nil {
				// Nothing ran yet, but an earlier donation may have consumed a cache.
				d.broken = fmt.Errorf("autoregressive: decoder cache: %w", err)
				return nil, d.broken
			}
			args = append(args, donated)
		}
	}
	if d.m.cfg.CrossAttn {
		args = append(args, d.textMask)
		for _, t := range d.textKV {
			args = append(args, t)
		}
	}
	out, err := exec.Call(args...)
	if err != nil {
		d.broken = fmt.Errorf("autoregressive: decoding step: %w", err)
		return nil, d.broken
	}
	caches := out[len(out)-2*len(d.kt):]
	for i := range d.kt {
		d.kt[i], d.v[i] = caches[2*i], caches[2*i+1]
	}
	return out[:len(out)-2*len(d.kt)], nil
}

func (d *Decoder) freeText() {
	for _, t := range d.textKV {
		_ = t.FinalizeAll()
	}
	d.textKV = nil
	if d.textMask != nil {
		_ = d.textMask.FinalizeAll()
		d.textMask = nil
	}
}

// Close releases the caches and compiled graphs.
func (d *Decoder) Close() {
	d.freeText()
	for i := range d.kt {
		_ = d.kt[i].FinalizeAll()
		_ = d.v[i].FinalizeAll()
	}
	d.kt, d.v = nil, nil
	for _, e := range d.execs {
		e.Finalize()
	}
	d.execs = nil
	if d.textExec != nil {
		d.textExec.Finalize()
	}
}
