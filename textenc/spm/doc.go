// Package spm reads SentencePiece model files (spiece.model, the tokenizer of T5, mT5 and
// FLAN-T5) and segments text with their unigram language model, giving the ids the Python
// sentencepiece library gives.
//
// # Why our own
//
// The model file is a protobuf ModelProto (sentencepiece_model.proto: pieces with scores and
// types, TrainerSpec, NormalizerSpec); Parse decodes the fields it needs with
// google.golang.org/protobuf's protowire and skips the rest. The Go SentencePiece library
// github.com/eliben/go-sentencepiece implements BPE models only and rejects unigram ones, which
// is what T5 ships.
//
// # What Encode does
//
// As SentencePiece (Kudo and Richardson 2018, "SentencePiece: A simple and language independent
// subword tokenizer", arXiv:1808.06226; the unigram model of Kudo 2018, arXiv:1804.10959):
//
//  1. Normalize: the NormalizerSpec's precompiled character map, a darts-clone double-array
//     trie of rewrite rules (for nmt_nfkc: Unicode NFKC plus whitespace and control-character
//     rules) applied by longest match, an invalid UTF-8 byte becoming U+FFFD; user-defined
//     pieces pass unchanged; leading, trailing and repeated whitespace removed; a space
//     prepended (add_dummy_prefix); spaces written as U+2581.
//  2. Segment: the Viterbi path over all vocabulary pieces matching the normalized text, each
//     scored by its log-probability, in float32 with SentencePiece's tie-breaking; a character
//     no piece covers becomes <unk> (a run of them one <unk>), or its bytes with byte_fallback.
//
// Special ids are the model's own: T5's spiece.model has <pad> 0, </s> 1 and <unk> 2, and
// textenc appends </s> after a caption's pieces. The tests compare ids with Python
// sentencepiece 0.1.97 on a model trained on the synthetic captions (hostile strings
// included: NFKC-folded characters, whitespace runs, unknown scripts, control characters);
// Parse and Encode are fuzzed.
package spm
