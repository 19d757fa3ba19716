package diffusion

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/wfm-platform/wfm/nn"
)

// normEpsilon is the epsilon of every LayerNorm and RMSNorm of the network (1e-6 throughout
// cosmos-predict1's blocks.py and attention.py).
const normEpsilon = 1e-6

// DiT is the diffusion transformer of a Config. Its methods are GoMLX graph functions; the
// variables live in the scope they are given. A DiT is immutable and safe for concurrent use.
type DiT struct {
	cfg Config
}

// New returns the network for cfg, or cfg.Validate's error.
func New(cfg Config) (*DiT, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &DiT{cfg: cfg}, nil
}

// Config returns a copy of the network's configuration.
func (m *DiT) Config() Config { return m.cfg }

// Inputs are the network's inputs for one batch. X has the shape of the latent; the others are
// per sample.
type Inputs struct {
	// X is the preconditioned noisy latent c_in(σ)·x, [B, T, H, W, LatentChannels].
	X *graph.Node
	// Timestep is EDM's c_noise(σ) = ln(σ)/4, [B].
	Timestep *graph.Node
	// Context is the text embedding, [B, ContextLen', ContextDim] (zeros for no text).
	Context *graph.Node
	// FPS is the frame rate of each sample, [B]; nil means images (time position 0 only).
	FPS *graph.Node
	// PaddingMask is 1 where the latent position covers padding, [B, H, W]; nil means none.
	PaddingMask *graph.Node
	// ConditionMask is 1 on the latent frames given as condition, [B, T] (Video2World only;
	// nil means none).
	ConditionMask *graph.Node
	// Extra is the per-position conditioning, [B, T, H, W, ExtraChannels]; required when
	// Config.ExtraChannels > 0, ignored otherwise.
	Extra *graph.Node
}

// Forward runs the network: it returns F(c_in·x, c_noise), shaped like X, the raw output that
// the EDM preconditioning (Denoise) turns into a denoised latent.
//
// Structure (cosmos-predict1 GeneralDIT.forward): concatenate the mask channels, patchify and
// embed, then per block add the learnable absolute embedding and run self-attention (with 3-D
// RoPE), cross-attention to the text and a GELU MLP, each under its own adaLN shift, scale and
// gate; a final adaLN-modulated layer maps back to patches.
func (m *DiT) Forward(scope *model.Scope, in Inputs) *graph.Node {
	c := m.cfg
	x := in.X
	if x.Rank() != 5 || x.Shape().Dim(4) != c.LatentChannels {
		exceptions.Panicf("diffusion: X must be [B, T, H, W, %d], got %s", c.LatentChannels, x.Shape())
	}
	g := x.Graph()
	scope = scope.WithInitializer(initializer.XavierUniformFn(scope))
	b, t, h, w := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	ps, pt := c.PatchSpatial, c.PatchTemporal
	if t%pt != 0 || h%ps != 0 || w%ps != 0 {
		exceptions.Panicf("diffusion: latent %dx%dx%d not divisible by the patch %dx%dx%d", t, h, w, pt, ps, ps)
	}
	tp, hp, wp := t/pt, h/ps, w/ps
	if tp > c.patchedMax(0) || hp > c.patchedMax(1) || wp > c.patchedMax(2) {
		exceptions.Panicf("diffusion: latent %dx%dx%d exceeds the model's maximum %dx%dx%d",
			t, h, w, c.MaxLatentFrames, c.MaxLatentHeight, c.MaxLatentWidth)
	}
	parts := []*graph.Node{x}
	if c.Video2World {
		cm := in.ConditionMask
		if cm == nil {
			cm = graph.Zeros(g, shapes.Make(x.DType(), b, t))
		}
		cm = graph.ConvertDType(cm, x.DType())
		parts = append(parts, graph.BroadcastToDims(graph.Reshape(cm, b, t, 1, 1, 1), b, t, h, w, 1))
	}
	pm := in.PaddingMask
	if pm == nil {
		pm = graph.Zeros(g, shapes.Make(x.DType(), b, h, w))
	}
	pm = graph.ConvertDType(pm, x.DType())
	parts = append(parts, graph.BroadcastToDims(graph.Reshape(pm, b, 1, h, w, 1), b, t, h, w, 1))
	if c.ExtraChannels > 0 {
		e := in.Extra
		if e == nil || e.Rank() != 5 || e.Shape().Dim(0) != b || e.Shape().Dim(1) != t || e.Shape().Dim(2) != h ||
			e.Shape().Dim(3) != w || e.Shape().Dim(4) != c.ExtraChannels {
			exceptions.Panicf("diffusion: Extra must be [%d, %d, %d, %d, %d]", b, t, h, w, c.ExtraChannels)
		}
		parts = append(parts, graph.ConvertDType(e, x.DType()))
	}
	x = graph.Concatenate(parts, -1)

	tokens := nn.Linear(scope.At("x_embedder").At("proj").At("1"), patchify(x, pt, ps), c.ModelChannels, false) // [B, t, h, w, D]
	seq := tp * hp * wp
	tokens = graph.Reshape(tokens, b, seq, c.ModelChannels)

	emb, lora := m.timestepEmbedding(scope, in.Timestep, x.DType())
	angles := RopeAngles(c, g, tp, hp, wp, in.FPS, b)
	absPos := m.absolutePositions(scope.At("extra_pos_embedder"), g, tp, hp, wp, x.DType())
	ctx := in.Context
	if ctx == nil || ctx.Rank() != 3 || ctx.Shape().Dim(0) != b || ctx.Shape().Dim(2) != c.ContextDim {
		exceptions.Panicf("diffusion: Context must be [%d, L, %d]", b, c.ContextDim)
	}
	ctx = graph.ConvertDType(ctx, x.DType())
	for i := range c.NumBlocks {
		tokens = m.block(scope.At("blocks").At("block%d", i), tokens, emb, lora, ctx, angles, absPos)
	}
	out := m.finalLayer(scope.At("final_layer"), tokens, emb, lora) // [B, seq, p·C]
	return unpatchify(graph.Reshape(out, b, tp, hp, wp, out.Shape().Dim(-1)), pt, ps, c.LatentChannels)
}

// patchify maps [B, T, H, W, C] to [B, T/pt, H/ps, W/ps, C·pt·ps·ps] with the reference's
// feature order (c, r, m, n): channel slowest, then the time, row and column offsets in the patch
// (PatchEmbed's rearrange "b c (t r) (h m) (w n) -> b t h w (c r m n)").
func patchify(x *graph.Node, pt, ps int) *graph.Node {
	b, t, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3), x.Shape().Dim(4)
	x = graph.Reshape(x, b, t/pt, pt, h/ps, ps, w/ps, ps, c)
	x = graph.TransposeAllAxes(x, 0, 1, 3, 5, 7, 2, 4, 6)
	return graph.Reshape(x, b, t/pt, h/ps, w/ps, c*pt*ps*ps)
}

// unpatchify inverts the final layer's layout (p1 p2 t C) = (row offset, column offset, time
// offset, channel) back to [B, T, H, W, C] (GeneralDIT.decoder_head).
func unpatchify(x *graph.Node, pt, ps, c int) *graph.Node {
	b, t, h, w := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	x = graph.Reshape(x, b, t, h, w, ps, ps, pt, c)
	x = graph.TransposeAllAxes(x, 0, 1, 6, 2, 4, 3, 5, 7)
	return graph.Reshape(x, b, t*pt, h*ps, w*ps, c)
}

// timestepEmbedding is Timesteps + TimestepEmbedding + affline_norm: sinusoidal features
// [cos(t·f_i), sin(t·f_i)], f_i = 10000^(-i/(D/2)). With AdaLN-LoRA the sinusoid itself
// (RMS-normalized) is the block embedding and Linear(D,D)-SiLU-Linear(D,3D) gives the shared
// modulation term; without it the MLP output is the embedding and lora is nil.
func (m *DiT) timestepEmbedding(scope *model.Scope, timestep *graph.Node, dt dtypes.DType) (emb, lora *graph.Node) {
	d := m.cfg.ModelChannels
	g := timestep.Graph()
	half := d / 2
	freqs := make([]float32, half)
	for i := range freqs {
		freqs[i] = float32(math.Exp(-math.Log(10000) * float64(i) / float64(half)))
	}
	arg := graph.Mul(graph.Reshape(graph.ConvertDType(timestep, dtypes.Float32), -1, 1), graph.Reshape(graph.Const(g, freqs), 1, half))
	sinusoid := graph.ConvertDType(graph.Concatenate([]*graph.Node{graph.Cos(arg), graph.Sin(arg)}, -1), dt)
	te := scope.At("t_embedder").At("1").WithInitializer(nn.RandomNormalInit(scope, 0.02))
	useLoRA := m.cfg.AdaLNLoRADim > 0
	hidden := nn.SiLU(nn.Linear(te.At("linear_1"), sinusoid, d, !useLoRA))
	if useLoRA {
		lora = nn.Linear(te.At("linear_2"), hidden, 3*d, false)
		emb = sinusoid
	} else {
		emb = nn.Linear(te.At("linear_2"), hidden, d, true)
	}
	return nn.RMSNorm(scope.At("affline_norm"), emb, normEpsilon), lora
}

// absolutePositions is LearnablePosEmbAxis: per-axis tables cropped to (t, h, w), summed and
// normalized to unit RMS over the width (eps added to the RMS, as the reference's normalize),
// returned as [1, t·h·w, D].
func (m *DiT) absolutePositions(scope *model.Scope, g *graph.Graph, t, h, w int, dt dtypes.DType) *graph.Node {
	d := m.cfg.ModelChannels
	sc := scope.WithInitializer(nn.RandomNormalInit(scope, 0.02))
	table := func(name string, n, keep int) *graph.Node {
		v := sc.VariableWithShape(name, shapes.Make(dt, n, d)).NodeValue(g)
		return graph.SliceAxis(v, 0, graph.AxisRange(0, keep))
	}
	et := graph.Reshape(table("pos_emb_t", m.cfg.patchedMax(0), t), t, 1, 1, d)
	eh := graph.Reshape(table("pos_emb_h", m.cfg.patchedMax(1), h), 1, h, 1, d)
	ew := graph.Reshape(table("pos_emb_w", m.cfg.patchedMax(2), w), 1, 1, w, d)
	// The sum and its normalization are computed in float32, as the other norms of a bfloat16
	// network.
	e := graph.Add(graph.Add(graph.ConvertDType(et, dtypes.Float32), graph.ConvertDType(eh, dtypes.Float32)),
		graph.ConvertDType(ew, dtypes.Float32))
	rms := graph.Sqrt(graph.ReduceAndKeep(graph.Square(e), graph.ReduceMean, -1))
	e = graph.Div(e, graph.AddScalar(rms, normEpsilon))
	return graph.ConvertDType(graph.Reshape(e, 1, t*h*w, d), dt)
}

// block is one GeneralDITTransformerBlock with block_config "FA-CA-MLP".
func (m *DiT) block(scope *model.Scope, x, emb, lora, ctx, angles, absPos *graph.Node) *graph.Node {
	c := m.cfg
	x = graph.Add(x, absPos)
	sub := func(j int, fn func(s *model.Scope, y *graph.Node) *graph.Node) {
		s := scope.At("blocks").At("%d", j)
		shift, scale, gate := m.modulation(s, emb, lora, 3)
		y := modulate(nn.LayerNormNoAffine(s, x, normEpsilon), shift, scale)
		x = graph.Add(x, graph.Mul(gate, fn(s.At("block"), y)))
	}
	sub(0, func(s *model.Scope, y *graph.Node) *graph.Node {
		return attention(s.At("attn"), y, y, c.NumHeads, angles)
	})
	sub(1, func(s *model.Scope, y *graph.Node) *graph.Node {
		return attention(s.At("attn"), y, ctx, c.NumHeads, nil)
	})
	sub(2, func(s *model.Scope, y *graph.Node) *graph.Node {
		hidden := nn.LinearGELU(s.At("layer1"), y, c.MLPRatio*c.ModelChannels, false)
		return nn.Linear(s.At("layer2"), hidden, c.ModelChannels, false)
	})
	return x
}

// modulation is adaLN_modulation: SiLU, then Linear(D, chunks·D) (full adaLN) or the low-rank
// Linear(D, L)·Linear(L, chunks·D) plus the shared term lora[:, :chunks·D] (AdaLN-LoRA). The
// last linear starts at zero, as in the reference's initialize_weights. Each returned chunk is
// [B, 1, D] (shift, scale[, gate]).
func (m *DiT) modulation(scope *model.Scope, emb, lora *graph.Node, chunks int) (shift, scale, gate *graph.Node) {
	d := m.cfg.ModelChannels
	s := scope.At("adaLN_modulation")
	h := nn.SiLU(emb)
	var mod *graph.Node
	if r := m.cfg.AdaLNLoRADim; r > 0 {
		h = nn.Linear(s.At("1"), h, r, false)
		mod = nn.Linear(s.At("2").WithInitializer(initializer.Zero), h, chunks*d, false)
		mod = graph.Add(mod, graph.SliceAxis(lora, 1, graph.AxisRange(0, chunks*d)))
	} else {
		mod = nn.Linear(s.At("1").WithInitializer(initializer.Zero), h, chunks*d, false)
	}
	mod = graph.InsertAxes(mod, 1) // [B, 1, chunks·D]
	parts := graph.Split(mod, -1, chunks)
	shift, scale = parts[0], parts[1]
	if chunks > 2 {
		gate = parts[2]
	}
	return shift, scale, gate
}

// finalLayer is FinalLayer: LayerNorm without affine, adaLN shift and scale, then a linear map
// to pt·ps²·C values per token.
func (m *DiT) finalLayer(scope *model.Scope, x, emb, lora *graph.Node) *graph.Node {
	c := m.cfg
	shift, scale, _ := m.modulation(scope, emb, lora, 2)
	x = modulate(nn.LayerNormNoAffine(scope, x, normEpsilon), shift, scale)
	return nn.Linear(scope.At("linear"), x, c.PatchTemporal*c.PatchSpatial*c.PatchSpatial*c.LatentChannels, false)
}

// attention is cosmos-predict1's Attention with qkv_norm "RRI" per head and no biases: q, k
// and v projections, RMSNorm on each head of q and k, RoPE on q and k when angles is given
// (self-attention only), scaled dot-product attention, output projection. Variables follow the
// reference modules: to_q/0 (Linear), to_q/1 (RMSNorm), to_k/0, to_k/1, to_v/0, to_out/0.
func attention(scope *model.Scope, x, ctx *graph.Node, heads int, angles *graph.Node) *graph.Node {
	b, l, d := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	m := ctx.Shape().Dim(1)
	hd := d / heads
	q := graph.Reshape(nn.Linear(scope.At("to_q").At("0"), x, d, false), b, l, heads, hd)
	k := graph.Reshape(nn.Linear(scope.At("to_k").At("0"), ctx, d, false), b, m, heads, hd)
	v := graph.Reshape(nn.Linear(scope.At("to_v").At("0"), ctx, d, false), b, m, heads, hd)
	q = nn.RMSNorm(scope.At("to_q").At("1"), q, normEpsilon)
	k = nn.RMSNorm(scope.At("to_k").At("1"), k, normEpsilon)
	if angles != nil {
		q = ApplyRope(q, angles)
		k = ApplyRope(k, angles)
	}
	out := nn.ScaledDotProductAttention(scope, q, k, v, false)
	return nn.Linear(scope.At("to_out").At("0"), graph.Reshape(out, b, l, d), d, false)
}

// modulate is x·(1 + scale) + shift.
func modulate(x, shift, scale *graph.Node) *graph.Node {
	return graph.Add(graph.Mul(x, graph.AddScalar(scale, 1)), shift)
}
