// Package guardrail keeps unsafe prompts out of the world models and unsafe or identifying
// pixels out of what they generate: a pre-guard on the text prompt and a post-guard on the
// video, the two stages of the guardrail system of NVIDIA Cosmos (arXiv:2501.03575, section
// on guardrails), rebuilt with different choices where the reference's users had complaints.
//
// # Pre-guard (PromptGuard)
//
// First the rules of package guardrail/text: a blocklist with a whitelist, matched on the
// prompt folded to ASCII, with leetspeak, spacing, masking and look-alike letters undone, by
// exact words, by lemma and by fuzzy similarity (the reference's (len-0.5)/len bar). Then, when
// the rules let the prompt through, each configured learned classifier (package
// guardrail/classify): a Llama Guard class model over an OpenAI-compatible HTTP API, and/or the
// small built-in logistic regression model.
//
// # Post-guard (VideoGuard)
//
// Frames are sampled at SampleFPS (2 per second by default, as the reference) and shown to an
// optional per-frame classifier (classify.ImageClassifier); one unsafe frame blocks the video.
// Then faces are found in every frame (not only the sampled ones, so that no frame shows a face
// unblurred) with package guardrail/face and pixelated.
//
// # Failing closed
//
// The reference lets a prompt or video through when a guard fails. Here every failure inside a
// guard (a classifier that times out, crashes, answers nonsense or is cancelled; a prompt too
// long to check; an invalid clip) blocks, and the Verdict says which guard failed and why.
// Callers must treat a non-nil error as blocked too: the Verdict returned with it has Allowed
// false.
//
// # Measuring
//
// data/corpus.tsv is a hand-written corpus of prompts (benign, benign near misses such as
// "skill", "therapist" or "Scunthorpe", listed words as written, obfuscated, and paraphrases no
// list holds); EvaluateCorpus reports the precision and recall of a PromptGuard on it, per kind
// of prompt (`wfm guard eval-corpus`).
package guardrail
