package diffusion

// ForwardFLOPs is the matmul cost of one network forward pass on a batch of b latents of
// t×h×w positions with ctxLen text tokens: 2 FLOPs per multiply-accumulate of every matrix
// product (patch embedding, the four projections of each attention, the attention scores and
// weighted values, cross-attention keys and values over the text, the MLP, the adaLN
// modulations and the final layer), the usual transformer accounting (Kaplan et al. 2020,
// arXiv:2001.08361, §2.1). Element-wise work (norms, RoPE, softmax, GELU) is left out.
// A training step costs about three times as much (forward, and the two backward products).
func (c Config) ForwardFLOPs(b, t, h, w, ctxLen int) int64 {
	d, ctx, m := int64(c.ModelChannels), int64(c.ContextDim), int64(ctxLen)
	p := int64(c.PatchTemporal * c.PatchSpatial * c.PatchSpatial)
	l := int64(t*h*w) / p
	mac := l * int64(c.InChannels()) * p * d // patch embedding
	mac += 4*l*d*d + 2*l*l*d                 // self-attention projections, scores, values
	mac += 2*l*d*d + 2*m*ctx*d + 2*l*m*d     // cross-attention
	mac += 2 * l * d * int64(c.MLPRatio) * d // MLP
	mac *= int64(c.NumBlocks)
	mac = mac - l*int64(c.InChannels())*p*d*(int64(c.NumBlocks)-1)                    // the patch embedding runs once
	mod := c.modulationParams(3)*3*int64(c.NumBlocks) + c.modulationParams(2) + 4*d*d // adaLN + t_embedder
	mac += mod
	mac += l * d * p * int64(c.LatentChannels) // final layer
	return 2 * int64(b) * mac
}
