// Package tokendecoder is the autoregressive world model's diffusion decoder: a DiT (package
// diffusion) in the continuous (CV) tokenizer's latent space, conditioned on the discrete (DV)
// tokenizer's ids of the same video, whose sample the CV tokenizer decodes to pixels. Cosmos-1.0
// decodes its autoregressive model's DV8x16x16 tokens this way into CV8x8x8 latents for its best
// quality (the Cosmos paper, 2025); here both tokenizers share one latent grid (8x8x8), so the
// condition is simply each position's FSQ code vector (tokenizer.FSQ.IDToCode, one value per
// FSQ level) concatenated to the noisy latent as extra input channels
// (diffusion.Config.ExtraChannels). There is no text and no guidance.
//
// [Train] pairs every training clip's DV ids with its CV latent (encoded once and cached in the
// run folder), normalizes the latents as the diffusion trainer does (per latent frame and
// channel) and trains the DiT with the EDM loss in the shared training loop (checkpoints, exact
// resume). [Open] loads a trained decoder folder with both tokenizers; [Decoder.Decode] samples
// a latent for a video's ids (seeded: same ids and seed, same video) and decodes it.
// [Decoder.Compare] measures PSNR and SSIM of the plain DV decode and of the diffusion decode
// against the original clips.
package tokendecoder
