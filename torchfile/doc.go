// Package torchfile reads the tensors of PyTorch archives, the format of the official NVIDIA
// Cosmos tokenizer weights: state dicts written by torch.save (".pt") and TorchScript modules
// written by torch.jit.save ("encoder.jit", "decoder.jit"). It reads tensors only and never runs
// anything the file names. Tensors come out as names, safetensors dtypes, shapes and contiguous
// little-endian bytes, so that package weights binds them as it binds safetensors files.
//
// # Format
//
// Since PyTorch 1.6 both writers produce a zip archive whose members sit under one folder (the
// "archive" name, usually "archive"); see torch/serialization.py (_save) and
// torch/csrc/jit/serialization/export_module.cpp:
//
//   - <archive>/data.pkl: a pickle (protocol 2) of the saved object. Tensors are pickled as
//     calls of torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
//     requires_grad, backward_hooks[, metadata]), Parameters as torch._utils._rebuild_parameter
//     of such a tensor, and storages as persistent ids ('storage', torch.<Type>Storage, key,
//     location, numel);
//   - <archive>/data/<key>: the storage's elements as raw little-endian bytes;
//   - <archive>/byteorder ("little"; optional, absent in older files) and <archive>/version;
//   - TorchScript archives also hold constants.pkl and the module code under code/. Their
//     data.pkl pickles the module graph: each module is an instance of a "__torch__.*" class,
//     created with NEWOBJ and given its attributes (parameters, buffers, submodules, plain
//     values) as a dict by BUILD, as TorchScript's pickler writes them
//     (torch/csrc/jit/serialization/pickler.cpp).
//
// The pickle opcodes are those of CPython's Lib/pickletools.py.
//
// # Safety
//
// The unpickler is a restricted stack machine. A GLOBAL only produces a pair of names; calling
// one (REDUCE, NEWOBJ) means something only for an allow-list: collections.OrderedDict, the
// torch._utils tensor and parameter rebuilders, torch._tensor._rebuild_from_type_v2 and the
// torch.jit._pickle list and type-tag helpers. Any other call, a TorchScript module class as
// much as os.system, yields an inert object that records its arguments and BUILD state and is
// never called. Limits bound the pickle length, stack, memo, nesting depth, rank and total
// tensor bytes; every size in the pickle is checked against the archive before anything of that
// size is allocated, and every view (offset, sizes, strides) against its storage. Storages must
// be stored uncompressed, as torch writes them, so the bytes read never exceed the file's size,
// and strided copies are bounded by twice the storage bytes plus 64 MiB.
//
// # Tensor data
//
// Open reads every storage once. A view that is one contiguous run of its storage (the usual
// case) is a sub-slice of it, shared with other views of that storage; any other view (a
// transpose, a slice with a step, an expand) is copied into row-major order.
//
// # Names
//
// Tensors are named by walking the unpickled object from the root: dict keys (str or int),
// module attributes (BUILD state) and list or tuple indices, joined with ".". A state dict's
// keys are therefore its names; a TorchScript module's parameters get the names of
// module.state_dict(), such as "encoder.conv_in.conv1.weight" (plain attributes like
// "training" are not tensors and are skipped). Each container is walked once, so a submodule
// shared by two parents is named under the first; a tensor referenced under two names (tied
// weights) appears under both.
//
// Not supported: the legacy format of PyTorch before 1.6 (a bare pickle followed by storages),
// big-endian archives, quantized and sparse tensors, and tensors in constants.pkl (TorchScript
// constants have no names).
package torchfile
