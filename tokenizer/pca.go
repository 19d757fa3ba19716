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
	eye := make([]float32, z*z)
	for i := range z {
		eye[i*z+i] = 1
	}
	set := map[string][]float32{
		"/" + EncoderScope + "/" + ShortcutScope + "/weights": enc,
		"/" + EncoderScope + "/" + ShortcutScope + "/biases":  encBias,
		"/" + DecoderScope + "/" + ShortcutScope + "/weights": dec,
		"/" + DecoderScope + "/" + ShortcutScope + "/biases":  decBias,
		"/" + QuantConvScope + "/weights":                     eye,
		"/" + QuantConvScope + "/biases":                      make([]float32, z),
		"/" + PostQuantConvScope + "/weights":                 eye,
		"/" + PostQuantConvScope + "/biases":                  make([]float32, z),
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
	fit := LinearFit{Patches: count}
	if total > 0 {
		fit.Explained = kept / total
	}
	if math.IsNaN(fit.Explained) {
		return LinearFit{}, fmt.Errorf("tokenizer.%s: FitLinearShortcut: NaN in the patch statistics", c.Name)
	}
	return fit, nil
}
