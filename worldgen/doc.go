// Package worldgen generates videos with the diffusion world model: the Text2World and
// Video2World pipeline of NVIDIA Cosmos (cosmos-predict1's DiffusionText2WorldGenerationPipeline
// and DiffusionVideo2WorldGenerationPipeline), as a library that any Go program can call.
//
// It owns what happens between a model folder and a video: what model.json's "tokenizer" and
// "text_encoder" fields mean (paths are resolved relative to the model folder, see
// ResolveModelPath), prompt embedding, fitting the condition frames into the requested size,
// the latent shape, the guard -> upsample -> guard -> sample -> post-guard flow, and decoding
// the sampled latent with the tokenizer. Package diffusion owns the network, the EDM
// preconditioning and the ODE solvers it runs; cmd/wfm's `wfm generate` is a thin caller.
//
// One Pipeline is opened per model and serves many requests:
//
//	p, err := worldgen.Open("diffusion/pretrained/phys-v2w", worldgen.Options{})
//	...
//	defer p.Close()
//	first, err := worldgen.ReadInput(ctx, "first.png", 0)
//	...
//	clip, report, err := p.Generate(ctx, worldgen.Request{Prompt: "a red ball falls", Input: first,
//		Frames: 33, Width: 64, Height: 64, Seed: 1})
//
// Open loads and compiles once; Generate may be called from several goroutines (they take
// turns on the one compiled model, see Pipeline).
//
// Guardrails run by default (Options.NoGuardrails turns them off): a blocked prompt or video is
// a *BlockedError and no clip. Prompt upsampling is Options.Upsampler.
//
// The package also registers the diffusion model with the physics benchmark
// (eval/physics.RegisterModel, kind "diffusion"), so that importing it makes
// physics.OpenModel("diffusion:DIR") work.
package worldgen
