#!/usr/bin/env python3
"""Writes the torchfile test fixtures: PyTorch archives made without PyTorch.

Run from this folder with python3 (3.11, standard library only):

    python3 make_fixtures.py

It writes
  state_dict.pt    the zip layout of torch.save (PyTorch >= 1.6, _use_new_zipfile_serialization):
                   archive/data.pkl (pickle protocol 2), archive/byteorder, archive/data/<key>
                   (raw little-endian storages), archive/version;
  checkpoint.pt    the same layout holding {"model": OrderedDict, "epoch": 7};
  torchscript.jit  the layout of torch.jit.save: archive/data.pkl holding the module object graph
                   (instances of "__torch__.*" classes whose BUILD state is their attribute dict),
                   archive/constants.pkl, archive/code/__torch__/*.py, archive/data/<key>,
                   archive/version.

How: torch.save pickles tensors with Tensor.__reduce_ex__ -> torch._utils._rebuild_tensor_v2
(storage, storage_offset, size, stride, requires_grad, backward_hooks) and storages as persistent
ids ('storage', torch.<Type>Storage, key, location, numel) (torch/serialization.py, _save). Here
small stand-in classes and functions are registered as modules named "torch", "torch._utils",
"torch.jit._pickle" and "__torch__.*" in sys.modules, only inside this script, so that Python's
own pickle module writes exactly the GLOBAL names torch writes. The values are small formulas of
the element index that torchfile's tests recompute.

Still to do on a machine with PyTorch: check the reader against archives written by real
torch.save and torch.jit.save (in particular the official Cosmos tokenizer encoder.jit and
decoder.jit), since these fixtures reproduce the layout from its documentation and source, not
from torch itself.
"""
import collections
import io
import pickle
import struct
import sys
import types
import zipfile


def module(name):
    """Registers an empty module and its parent packages, so that pickle can import the name."""
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    return sys.modules[name]


torch = module("torch")
torch_utils = module("torch._utils")
torch_jit = module("torch.jit")
torch_jit_pickle = module("torch.jit._pickle")

DTYPES = {  # storage class -> struct format of one element
    "FloatStorage": "f",
    "HalfStorage": "e",
    "BFloat16Storage": "H",  # packed by hand: the upper 16 bits of a float32
    "LongStorage": "q",
    "BoolStorage": "?",
}
for _name in DTYPES:
    setattr(torch, _name, type(_name, (), {"__module__": "torch", "__qualname__": _name}))


def _global(mod, name):
    def f(*args):
        raise RuntimeError("stand-in, never called")
    f.__module__, f.__qualname__, f.__name__ = mod.__name__, name, name
    setattr(mod, name, f)
    return f


rebuild_tensor_v2 = _global(torch_utils, "_rebuild_tensor_v2")
rebuild_parameter = _global(torch_utils, "_rebuild_parameter")
restore_type_tag = _global(torch_jit_pickle, "restore_type_tag")
build_intlist = _global(torch_jit_pickle, "build_intlist")


class Storage:
    def __init__(self, kind, key, values):
        self.kind, self.key, self.values = kind, key, values

    def raw(self):
        if self.kind == "BFloat16Storage":
            return b"".join(struct.pack("<f", v)[2:] for v in self.values)
        return struct.pack("<%d%s" % (len(self.values), DTYPES[self.kind]), *self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return (rebuild_tensor_v2, self.args)


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce__(self):
        return (rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


def contiguous(storage, size):
    stride, s = [], 1
    for d in reversed(size):
        stride.insert(0, s)
        s *= d
    return Tensor(storage, 0, size, stride)


class TorchPickler(pickle.Pickler):
    def __init__(self, f):
        super().__init__(f, protocol=2)
        self.storages = {}

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            self.storages[obj.key] = obj
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", len(obj.values))
        return None


def member(zf, name, data):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zf.writestr(info, data, compress_type=zipfile.ZIP_STORED)


def write_archive(path, obj, extra=()):
    buf = io.BytesIO()
    p = TorchPickler(buf)
    p.dump(obj)
    with zipfile.ZipFile(path, "w") as zf:
        member(zf, "archive/data.pkl", buf.getvalue())
        for name, data in extra:
            member(zf, "archive/" + name, data)
        member(zf, "archive/byteorder", b"little")
        for key in sorted(p.storages, key=int):
            member(zf, "archive/data/" + key, p.storages[key].raw())
        member(zf, "archive/version", b"3\n")


def state_dict():
    # Values: element i of each storage, as torchfile's tests recompute them.
    w = Storage("FloatStorage", "0", [0.25 * i - 1 for i in range(6)])
    b = Storage("FloatStorage", "1", [float(10 + i) for i in range(2)])
    h = Storage("HalfStorage", "2", [0.5 * i for i in range(4)])
    bf = Storage("BFloat16Storage", "3", [float(i) - 2 for i in range(4)])
    step = Storage("LongStorage", "4", [1 << 40])
    mask = Storage("BoolStorage", "5", [True, False, True])
    sd = collections.OrderedDict()
    sd["encoder.conv_in.weight"] = contiguous(w, [2, 3, 1, 1])
    sd["encoder.conv_in.bias"] = contiguous(b, [2])
    sd["encoder.conv_in.weight_t"] = Tensor(w, 0, [3, 2], [1, 3])  # transpose of w viewed (2,3)
    sd["encoder.conv_in.weight_odd"] = Tensor(w, 1, [2], [3])  # column 1 of w viewed (2,3)
    sd["decoder.norm.weight"] = contiguous(h, [4])
    sd["decoder.proj.weight"] = Parameter(contiguous(bf, [2, 2]))
    sd["step"] = Tensor(step, 0, [], [])
    sd["mask"] = contiguous(mask, [3])
    sd["broadcast"] = Tensor(b, 1, [2, 3], [0, 0])  # expand() of one element
    sd["empty"] = Tensor(b, 0, [0, 5], [5, 1])
    # torch.save's state dicts carry their version metadata as an attribute (BUILD state).
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def checkpoint():
    w = Storage("FloatStorage", "0", [float(i * i) for i in range(3)])
    model = collections.OrderedDict([("layer.weight", contiguous(w, [3]))])
    return {"model": model, "epoch": 7, "tied": [contiguous(w, [3])]}


def torch_class(path):
    mod_name, cls_name = path.rsplit(".", 1)
    mod = module(mod_name)
    cls = type(cls_name, (), {"__module__": mod_name, "__qualname__": cls_name})
    setattr(mod, cls_name, cls)
    return cls


class TaggedDict:
    """A TorchScript Dict[str, Tensor] attribute, as torch.jit._pickle.restore_type_tag wraps it."""

    def __init__(self, d):
        self.d = d

    def __reduce__(self):
        return (restore_type_tag, (self.d, "Dict[str, Tensor]"))


class IntList:
    def __init__(self, items):
        self.items = items

    def __reduce__(self):
        return (build_intlist, (self.items,))


def new(cls, **attrs):
    # Protocol 2 pickles an instance as GLOBAL cls, EMPTY_TUPLE, NEWOBJ, then its __dict__ and
    # BUILD: the same opcodes TorchScript's C++ pickler writes for a module object.
    o = cls.__new__(cls)
    o.__dict__.update(attrs)
    return o


def torchscript():
    Encoder = torch_class("__torch__.cosmos_tokenizer.networks.Encoder")
    CausalConv3d = torch_class("__torch__.cosmos_tokenizer.modules.CausalConv3d")
    Conv3d = torch_class("__torch__.torch.nn.modules.conv.Conv3d")
    ModuleList = torch_class("__torch__.torch.nn.modules.container.ModuleList")
    k = [0]

    def param(size, scale):
        n = 1
        for d in size:
            n *= d
        st = Storage("FloatStorage", str(k[0]), [scale * (i + 1) for i in range(n)])
        k[0] += 1
        return contiguous(st, size)

    def cconv(scale):
        conv = new(Conv3d, training=False, weight=param([2, 1, 1, 1, 1], scale), bias=param([2], -scale),
                   padding=IntList([0, 0, 0]))
        return new(CausalConv3d, training=False, conv1=conv, time_stride=1)

    down = new(ModuleList, training=False, **{"0": cconv(2.0), "1": cconv(3.0)})
    enc = new(Encoder, training=False, conv_in=cconv(1.0), down=down,
              buffers=TaggedDict({"scale": param([1], 0.5)}))
    return new(torch_class("__torch__.cosmos_tokenizer.Tokenizer"), training=False, encoder=enc)


if __name__ == "__main__":
    write_archive("state_dict.pt", state_dict())
    write_archive("checkpoint.pt", checkpoint())
    constants = pickle.dumps((), protocol=2)
    code = b"class Tokenizer(Module):\n  __parameters__ = []\n  encoder : __torch__.cosmos_tokenizer.networks.Encoder\n"
    write_archive("torchscript.jit", torchscript(),
                  extra=[("constants.pkl", constants), ("code/__torch__/cosmos_tokenizer.py", code)])
