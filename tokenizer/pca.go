package tokenizer

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/mat"
)

// LinearFit reports the principal-component fit of [FitLinearShortcut].
type LinearFit struct {
	// Patches is the number of Haar patch vectors the fit saw.
	Patches int `json:"patches"`
	// Explained is the fraction of the patches' variance (about their mean) the kept
	// components hold, in the Haar domain.
	Explained float64 `json:"explained"`
	// QuantizedExplained is, for a discrete tokenizer, the fraction of the variance left after
	// the kept components go through FSQ and back (quant_conv, quantizer, post_quant_conv as
	// fitted): Explained less the quantization error. 0 for a continuous tokenizer.
	QuantizedExplained float64 `json:"quantized_explained,omitempty"`
	// FSQScales is, for a discrete tokenizer, per kept component (largest first), the standard
	// deviation its quant_conv output has: the component's spread in units of the FSQ tanh's
	// input.
	FSQScales []float64 `json:"fsq_scales,omitempty"`
}

// FitLinearShortcut starts a [Config.LinearShortcut] tokenizer at the best linear autoencoder of
// the Haar patches of video (uint8 [N, 1+k·t, H, W, InChannels], at most maxClips of them
// used; 0: all): the encoder shortcut projects a patch, less the patches' mean, onto their top
// ZChannels principal components, the decoder shortcut maps back and adds the mean, quant_conv
// and post_quant_conv are identities, and the last convolution of each conv_out is zero, so the
// convolutional path starts silent (it still learns: its other layers are untouched, as in
// zero-initialised residual branches). A linear autoencoder trained by gradient descent would
// converge to the same subspace; the closed form gets there before the first step, which is
// what makes the tokenizer usable on a CPU budget.
//
// store must hold the tokenizer's variables (InitStore); they are overwritten in place. It
// needs ZChannels = LatentChannels, as the identities do.
//
// For a discrete tokenizer, quant_conv and post_quant_conv are not identities but scaled
// permutations, so that each principal component fills its FSQ channel: component k (largest
// first) goes to the channel with the k-th most levels; quant_conv multiplies it by the factor,
// found by a search over the training patches' coefficients, that gives the least squared error
// after the quantizer and the best linear map back, and post_quant_conv applies that map (a
// scale and an offset per channel). Without it the coefficients would reach FSQ's tanh unscaled
// and most of them would fall into one or two of its levels.
func FitLinearShortcut(b compute.Backend, m *Tokenizer, store *model.Store, video *tensors.Tensor, maxClips int) (LinearFit, error) {
	c := m.cfg
	switch {
	case !c.LinearShortcut:
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut needs linear_shortcut", c.Name)
	case c.ZChannels != c.LatentChannels:
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut needs z_channels = latent_channels, got %d and %d", c.Name, c.ZChannels, c.LatentChannels)
	case video.DType() != dtypes.Uint8 || video.Rank() != 5:
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut needs uint8 video [N, T, H, W, C], got %s", c.Name, video.Shape())
	}
	dims := video.Shape().Dimensions
	m.LatentShape(append([]int{1}, dims[1:]...)) // panics on a size the tokenizer cannot take
	n := dims[0]
	if maxClips > 0 {
		n = min(n, maxClips)
	}
	exec, err := model.NewExec(b, model.NewStore(), func(scope *model.Scope, x *graph.Node) *graph.Node {
		return graph.ConvertDType(HaarPatch3D(PixelsToModel(x, dtypes.Float32), c.PatchSize), dtypes.Float64)
	})
	if err != nil {
		return LinearFit{}, err
	}
	defer exec.Finalize()

	per := video.Shape().Size() / dims[0]
	var all []uint8 // the clips used, copied once
	if err := tensors.ConstFlatData(video, func(flat []uint8) { all = slices.Clone(flat[:n*per]) }); err != nil {
		return LinearFit{}, err
	}
	width := c.InChannels * c.PatchSize * c.PatchSize * c.PatchSize
	sum := make([]float64, width)
	cov := mat.NewSymDense(width, nil)
	count := 0
	const batch = 8
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		part := tensors.FromFlatDataAndDimensions(all[start*per:end*per], append([]int{end - start}, dims[1:]...)...)
		out, err := exec.Call(part)
		if err != nil {
			return LinearFit{}, fmt.Errorf("tokenizer.%s: Haar patches: %w", c.Name, err)
		}
		flat := tensors.MustCopyFlatData[float64](out[0])
		rows := len(flat) / width
		x := mat.NewDense(rows, width, flat)
		for r := range rows {
			for j, v := range flat[r*width : (r+1)*width] {
				sum[j] += v
			}
		}
		cov.SymRankK(cov, 1, x.T()) // accumulates XᵀX
		count += rows
	}
	if count < 2 {
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: no patches", c.Name)
	}
	mean := make([]float64, width)
	for j := range mean {
		mean[j] = sum[j] / float64(count)
	}
	for i := range width {
		for j := i; j < width; j++ {
			cov.SetSym(i, j, cov.At(i, j)/float64(count)-mean[i]*mean[j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: eigendecomposition failed", c.Name)
	}
	values := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	z := c.ZChannels
	var total, kept float64
	for i, v := range values {
		total += max(v, 0)
		if i >= width-z {
			kept += max(v, 0)
		}
	}
	// Component k (largest first) is column width-1-k.
	enc := make([]float32, width*z) // [in, out]
	dec := make([]float32, z*width) // [in, out]
	encBias := make([]float32, z)
	for k := range z {
		col := width - 1 - k
		var proj float64
		for j := range width {
			v := vecs.At(j, col)
			enc[j*z+k] = float32(v)
			dec[k*width+j] = float32(v)
			proj += v * mean[j]
		}
		encBias[k] = float32(-proj)
	}
	decBias := make([]float32, width)
	for j := range width {
		decBias[j] = float32(mean[j])
	}
	fit := LinearFit{Patches: count}
	if total > 0 {
		fit.Explained = kept / total
	}
	quantW := make([]float32, z*z) // [in, out]
	postW := make([]float32, z*z)  // [in, out]
	postB := make([]float32, z)
	quantB := make([]float32, z)
	if m.fsq == nil {
		for i := range z {
			quantW[i*z+i], postW[i*z+i] = 1, 1
		}
	} else {
		// The coefficients of every patch on the kept components, channel-major.
		coef := make([][]float64, z)
		for start := 0; start < n; start += batch {
			end := min(start+batch, n)
			part := tensors.FromFlatDataAndDimensions(all[start*per:end*per], append([]int{end - start}, dims[1:]...)...)
			out, err := exec.Call(part)
			if err != nil {
				return LinearFit{}, fmt.Errorf("tokenizer.%s: Haar patches: %w", c.Name, err)
			}
			flat := tensors.MustCopyFlatData[float64](out[0])
			for r := range len(flat) / width {
				row := flat[r*width : (r+1)*width]
				for k := range z {
					v := float64(encBias[k])
					for j, x := range row {
						v += x * float64(enc[j*z+k])
					}
					coef[k] = append(coef[k], v)
				}
			}
		}
		// Component k goes to the channel with the k-th most levels.
		levels := m.fsq.Levels()
		channels := make([]int, z)
		for i := range channels {
			channels[i] = i
		}
		slices.SortStableFunc(channels, func(a, b int) int { return levels[b] - levels[a] })
		var lost float64
		for k, ch := range channels {
			s := fitFSQChannel(m.fsq, ch, coef[k])
			quantW[k*z+ch], quantB[ch] = float32(s.scale), float32(s.bias)
			postW[ch*z+k], postB[k] = float32(s.gain), float32(s.offset)
			lost += s.mse
			fit.FSQScales = append(fit.FSQScales, s.scale*stddev(coef[k]))
		}
		if total > 0 {
			fit.QuantizedExplained = max(kept-lost, 0) / total
		}
	}
	set := map[string][]float32{
		"/" + EncoderScope + "/" + ShortcutScope + "/weights": enc,
		"/" + EncoderScope + "/" + ShortcutScope + "/biases":  encBias,
		"/" + DecoderScope + "/" + ShortcutScope + "/weights": dec,
		"/" + DecoderScope + "/" + ShortcutScope + "/biases":  decBias,
		"/" + QuantConvScope + "/weights":                     quantW,
		"/" + QuantConvScope + "/biases":                      quantB,
		"/" + PostQuantConvScope + "/weights":                 postW,
		"/" + PostQuantConvScope + "/biases":                  postB,
	}
	for _, half := range []string{EncoderScope, DecoderScope} {
		for _, leaf := range []string{"weights", "biases"} {
			set["/"+half+"/conv_out_1/"+leaf] = nil // zeros of the variable's shape
		}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		v := store.GetVariable(p)
		if v == nil {
			return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: the store has no variable %s (initialise it first)", c.Name, p)
		}
		old, err := v.Value()
		if err != nil {
			return LinearFit{}, err
		}
		values := set[p]
		if values == nil {
			values = make([]float32, old.Size())
		}
		if old.Size() != len(values) || old.DType() != dtypes.Float32 {
			return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: variable %s is %s, want %d float32 values", c.Name, p, old.Shape(), len(values))
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(values, old.Shape().Dimensions...)); err != nil {
			return LinearFit{}, err
		}
	}
	if math.IsNaN(fit.Explained) {
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: NaN in the patch statistics", c.Name)
	}
	return fit, nil
}

// fsqChannelFit is the fitted scaling of one principal component into one FSQ channel.
type fsqChannelFit struct {
	scale, bias  float64 // quant_conv's factor and bias: z = scale·coef + bias, centred
	gain, offset float64 // post_quant_conv's map from the code back to the coefficient
	mse          float64 // the mean squared error of the coefficient after the round trip
}

// fsqScaleSteps are the spreads (the coefficients' standard deviation times quant_conv's factor)
// fitFSQChannel tries: geometric from 0.05 to 4.
const fsqScaleSteps = 64

// fitFSQChannel finds the quant_conv factor for coefficients coef going into channel ch of q
// that gives the least mean squared error after quantization and the least-squares linear map
// back (gain·code + offset), trying fsqScaleSteps spreads; the coefficients are centred first
// (quant_conv's bias). It computes the quantizer as FSQ.Quantize does, in float64.
func fitFSQChannel(q *FSQ, ch int, coef []float64) fsqChannelFit {
	sd := stddev(coef)
	var mean float64
	for _, v := range coef {
		mean += v
	}
	mean /= float64(max(len(coef), 1))
	best := fsqChannelFit{scale: 1, mse: math.Inf(1)}
	if sd == 0 {
		return fsqChannelFit{scale: 1, gain: 0, offset: mean, mse: 0}
	}
	codes := make([]float64, len(coef))
	for i := range fsqScaleSteps {
		spread := 0.05 * math.Pow(4/0.05, float64(i)/float64(fsqScaleSteps-1))
		scale := spread / sd
		var sc, scc, sxc float64
		for j, v := range coef {
			b := math.Tanh(scale*(v-mean)+q.shift[ch])*q.halfL[ch] - q.offset[ch]
			code := math.RoundToEven(b) / q.halfWidth[ch]
			codes[j] = code
			sc += code
			scc += code * code
			sxc += v * code
		}
		nf := float64(len(coef))
		mc := sc / nf
		varc := scc/nf - mc*mc
		if varc <= 0 {
			continue
		}
		gain := (sxc/nf - mean*mc) / varc
		offset := mean - gain*mc
		var mse float64
		for j, v := range coef {
			d := v - gain*codes[j] - offset
			mse += d * d
		}
		mse /= nf
		if mse < best.mse {
			best = fsqChannelFit{scale: scale, bias: -scale * mean, gain: gain, offset: offset, mse: mse}
		}
	}
	if math.IsInf(best.mse, 1) { // every spread put all coefficients into one level
		return fsqChannelFit{scale: 1 / sd, bias: -mean / sd, gain: 0, offset: mean, mse: sd * sd}
	}
	return best
}

// stddev is the population standard deviation of xs (0 when empty).
func stddev(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s, ss float64
	for _, v := range xs {
		s += v
		ss += v * v
	}
	n := float64(len(xs))
	return math.Sqrt(max(ss/n-(s/n)*(s/n), 0))
}
