// Package train is the training loop shared by every model of the platform (tokenizers,
// diffusion and autoregressive transformers): a model supplies a LossFn over a GoMLX
// model.Scope and a Loader of batches; Run does the rest.
//
// # The step
//
// Trainer compiles one graph per run (for the fixed batch shapes of the Loader) that computes
// the loss, its gradients, their global L2 norm, clips them to Config.GradClip (Pascanu et
// al. 2013, "On the difficulty of training recurrent neural networks", algorithm 1), applies
// the optimizer and updates the exponential moving average of the weights:
//
//   - AdamW: GoMLX's Adam (ml/train/optimizer; Kingma & Ba 2015, "Adam: a method for
//     stochastic optimization") with decoupled weight decay (Loshchilov & Hutter 2019,
//     "Decoupled weight decay regularization"): w -= lr * (m_hat / (sqrt(v_hat) + eps) + wd * w).
//     Decay applies to every trainable variable, biases and norm scales included.
//   - SGD: w -= lr * g, with GoMLX's SGD without its 1/sqrt(step) decay.
//   - EMA: ema_t = d * ema_{t-1} + (1 - d) * w_t, ema_0 = w_0, kept as non-trainable variables
//     under EMAScope; ExportStore swaps them in for evaluation or export.
//
// The learning rate follows Config.LearningRate: linear warmup (Goyal et al. 2017, "Accurate,
// large minibatch SGD"), then cosine (Loshchilov & Hutter 2017, "SGDR", eq. 5), linear decay
// or a constant, down to Config.MinLR. It is computed in Go in float64 and fed to the step as
// a float32 input, so the value logged is the value used.
//
// # Checkpoints and exact resume
//
// A checkpoint is a folder ckpt-<step, 8 digits>/ holding model.safetensors (every variable
// of the Store through package weights: weights, optimizer moments and step counters, EMA,
// the random generator state; with model.json beside it when WithModelConfig is given) and
// state.json (step, the Loader's position, elapsed time, the config, and the size and SHA-256
// of model.safetensors). It is written in a hidden temporary folder and renamed into place
// when complete, and old checkpoints are renamed away before being deleted, so a kill -9 at
// any moment never leaves a partial folder under a checkpoint's name.
//
// On start, Run resumes from the newest checkpoint that verifies (state.json parses, its step
// matches the name, and the model file has the recorded size and hash). A folder that fails
// verification can only come from outside damage (a disk error, a person editing files); it
// is skipped with a warning and the previous checkpoint is used, since refusing to start
// would lose more work than going back a few steps. Everything that decides the numbers is
// restored, so the steps after the checkpoint reproduce the uninterrupted run bit for bit on
// the same backend and machine; the tests kill a training process with SIGKILL to check it.
//
// # Logs
//
// metrics.jsonl gets one JSON object per logged step (see Metrics); float32 values are
// printed with the fewest digits that read back to the same bits. A resumed run first cuts
// the lines of steps after its checkpoint, so no step appears twice. loss.png, the loss
// curve, is drawn with gonum/plot when Run returns. A progress bar with it/s and ETA
// (schollz/progressbar) goes to stderr when Config.Progress is set and stderr is a terminal.
//
// One run folder is for one process at a time.
package train
