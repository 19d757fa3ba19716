// Package classify holds the learned stage of the guardrails: classifiers that label a prompt or
// a video frame safe or unsafe, behind two small interfaces (TextClassifier, ImageClassifier), so
// that the guard pipelines (package guardrail) can run any of them the same way.
//
// Two implementations ship:
//
//   - LlamaGuard, an adapter for a safety model served over an OpenAI-compatible HTTP API
//     (vLLM, llama.cpp's server, TGI and others expose POST /v1/chat/completions). Llama Guard
//     class models (Llama Guard 3 8B for text, Llama Guard 3 11B Vision for images) answer a
//     conversation to moderate with "safe", or "unsafe" and a line of hazard category codes
//     ("S1,S10"), from the MLCommons hazard taxonomy (S1 violent crimes ... S14 code
//     interpreter abuse; see the Llama Guard 3 model card). The reference platform (NVIDIA
//     Cosmos) runs a similar stage with Aegis, a Llama Guard adapter. Each attempt has its own
//     timeout, transport errors, 429 and 5xx answers are retried with exponential back-off
//     (honouring Retry-After; the HTTP client is internal/chatapi, shared with the prompt
//     upsampler and the captioner), and everything else that is not a well-formed verdict is an error: the guard pipeline turns
//     every error into a block (fail closed), where the reference lets the prompt through.
//
//   - LogReg, a small classifier built in: L2-regularized logistic regression, trained by
//     stochastic gradient descent with the two classes weighted equally, over hashed binary
//     features of the normalized prompt (words, word pairs and character 3- to 5-grams of
//     each word in every view of package text, 2^18 buckets). It trains in well under a second
//     from data/train.tsv, which ships in the binary (made by data/make_train.py from
//     hand-written phrases crossed with templates); `wfm guard train-classifier` trains it from
//     another file and saves it as JSON. What it can do: generalize from the wording of its
//     examples, so paraphrases close to them ("bleeding out after being stabbed") and the
//     obfuscations the rules undo are caught without a listed word. What it cannot: it knows
//     only some hundreds of templated examples, has no notion of meaning, negation or context,
//     blocks benign prompts whose words lean towards its unsafe examples ("a man paints a
//     fence", measured in `wfm guard eval-corpus --classifier builtin`), and misses unsafe
//     requests worded unlike anything it saw. It is a demonstration of the stage and a
//     fallback, not a substitute for a real safety model, and it is off by default.
package classify
