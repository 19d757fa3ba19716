// Package weights saves and loads the variables of a GoMLX model Store (package
// github.com/gomlx/gomlx/ml/model) as safetensors files, with the model's config as JSON beside
// them, so that checkpoints are readable by Python tools and official weights can be mapped onto
// our variables by name.
//
// # Names
//
// A variable's stable name is its absolute scope path without the leading "/": the variable
// "/block_0/attn/q/weights" is the tensor "block_0/attn/q/weights" (TensorName, VariablePath).
// "/" is kept rather than turned into "." because GoMLX scope names may contain "." but never
// "/", so only "/" keeps the mapping reversible.
//
// # What is saved
//
// SaveStore writes every variable of the store, trainable or not: model weights, but also
// optimizer moments, step counters and the RNG state, so a checkpoint resumes training exactly.
// The names of the non-trainable ones are listed in the file's metadata (MetadataNonTrainable)
// so LoadStore can recreate them with the same flag. Values are copied bit for bit; the dtypes
// are those both sides know (BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64).
//
// # Checking a file against a model
//
// LoadStore takes whatever tensors a file holds, so a file of another model (a tokenizer's
// weights given as a diffusion model's) loads without error, and the model would then create
// its variables with their initial values and run on them. Two checks prevent that:
// LoadStoreChecked loads into a store that already declares the model's variables and requires
// every one of them, with its dtype and shape, listing everything missing, different or extra
// in a *MismatchError (extra tensors, such as a checkpoint's optimizer moments or the modules
// an official checkpoint saves but never runs, are only reported unless
// CheckOptions.RejectExtra); Require guards a store loaded for inference so that building a
// model's graph on it fails with a *MissingVariableError at the first variable the file lacked.
//
// # Config
//
// The config passed to SaveStore is written as indented JSON beside the weights (ConfigPath:
// "model.safetensors" -> "model.json") and read back with ReadConfig.
package weights
