// Package tokenizer is the home of the Cosmos video and image tokenizers. It holds the
// wavelet patcher that turns pixels into a shorter, wider tensor, the finite scalar quantizer
// (FSQ) of the discrete tokenizers and the causal video encoder and decoder between them
// ([Tokenizer]). Tensors are channels-last: video
// [B, T, H, W, C], images [B, H, W, C], float32, pixels in [-1, 1]. Every function here is a
// GoMLX graph function and runs unchanged on the Go and XLA backends; the FSQ also has plain-Go
// id <-> code conversions for code that handles token ids outside a graph.
//
// The semantics follow NVIDIA's public Cosmos-Tokenizer (github.com/NVIDIA/Cosmos-Tokenizer,
// cosmos_tokenizer/modules/patching.py and quantizers.py), so that its published weights load
// without retraining; the layouts below are therefore part of the weight format.
//
// # Haar wavelet patcher
//
// [HaarPatch3D] (Patcher3D, patch_method "haar") applies log2(p) levels of a 3-D discrete Haar
// transform, p = patch_size (Cosmos uses 4: two levels). One level takes each 2×2×2 block of
// (time, height, width) and forms 8 sub-bands by the 1-D Haar pair low = (a+b)/√2,
// high = (a-b)/√2 along T, then H, then W, and divides the result by 2√2. Together that is
// coefficient = (1/8)·Σ ±x over the block: the all-low band is the block mean, and a high band
// has sign - on the second element of each pair it is high on. Every level transforms all
// channels, not only the low band, so two levels give 64 sub-bands per input channel.
//
// Causality: before the transform the first frame is repeated p times (Patcher3D._haar), so
// frames {0 (p copies)}, {1..p}, {p+1..2p}, ... form the temporal groups and 1+T frames become
// 1+T/p latent frames; the first latent frame depends on the first input frame alone.
// [HaarUnpatch3D] (UnPatcher3D._ihaar) inverts each level and drops the first p-1 frames.
//
// Channel layout (video). After one level on C channels, output channel = band·C + c with
// band = 4·t + 2·h + w, where t, h, w are 0 for the low and 1 for the high filter on that axis:
// the reference's concatenation order lll, llh, lhl, lhh, hll, hlh, hhl, hhh (letters T, H, W).
// The second level sees 8C channels, so after two levels
// channel = band₂·8C + band₁·C + c: 3 RGB channels become 192.
//
// Channel layout (images, [HaarPatch2D], Patcher._dwt). The image patcher filters W first and
// then H and divides each level by 2, so coefficient = (1/4)·Σ ±x over a 2×2 block and
// band = 2·w + h (order ll, lh, hl, hh with letters W, H): the opposite bit order to the video
// patcher's H, W.
//
// The reference multiplies float32 1/√2 factors and divides by float32 2√2; here each level
// multiplies by the exact 1/8 (or 1/4), which differs from it by float32 rounding only.
// Sizes that do not divide by p are rejected: the reference pads them by reflection, a case its
// inverse cannot undo.
//
// # Causal video tokenizer
//
// [Tokenizer] is the factorized causal video autoencoder of Cosmos-Tokenizer
// (modules/layers3d.py EncoderFactorized, DecoderFactorized; networks/continuous_video.py and
// discrete_video.py), configured by [Config] and named [Preset]s: Haar patch, (1,3,3)+(3,1,1)
// convolutions, res blocks with per-frame GroupNorm, hybrid down/upsampling, a mid block with
// per-frame spatial and causal temporal attention, and a 1x1x1 quant_conv to 16 continuous (CV)
// or 6 FSQ (DV) channels. Every layer is causal in time, so latent frame 0 encodes frame 0 alone.
// Variables are scoped by the reference's module paths; the rule that maps one onto a checkpoint
// key is [CheckpointName]'s.
//
// Parity: given the same weights, Encode and Decode compute what the reference's PyTorch
// networks compute to float32 rounding (relative errors of order 1e-7 to 1e-6, measured on
// seeded random weights by parity_test.go against golden files that testdata/make_golden.py
// writes with the reference code itself). One structural detail comes from there: the
// reference's continuous tokenizers with 4x temporal compression build their decoder with
// channel multipliers [2, 4] ([Config].DecoderChannelsMult).
//
// # Finite scalar quantization
//
// [FSQ] implements Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE Made Simple"
// (arXiv:2309.15505), as Cosmos's FSQuantizer does. The discrete tokenizers use levels
// [8, 8, 8, 5, 5, 5] on a 6-channel latent ([CosmosFSQLevels]): 64,000 ids with place values
// (basis) [1, 8, 64, 512, 2560, 12800], id = Σ digitᵢ·basisᵢ, the first channel least
// significant. Per channel with L levels:
//
//	halfL  = (L-1)·(1+1e-3)/2         tanh amplitude, 1e-3 so the extreme levels are reachable
//	offset = 0.5 if L is even, else 0
//	shift  = atanh(offset/halfL)      makes bound(0) = 0
//	bound(z) = tanh(z + shift)·halfL - offset
//	code     = round(bound(z)) / (L/2)    (L/2 is integer division)
//	digit    = code·(L/2) + L/2            in 0..L-1
//
// so L = 8 gives codes {-4..3}/4 (asymmetric: the offset centres the even grid) and L = 5 gives
// {-2..2}/2. Rounding is round-half-to-even (torch.round) with a straight-through gradient
// ([RoundSTE]: x + StopGradient(round(x) - x)). The all-zero latent maps to the id
// 4 + 4·8 + 4·64 + 2·512 + 2·2560 + 2·12800 = 32036.
//
// # Weights
//
// [ExportOfficial] writes a model's variables under the Cosmos state-dict keys
// ([CheckpointName]) in PyTorch layout; [ImportOfficial] reads such a file, a PyTorch .pt state
// dict or a TorchScript .jit archive (through package torchfile, which runs nothing from the
// file) back into a store, transposing convolution kernels and checking every shape.
//
// # Training and inference
//
// [Train] runs the shared loop of package train on clips of 1+2t frames (t the temporal
// compression) with [LossOptions]: L1 on pixels, a structural term (1 - SSIM over 11x11
// Gaussian windows, or an image-gradient L1), and a temporal-consistency term (L1 between the
// frame-to-frame differences of the reconstruction and of the input), with PSNR and SSIM on
// held-out clips logged as eval.psnr / eval.ssim. [Codec] handles any video: it cuts time into
// windows of 1+k·t frames (the causal first frame of each window is encoded alone), pads the
// last window by repeating its last frame and the frame size by reflection to a multiple of the
// spatial compression, optionally cuts large frames into overlapping tiles blended linearly on
// decode (DV ids are taken from the tile that owns each latent position, never blended), and
// crops everything back. [SaveTokens] writes latents (F32) or DV ids (U16) to safetensors with
// the config, the original frame count and size, the fps and the window in the metadata.
// [ExportOfficialHalf] writes the official layout in float16, the format of the committed
// weights in tokenizer/pretrained.
//
// A [Config].LinearShortcut tokenizer (ours, not Cosmos's) starts training from
// [FitLinearShortcut]: the principal components of its Haar patches, and for a discrete one
// quant_conv and post_quant_conv scaled so that each component fills its FSQ channel.
//
// # Quality against a baseline
//
// [MeasureFidelity] round-trips clips and reports PSNR over whole frames and inside
// ground-truth object masks ([RegionError]; the flat background of a synthetic clip hides
// failures on small objects), SSIM, and the same for the bicubic down-and-up baseline
// ([DownUp]) at the tokenizer's budget ([BaselineSize]: as many 8-bit samples as the latent
// holds floats, or the ids hold bytes). 'wfm bench tokenizer-quality' prints it.
package tokenizer
