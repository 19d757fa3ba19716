// Package bench measures the platform's compute paths on the chosen backend and reports
// throughput in numbers that compare across machines.
//
// [RunTransformerStep] times the training step of the reference decoder-only transformer
// (nn.TransformerLM): forward pass, next-token cross-entropy, backward pass and an Adam update,
// compiled once into one graph. It reports seconds per step (median and mean of the timed steps),
// effective GFLOP/s and tokens per second. Effective GFLOP/s is the analytic matmul cost of a step,
// nn.TransformerConfig.TrainStepFLOPs (2 FLOPs per multiply-accumulate, ×3 for forward and
// backward), divided by the median step time; work outside the matmuls (norms, softmax, optimizer)
// costs time but adds no FLOPs, as in the usual model-FLOPs utilization accounting (Chowdhery et al.
// 2022, https://arxiv.org/abs/2204.02311, Appendix B).
//
// [Autoregressive] times greedy decoding of the autoregressive world model with its key/value
// cache (autoregressive.Decoder) on random weights: the prefill of the condition tokens, then
// one forward pass per new token, in tokens/s and ms per token; with Medusa heads it also
// times speculative decoding of the same tokens beside plain decoding. bench/torch holds
// PyTorch replicas of each timed path, tested to have our parameters, for comparisons on the
// same hardware (bench/cpu-compare.sh, bench/gpu/lease.sh).
//
// Timing rules: compilation and variable initialization happen in an untimed first step, then
// warmup more untimed steps run; each timed step ends when its loss has been copied to the host,
// so asynchronous backends cannot report work they have not finished.
package bench
