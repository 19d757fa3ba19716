package diffusion

import (
	"math"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// EDM preconditioning (Karras, Aittala, Aila and Laine 2022, "Elucidating the Design Space of
// Diffusion-Based Generative Models", arXiv:2206.00364, Table 1), as cosmos-predict1's
// EDMScaling (modules/denoiser_scaling.py) computes it:
//
//	c_skip  = σd² / (σ² + σd²)
//	c_out   = σ·σd / √(σ² + σd²)
//	c_in    = 1 / √(σ² + σd²)
//	c_noise = ln(σ) / 4
//
// and the denoiser D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise). At σ → 0, c_skip → 1 and
// c_out → 0 (D passes x through); at σ → ∞, c_skip → 0 and c_out → σd (D is the network's
// estimate at the data scale).
func Scaling(sigma, sigmaData float64) (cSkip, cOut, cIn, cNoise float64) {
	s2, d2 := sigma*sigma, sigmaData*sigmaData
	cSkip = d2 / (s2 + d2)
	cOut = sigma * sigmaData / math.Sqrt(s2+d2)
	cIn = 1 / math.Sqrt(s2+d2)
	cNoise = 0.25 * math.Log(sigma)
	return
}

// LossWeight is EDM's λ(σ) = (σ² + σd²) / (σ·σd)², which makes the effective weight of the
// network output's error uniform across noise levels (Karras et al. 2022, eq. 8 and Table 1).
func LossWeight(sigma, sigmaData float64) float64 {
	return (sigma*sigma + sigmaData*sigmaData) / (sigma * sigma * sigmaData * sigmaData)
}

// Conditioning is what a denoiser call sees besides the noisy latent.
type Conditioning struct {
	// Context [B, L, ContextDim], FPS [B] (nil for images), PaddingMask [B, H, W] (nil: none):
	// see Inputs.
	Context, FPS, PaddingMask *graph.Node
	// Video2World: ConditionMask [B, T] marks the given latent frames; ConditionLatent
	// [B, T, H, W, C] holds their clean values and AugmentedLatent the same plus noise of
	// standard deviation AugmentSigma [B]. Nil ConditionMask means Text2World.
	ConditionMask, ConditionLatent, AugmentedLatent, AugmentSigma *graph.Node
	// Extra is the per-position conditioning of a model with Config.ExtraChannels (Inputs.Extra).
	Extra *graph.Node
}

// Denoise is the preconditioned denoiser, computed in float32 around a network that runs in
// Config.DType ; D(x; σ) for float32 x [B, T, H, W, C] and σ [B]. With a
// condition (Video2World, cosmos-predict1 model_v2w.py), the condition frames of the input are
// replaced by the noise-augmented condition latent, rescaled so that the network sees
// c_in(σ_aug)·(x_c + σ_aug·n) there, and the condition frames of the output are replaced by the
// clean condition latent: the model never has to predict what it was given.
func (m *DiT) Denoise(scope *model.Scope, x, sigma *graph.Node, cond Conditioning) *graph.Node {
	b := x.Shape().Dim(0)
	pre := m.scalings(x.Graph(), b)
	cSkip, cOut, cIn := pre.skip(sigma), pre.out(sigma), pre.in(sigma)
	cNoise := graph.MulScalar(graph.Log(sigma), 0.25)

	var frameMask, base *graph.Node
	if cond.ConditionMask != nil && m.cfg.ResidualCondition {
		base = residualBase(cond.ConditionMask, cond.ConditionLatent)
		x = graph.Sub(x, base)
	}
	if cond.ConditionMask != nil {
		t := x.Shape().Dim(1)
		frameMask = graph.Reshape(cond.ConditionMask, b, t, 1, 1, 1)
		// As the reference, a condition noisier than the current level is not substituted (the
		// frames are generated like the others); the network's mask channel still marks them.
		usable := graph.ConvertDType(graph.LessThan(cond.AugmentSigma, sigma), frameMask.DType())
		frameMask = graph.Mul(frameMask, pre.col(usable))
		// x_c' = (x_c + σ_aug·n)·c_in(σ_aug)/c_in(σ): after the c_in(σ) below it is c_in(σ_aug)·(x_c + σ_aug·n).
		given := graph.Mul(cond.AugmentedLatent, graph.Div(pre.in(cond.AugmentSigma), cIn))
		x = graph.Add(graph.Mul(frameMask, given), graph.Mul(graph.OneMinus(frameMask), x))
	}
	out := m.Forward(scope, Inputs{
		X: graph.ConvertDType(graph.Mul(x, cIn), m.cfg.ComputeDType()), Timestep: cNoise, Context: cond.Context, FPS: cond.FPS,
		PaddingMask: cond.PaddingMask, ConditionMask: cond.ConditionMask, Extra: cond.Extra,
	})
	out = graph.ConvertDType(out, x.DType())
	d := graph.Add(graph.Mul(cSkip, x), graph.Mul(cOut, out))
	if base != nil {
		d = graph.Add(d, base)
	}
	if frameMask != nil {
		d = graph.Add(graph.Mul(frameMask, cond.ConditionLatent), graph.Mul(graph.OneMinus(frameMask), d))
	}
	return d
}

// residualBase is the offset of Config.ResidualCondition: the last condition frame of each
// sample's clean condition latent [B, T, H, W, C], repeated over its generated frames, zero on its
// condition frames and zero for samples without condition (mask [B, T] all zero). The condition
// frames are a prefix, so the last one is where the mask steps down.
func residualBase(mask, latent *graph.Node) *graph.Node {
	b, t := mask.Shape().Dim(0), mask.Shape().Dim(1)
	mask = graph.ConvertDType(mask, latent.DType())
	next := graph.Concatenate([]*graph.Node{graph.Slice(mask, graph.AxisRange(), graph.AxisRange(1)),
		graph.Zeros(mask.Graph(), shapes.Make(latent.DType(), b, 1))}, 1)
	last := graph.Sub(mask, next) // one-hot on the last condition frame, or all zero
	frame := graph.Einsum("bt,bthwc->bhwc", last, latent)
	gen := graph.Reshape(graph.OneMinus(mask), b, t, 1, 1, 1)
	return graph.Mul(gen, graph.InsertAxes(frame, 1))
}

// edmScalings computes the EDM coefficients of a batch of σ [B] in float32, as [B, 1, 1, 1, 1]
// with the model's single σ_data, or [B, 1, 1, 1, C] with Config.SigmaDataChannels.
type edmScalings struct {
	b       int
	sd, sd2 *graph.Node // σd and σd², [1, 1, 1, 1, C]; nil for the scalar σd
	sdv     float64
}

func (m *DiT) scalings(g *graph.Graph, b int) edmScalings {
	e := edmScalings{b: b, sdv: m.cfg.SigmaData}
	if ch := m.cfg.SigmaDataChannels; len(ch) > 0 {
		sd, sd2 := make([]float32, len(ch)), make([]float32, len(ch))
		for i, v := range ch {
			sd[i], sd2[i] = v, float32(float64(v)*float64(v))
		}
		e.sd = graph.Reshape(graph.Const(g, sd), 1, 1, 1, 1, len(ch))
		e.sd2 = graph.Reshape(graph.Const(g, sd2), 1, 1, 1, 1, len(ch))
	}
	return e
}

func (e edmScalings) col(v *graph.Node) *graph.Node { return graph.Reshape(v, e.b, 1, 1, 1, 1) }

// denom is σ² + σd².
func (e edmScalings) denom(sigma *graph.Node) *graph.Node {
	s2 := e.col(graph.Square(sigma))
	if e.sd2 == nil {
		return graph.AddScalar(s2, e.sdv*e.sdv)
	}
	return graph.Add(graph.BroadcastToDims(s2, e.b, 1, 1, 1, e.sd2.Shape().Dim(4)), e.sd2)
}

func (e edmScalings) bcast(v *graph.Node) *graph.Node {
	return graph.BroadcastToDims(v, e.b, 1, 1, 1, e.sd2.Shape().Dim(4))
}

// skip is c_skip = σd²/(σ² + σd²).
func (e edmScalings) skip(sigma *graph.Node) *graph.Node {
	if e.sd2 == nil {
		return graph.Div(graph.Const(sigma.Graph(), float32(e.sdv*e.sdv)), e.denom(sigma))
	}
	return graph.Div(e.bcast(e.sd2), e.denom(sigma))
}

// out is c_out = σ·σd/√(σ² + σd²).
func (e edmScalings) out(sigma *graph.Node) *graph.Node {
	r := graph.Div(e.col(sigma), graph.Sqrt(e.denom(sigma)))
	if e.sd == nil {
		return graph.MulScalar(r, e.sdv)
	}
	return graph.Mul(r, e.bcast(e.sd))
}

// in is c_in = 1/√(σ² + σd²).
func (e edmScalings) in(sigma *graph.Node) *graph.Node {
	return graph.Inverse(graph.Sqrt(e.denom(sigma)))
}

// weight is the loss weight λ(σ) = (σ² + σd²)/(σ·σd)².
func (e edmScalings) weight(sigma *graph.Node) *graph.Node {
	s2 := e.col(graph.Square(sigma))
	if e.sd2 == nil {
		return graph.Div(graph.AddScalar(s2, e.sdv*e.sdv), graph.MulScalar(s2, e.sdv*e.sdv))
	}
	return graph.Div(e.denom(sigma), graph.Mul(e.bcast(s2), e.bcast(e.sd2)))
}
