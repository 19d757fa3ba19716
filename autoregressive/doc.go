// Package autoregressive is the autoregressive world model: next-token prediction over the
// discrete video tokens of the DV tokenizer, the second world-model family of the platform
// beside the diffusion DiT.
//
// # The reference
//
// Cosmos-1.0-Autoregressive (NVIDIA 2025, https://arxiv.org/abs/2501.03575; code in
// cosmos-predict1, autoregressive/) comes in 4B and 12B bases and their 5B and 13B
// Video2World variants. Each is a Llama-style decoder over the ids of
// Cosmos-Tokenizer-DV8x16x16 (FSQ, 64,000 codes): RMSNorm before each sublayer, grouped-query
// self-attention (32 query heads, 8 key/value heads) with QK normalization and a 3-D RoPE over
// the (t, h, w) grid of the tokens, flattened before attention; a SwiGLU MLP (width 14336);
// a final RMSNorm and an lm head. The Video2World variants add the parameter-free absolute
// 3-D position embedding and, in every block, a cross-attention to T5-11B prompt embeddings
// (width 1024). The 12B base was trained on 3 latent frames and runs on more with
// YaRN-stretched temporal frequencies. Medusa heads (7 in the public code) propose several
// tokens per forward pass for speculative decoding.
//
// # The pieces
//
//   - [Config] holds the shapes and options; [Preset] gives "tiny" (tests), "small" (CPU
//     training on 64×64 clips) and the published "4b", "5b-v2w", "12b", "13b-v2w" shapes, whose
//     [Config.NumParams] is checked against the published sizes ([PublishedParams]).
//   - [Model] builds the graph: [Model.Forward] maps ids [B, L] over the first L tokens of a
//     [Grid] (T latent frames of H×W tokens, t slowest) to logits [B, L, VocabSize], plus one
//     logits tensor per Medusa head; [Model.Loss] is the next-token cross-entropy a trainer
//     minimizes, optionally after a number of given condition tokens.
//   - [Decoder] runs a model with a key/value cache of fixed capacity, kept in the layouts the
//     attention reads (one compiled graph per batch size, step length and attention window, a
//     power-of-two length bucket of the filled cache): [Decoder.Prefill] the condition tokens,
//     [Decoder.Step] one or more new tokens (several: speculative verification),
//     [Decoder.Rewind] to drop rejected ones, [Decoder.SetText] for the prompt of a
//     cross-attention model. Logits come back to the host ([Logits]), where sampling happens;
//     of the Medusa heads only their top-1 guesses do.
//   - [SaveModel] and [LoadModel] write and read a model folder: model.safetensors with the
//     variables by scope path, model.json with the Config.
//   - Training: [LoadOrTokenize] encodes the training clips with a DV tokenizer once into a
//     token cache (checked against the tokenizer's SHA-256); [Train] runs the reference's
//     stages ([RecipeStage]: 1 frame -> 16, long context with YaRN, text) on the shared loop of
//     package train, with exact resume and fine-tuning ([TrainOptions].Init), and records the
//     tokenizer in training.json ([ReadTrainInfo]); [TrainMedusa] trains Medusa heads on a
//     frozen base.
//   - Decoding: [Continue] extends the cached tokens plainly or with Medusa (the heads' guesses
//     verified in one [Decoder.Step]; the same tokens as plain decoding), drawing each video's
//     tokens with its own [Sampler] ([Sampling]: greedy, temperature, top-k, top-p).
//   - Generation: [Open] a model folder and [Generator.Generate] videos from 1 or 9 condition
//     frames: the recorded DV tokenizer encodes and decodes, guardrails run as for diffusion,
//     and an optional diffusion decoder (package diffusion/tokendecoder) replaces the DV
//     decoder. The package registers the kind "autoregressive" with eval/physics.
//
// Variables are named as in the cosmos-predict1 state dict with "/" for ".":
// tok_embeddings/embeddings, layers/<i>/{attention_norm, attention/{wq,wk,wv,wo,q_norm,k_norm},
// cross_attention_norm, cross_attention/..., ffn_norm, feed_forward/{w1,w2,w3}}, norm, output,
// and medusa/<j> for the Medusa blocks; Linear weights are [out, in] as in PyTorch.
package autoregressive
