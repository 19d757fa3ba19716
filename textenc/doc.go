// Package textenc turns captions into the per-token embeddings that text-conditioned world
// models attend to: a T5 encoder (Raffel et al. 2020, "Exploring the Limits of Transfer
// Learning with a Unified Text-to-Text Transformer", arXiv:1910.10683) with its SentencePiece
// tokenizer (package spm). Cosmos conditions its diffusion and autoregressive Video2World
// models on T5-XXL encoder outputs, 512 tokens zero-padded; Encoder has that contract, for any
// size.
//
// # Architecture
//
// Config.Forward is Hugging Face's T5EncoderModel in eval mode: token embedding "shared";
// per block a pre-norm self-attention and a pre-norm feed-forward, each added to the residual
// stream; a final norm. T5's norm is an RMS norm without mean subtraction and without bias,
// eps 1e-6. Attention logits are not scaled by 1/sqrt(d_kv) (Mesh TensorFlow folds it into the
// initialization) and get a bias per head and relative-position bucket: 32 bidirectional
// buckets, exact below 8 positions, logarithmic up to 128 (RelativeBucket), from a table that
// only block 0 holds and every block reuses. The feed-forward is T5 1.0's wo(relu(wi x)) or
// T5 1.1's gated wo(gelu_tanh(wi_0 x) ⊙ wi_1 x) (Shazeer 2020, arXiv:2002.05202), chosen by
// config.json's feed_forward_proj.
//
// # Weights
//
// Variables sit at the scope path of their Hugging Face names ("encoder.block.0.layer.0.
// SelfAttention.q.weight" is /encoder/block/0/layer/0/SelfAttention/q/weight), so Load reads
// a Hugging Face folder (config.json, spiece.model, model.safetensors or its shards) as is,
// from t5-small to T5-XXL (presets list the published shapes), converting F16/BF16 to
// float32. The parity test runs random-weight encoders of both feed-forward kinds against a
// plain-torch transcription of transformers' modeling_t5.py (testdata/make_golden.py; the
// library itself was not installable here): the largest difference is a few 1e-6.
//
// # The built-in encoder
//
// Default returns a small encoder of the same architecture (BuiltinPreset: 2 blocks,
// d_model 64, 4 heads of 16, d_ff 128, about 100k parameters) trained by `wfm train textenc`
// (TrainMasked) to predict masked tokens of the synthetic world's captions, BERT-style
// (Devlin et al. 2019) through a head tied to its embedding table: the encoder-only
// counterpart of T5's span corruption. After 1000 steps (858 s on a 2-core CPU) it predicts
// 19.5% of masked tokens of held-out captions exactly (chance: 0.3%). It and its tokenizer (a 314-piece unigram model trained
// by testdata/make_golden.py on testdata/captions.txt) are embedded in the binary, so text
// conditioning works with no download.
//
// # Cache
//
// Cache wraps any Encoder and keeps each caption's unpadded embedding, in memory and
// optionally as one safetensors file per caption named by SHA-256(model id, caption): the
// captions of a dataset repeat across clips and epochs, and the encoder (T5-XXL above all)
// costs far more than a file read.
package textenc
