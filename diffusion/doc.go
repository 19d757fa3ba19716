// Package diffusion is the platform's diffusion world model: a latent diffusion transformer
// (DiT) over the continuous video tokenizer's latents, trained and sampled with the EDM
// formulation, that turns a prompt into a video (Text2World) or continues given frames
// (Video2World). It follows NVIDIA's Cosmos-1.0 diffusion models as published in "Cosmos World
// Foundation Model Platform for Physical AI" (2025) and the public cosmos-predict1 code
// (diffusion/networks/general_dit.py, module/blocks.py, module/position_embedding.py,
// model/model_v2w.py, modules/denoiser_scaling.py); no code is taken from it.
//
// # Network (DiT, Config, New, Forward)
//
// Latents are channels-last [B, T, H, W, C] (C = 16 for CV8x8x8). The padding-mask channel (and
// for Video2World the condition-mask channel) is concatenated, 1×2×2 patches are embedded by a
// linear map, and NumBlocks blocks follow. Each block adds a learnable per-axis absolute
// embedding (time, height and width tables summed and RMS-normalized), then runs
//
//	self-attention with 3-D RoPE   (QK RMSNorm per head; RoPE on q and k)
//	cross-attention to the text     (QK RMSNorm per head; no RoPE)
//	GELU MLP, ratio 4
//
// each as x += gate·f(LayerNorm(x)·(1+scale) + shift), LayerNorm without affine (eps 1e-6),
// shift/scale/gate from the timestep. AdaLN-LoRA: the timestep's sinusoidal embedding passes one
// shared Linear(D,D)-SiLU-Linear(D,3D); each sub-block adds its own low-rank
// SiLU-Linear(D,L)-Linear(L,3D), L = 256 at the 7B shape. That cuts the 7B model from 11.1B to
// 7.24B parameters (ParamCount). A final adaLN-modulated layer maps tokens back to patches.
//
// The 3-D RoPE splits a head of width hd into hd/6·2 channels for height, as many for width and
// the rest for time, with θ = 10000·r^(d/(d-2)) (NTK extrapolation ratio r per axis), and is
// FPS-aware: latent frame k sits at time position k·24/fps.
//
// Presets: tiny (CPU tests and demos), small, base, and the published 7b (D 4096, 28 blocks, 32
// heads) and 14b (5120, 36, 40); "-v2w" adds the Video2World input channel. tiny and small read
// 64 text tokens of width 64, the built-in T5 encoder's output (textenc.Default); base, 7b and
// 14b read 512 tokens of width 1024, the T5 embeddings Cosmos conditions on. Variables are scoped
// by the reference's module paths (blocks/block3/blocks/0/block/attn/to_q/0/weights is
// net.blocks.block3.blocks.0.block.attn.to_q.0.weight), so the official checkpoints map by name.
//
// # EDM (Scaling, Denoise, TrainLoss)
//
// Karras et al. 2022 (arXiv:2206.00364): D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise) with
// σd = 0.5, c_skip = σd²/(σ²+σd²), c_out = σσd/√(σ²+σd²), c_in = 1/√(σ²+σd²),
// c_noise = ln(σ)/4. Training draws ln σ ~ N(0, 1) (cosmos-predict1's training config), noises
// the normalized latent and minimizes λ(σ)·|D - x|² with λ = (σ²+σd²)/(σσd)²; captions are
// dropped with probability 0.2 so the same network is the unconditional model guidance needs.
// Video2World draws 0, 1 or 2 condition latent frames per sample (1 and 9 pixel frames with an
// 8x temporal tokenizer), noise-augments them with ln σ_aug ~ N(-3, 2²), shows them to the
// network under the condition mask and copies them into the output (unless σ_aug ≥ σ, when they
// are generated like the other frames, as in the reference). Joint image+video training
// adds a batch of first frames (the causal tokenizer encodes frame 0 alone, so that latent is
// the image's). Latents are normalized per latent frame and channel (LatentStats, as the
// tokenizer's mean_std.pt) and scaled to σd.
//
// # Sampling (Sample, Denoiser)
//
// Karras schedule with ρ = 7 over σ ∈ [0.002, 80], 35 steps by default, integrating the
// probability-flow ODE with a second-order multistep solver (DPM-Solver++(2M), one evaluation per
// step; Cosmos uses the related RES-2ab), Heun's method (EDM Algorithm 1) or Euler.
// Classifier-free guidance runs the conditional and negative-prompt branches as one batch of two
// and combines x0 = cond + g·(cond - uncond) (g = 7 in Cosmos). Video2World condition latents get
// noise σ = 0.001 at inference. Same seed, same latent.
//
// # Our additions (not in Cosmos)
//
// For small models on principal-component latents (diffusion/pretrained/README.md says what each
// bought): Config.ResidualCondition denoises the generated frames as offsets from the last
// condition frame; Config.SigmaDataChannels gives every latent channel its own σd
// (ChannelSigmaData measures it); Config.SampleSigmaMin and Config.SampleGuidance record where a
// model's sampling should end and how strongly it should be guided (Denoiser.Generate applies
// the first unless told otherwise, wfm generate both). Denoiser.EvaluateDenoiser measures a Video2World
// denoiser at each noise level against copying the last frame.
// Config.ExtraChannels adds a per-position conditioning input (Inputs.Extra) concatenated to the
// noisy latent, which the autoregressive model's diffusion decoder (package tokendecoder) uses
// for the DV tokens' codes.
//
// # Data and text
//
// ReadShardClips reads wfm synth's shards (y4m or mp4 video, JSON captions); FitBucket puts a clip in an
// aspect-ratio bucket by area resizing and reflection padding, with a padding mask.
// EncodeClips/DecodeLatent go through the tokenizer's Codec. TextEncoder is the text-conditioning
// interface (the T5 encoder of package textenc implements it, and so does textenc.HashEncoder, a
// small deterministic one).
package diffusion
