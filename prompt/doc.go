// Package prompt rewrites user prompts into the caption style the platform's models are
// trained on ("prompt upsampling").
//
// A diffusion world model conditions on text embeddings of captions, and follows a prompt
// best when it reads like those captions. NVIDIA Cosmos therefore pairs its text-to-world
// models with a prompt upsampler: a 12B language model fine-tuned for the task
// (Cosmos-1.0-Prompt-Upsampler-12B-Text2World; Pixtral-12B for video-to-world) that turns a
// short request into the long, detailed descriptions of its training data ("Cosmos World
// Foundation Model Platform for Physical AI", NVIDIA 2025; the cosmos1 diffusion README).
// This package does the same behind one small interface, Upsampler, with two
// implementations.
//
// # Built-in
//
// BuiltinUpsampler (Builtin) is a deterministic rule-based expander for the platform's
// synthetic world (package world). Our models are trained on captions that world.Captions
// and world/synth measure from simulated clips: one sentence each, in a fixed grammar per
// scenario. The expander
//
//   - recognizes the scenario from weighted cue words and phrases (lexicon.go: "dominoes",
//     "topples", "ramp", "orbits", ...; the largest sum wins, ties go to the earlier
//     scenario of physics.Scenarios and synth.CameraScenarios);
//   - reads the facts the prompt states: counts ("5 dominoes", "three boxes"), heights and
//     lengths in m or cm, angles in degrees, speeds in m/s, the side a seesaw tips or a ball
//     is thrown to, and palette colours in order (first ball, left then right load, stack
//     from the bottom);
//   - builds a scene of that scenario from its in-distribution ranges (narrowed to a stated
//     count; seed 0, or the first of 64 seeds going to the stated side) with the stated
//     values that are physically valid and fit the clip, simulates it at the dataset's frame
//     rate and length (synth.DefaultOptions), and captions it with world.Captions itself; for
//     the camera scenarios it fills world/synth's camera captions. So the output is a caption
//     the generator could have written for a clip the model could have seen, and its measured
//     facts (bounces, fallen dominoes, the side that tips) are true of that clip;
//   - of the caption variants, picks the one repeating most of the prompt's words, then the
//     longest;
//   - drops nothing the user wrote: each run of words the caption does not express (a colour
//     on an uncoloured domino, "on the moon", a count the scene cannot hold) is appended
//     verbatim as a sentence of its own. A prompt with no recognized scenario comes back
//     tidied but otherwise unchanged.
//
// # Served language model
//
// OpenAI (NewOpenAI) is an adapter for any language model served over the OpenAI
// chat-completions HTTP API (vLLM, llama.cpp's server, Ollama, TGI). Its system prompt
// explains the caption style and lists one real caption per scenario, generated at start by
// the same code as the dataset. Each attempt has its own timeout; transport errors,
// timeouts, 429 and 5xx answers are retried with exponential back-off (honouring
// Retry-After); other 4xx answers are ServiceError{Kind: ErrRejected}, and answers that are
// not a well-formed completion with one non-empty text message wrap ErrMalformed.
//
// # Failure policy
//
// An upsampler reports every failure as an error; it never silently hands back the user's
// prompt, since generating from an un-rewritten prompt changes the result without saying
// so. A caller that prefers to go on with the prompt as written asks for it with
// WithFallback (or fallback=true in a FromFlag spec), which returns the input unchanged
// after reporting the error. Empty prompts and cancelled contexts are errors either way.
//
// FromFlag parses the command-line form: "builtin" or "openai:URL?model=NAME&...".
package prompt
