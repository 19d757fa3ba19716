#!/usr/bin/python3
"""Writes the torchfile test fixtures with PyTorch itself (torch.save and torch.jit.save).

Run from this folder with Debian's python3 and its python3-torch (made with torch 1.13.1):

    /usr/bin/python3 make_fixtures.py

It writes
  state_dict.pt    torch.save of an OrderedDict state dict (with the _metadata attribute torch's
                   state dicts carry) holding float32 views that are contiguous, transposed,
                   strided, offset and broadcast (stride 0), an empty tensor, a float16 tensor, a
                   bfloat16 Parameter, an int64 scalar and a bool vector;
  checkpoint.pt    torch.save of {"model": OrderedDict, "epoch": 7, "tied": [the same tensor]}:
                   a tensor object pickled twice, the second time as a memo reference;
  torchscript.jit  torch.jit.save of a scripted module tree (a Tokenizer holding an Encoder with
                   a conv_in CausalConv3d, a ModuleList of two more and a Dict[str, Tensor]
                   attribute "buffers"), the writer of NVIDIA's encoder.jit and decoder.jit.

The archives are written to an in-memory buffer first, so that their members sit under the
folder "archive" as they do for any torch.save to a file object (saving to a path names the
folder after the file instead). The values are small formulas of the element index that
torchfile's tests recompute; see file_test.go. An earlier version of this script wrote the same
fixtures without PyTorch, from stand-ins of the torch globals; the reader gives the same names,
dtypes, shapes and values for both.
"""
import collections
import io
from typing import Dict

import torch


def save(path, obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def state_dict():
    w = torch.tensor([0.25 * i - 1 for i in range(6)], dtype=torch.float32)
    b = torch.tensor([float(10 + i) for i in range(2)], dtype=torch.float32)
    sd = collections.OrderedDict()
    sd["encoder.conv_in.weight"] = w.view(2, 3, 1, 1)
    sd["encoder.conv_in.bias"] = b
    sd["encoder.conv_in.weight_t"] = w.view(2, 3).t()  # strides (1, 3)
    sd["encoder.conv_in.weight_odd"] = w.view(2, 3)[:, 1]  # offset 1, stride 3
    sd["decoder.norm.weight"] = torch.tensor([0.5 * i for i in range(4)], dtype=torch.float16)
    sd["decoder.proj.weight"] = torch.nn.Parameter(
        torch.tensor([float(i) - 2 for i in range(4)], dtype=torch.bfloat16).view(2, 2))
    sd["step"] = torch.tensor(1 << 40, dtype=torch.int64)
    sd["mask"] = torch.tensor([True, False, True])
    sd["broadcast"] = b[1:].expand(2, 3)  # offset 1, strides (0, 0)
    sd["empty"] = b.as_strided((0, 5), (5, 1), 0)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def checkpoint():
    w = torch.tensor([float(i * i) for i in range(3)])
    return {"model": collections.OrderedDict([("layer.weight", w)]), "epoch": 7, "tied": [w]}


class CausalConv3d(torch.nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.conv1 = torch.nn.Conv3d(1, 2, kernel_size=1)
        with torch.no_grad():
            self.conv1.weight.copy_(torch.tensor([scale * (i + 1) for i in range(2)]).view(2, 1, 1, 1, 1))
            self.conv1.bias.copy_(torch.tensor([-scale * (i + 1) for i in range(2)]))
        self.time_stride = 1

    def forward(self, x):
        return self.conv1(x)


class Encoder(torch.nn.Module):
    buffers: Dict[str, torch.Tensor]

    def __init__(self):
        super().__init__()
        self.conv_in = CausalConv3d(1.0)
        self.down = torch.nn.ModuleList([CausalConv3d(2.0), CausalConv3d(3.0)])
        # TorchScript writes a module's plain attributes before its submodules, so this one
        # comes first in the archive.
        self.buffers = {"scale": torch.tensor([0.5])}

    def forward(self, x):
        y = self.conv_in(x)
        for d in self.down:
            y = y + d(x)
        return y * self.buffers["scale"]


class Tokenizer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()

    def forward(self, x):
        return self.encoder(x)


def torchscript(path):
    m = torch.jit.script(Tokenizer().eval())
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    save("state_dict.pt", state_dict())
    save("checkpoint.pt", checkpoint())
    torchscript("torchscript.jit")
