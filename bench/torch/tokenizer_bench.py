#!/usr/bin/env python3
"""PyTorch timing replica of our causal video tokenizer's encoder and decoder.

TIMING REPLICA, written from our Go code (tokenizer/config.go, model.go, blocks.go,
patcher.go, fsq.go, infer.go and nn/conv.go, groupnorm.go, attention.go). It exists to compare
the encode and decode time of our Go implementation (`wfm bench tokenizer`) against PyTorch
eager on the same CPU. Our tokenizer follows NVIDIA's Cosmos-Tokenizer (causal factorized 3-D
convolutions: CausalContinuousVideoTokenizer / CausalDiscreteVideoTokenizer with
EncoderFactorized and DecoderFactorized, the 3-D Haar patcher and FSQ); this file mirrors ours
module for module (same convolutions, kernels, strides and paddings, the same per-frame
one-group GroupNorm, the same spatial and causal temporal attention of the middle blocks, the
same Haar patcher and its channel order, the same channel counts and parameter shapes) for any
tokenizer.Config JSON, e.g. from `wfm bench tokenizer --config-out F`. Parameters carry the
Cosmos checkpoint names our tokenizer.CheckpointName gives (encoder.down.0.block.0.conv1.0.
conv3d.weight, ...), in PyTorch's layout ([out, in, kt, kh, kw] kernels), so --weights loads
an official-layout file such as tokenizer/pretrained/*.safetensors as is. No reference code
is copied here. (Given the same weights it computes what ours does: checked with the committed
cv4x4x4-tiny, cv8x8x8-tiny and dv8x16x16-tiny weights on a 17x64x64 clip against our codec,
the latents agreed within 5e-6, the token ids exactly, the decoded pixels within one level.)

What is timed, as our bench.RunTokenizer:
  * encode: video [B, 3, 1+T, H, W] in [-1, 1) -> Haar patches -> encoder -> quant_conv; a
    continuous tokenizer returns the latent [B, C, 1+T/t, H/s, W/s], a discrete one the FSQ
    code's token ids [B, 1+T/t, H/s, W/s] (int32);
  * decode: that latent (discrete: the ids, turned back into codes) -> post_quant_conv ->
    decoder -> inverse Haar transform -> video [B, 3, 1+T, H, W].
Each direction runs once untimed (its time is compile_s: allocation, oneDNN primitive
creation), --warmup more times untimed, then --reps times timed one by one.

Differences from ours that are deliberate (what a competent PyTorch user would write):
  * input and output are float32 tensors in [-1, 1]; ours (the `wfm tokenize` codec) takes and
    returns uint8 pixels and so also converts them, cuts the clip into windows and copies the
    result into a video.Clip (a few hundred kB per clip, well under a millisecond);
  * channels-first (NCDHW) tensors and torch.nn.Conv3d; the "same" spatial zero padding is the
    convolution's own padding argument (ours pads, then gathers the kernel taps and runs one
    matrix product: im2col on the Go backend), the causal time padding is a concatenation of
    copies of the first frame, as ours;
  * the per-frame GroupNorm is the reference's: a transposed copy to [(B T), C, H, W],
    F.group_norm with one group, and a copy back (7x faster on this CPU than torch.var_mean
    over the dims (1, 3, 4) of the channels-first tensor);
  * the convolutions take whatever path PyTorch picks: for batch 1 and these small tensors
    PyTorch 1.13's heuristic runs its native im2col + GEMM (slow_conv3d) for nearly all of
    them rather than oneDNN;
  * attention is torch.nn.functional.scaled_dot_product_attention where this PyTorch has it
    (2.0 and newer), else the same single-head softmax(q k^T / sqrt(C)) v written with bmm
    (ours runs the Go backend's fused attention kernel at inference);
  * the Haar transform is a reshape and one einsum with the 8x8 matrix of +-1/8 per level
    (ours: the same contraction as a DotGeneral);
  * everything runs under torch.inference_mode() in float32.

Usage:

  wfm bench tokenizer --config tokenizer/pretrained/cv4x4x4-tiny.json --config-out cfg.json
  /usr/bin/python3 bench/torch/tokenizer_bench.py --config cfg.json --frames 17 --res 64x64 \\
      --threads 2 --reps 5 --warmup 1 --json

--print-params lists the parameters (checkpoint name and shape) and their total, then exits.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import statistics
import struct
import sys
import time
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

# Epsilon of every normalization (nn.DefaultGroupNormEpsilon, the reference's CausalNormalize).
NORM_EPS = 1e-6
# FSQ's tanh bound is widened by this (tokenizer.fsqBoundEps).
FSQ_BOUND_EPS = 1e-3

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


class BenchError(Exception):
    """A bad configuration or argument: reported on stderr, exit status 2."""


# --------------------------------------------------------------------------------------------
# Configuration: tokenizer.Config's JSON, validated as Config.Validate does.
# --------------------------------------------------------------------------------------------


def _log2_exact(n: int) -> Optional[int]:
    if n < 1 or n & (n - 1):
        return None
    return n.bit_length() - 1


@dataclasses.dataclass
class Config:
    """The fields of tokenizer.Config (JSON names as its tags). Missing fields take Go's zero
    values, so a config missing a required field fails validation as in Go."""

    name: str = ""
    discrete: bool = False
    in_channels: int = 0
    out_channels: int = 0
    channels: int = 0
    channels_mult: list = dataclasses.field(default_factory=list)
    num_res_blocks: int = 0
    patch_size: int = 0
    spatial_compression: int = 0
    temporal_compression: int = 0
    z_channels: int = 0
    latent_channels: int = 0
    levels: Optional[list] = None
    decoder_channels_mult: Optional[list] = None
    linear_shortcut: bool = False

    def decoder_mult(self) -> list:
        return list(self.decoder_channels_mult if self.decoder_channels_mult is not None else self.channels_mult)

    def spatial_downs(self) -> int:
        return _log2_exact(self.spatial_compression) - _log2_exact(self.patch_size)

    def temporal_downs(self) -> int:
        return _log2_exact(self.temporal_compression) - _log2_exact(self.patch_size)

    def decoder_upsamples(self) -> list:
        """Config.decoderUpsamples: (spatial, temporal) per decoder level; level 0 has none."""
        levels = len(self.decoder_mult())
        s_ups, t_ups = self.spatial_downs(), self.temporal_downs()
        out = [(False, False)] * levels
        for i in range(1, levels):
            r = levels - 1 - i
            temporal = 0 < r < t_ups + 1
            out[i] = (temporal or (r < s_ups and s_ups > t_ups), temporal)
        return out

    def validate(self) -> None:
        """Config.Validate: raises BenchError on the first problem."""

        def bad(problem: str) -> BenchError:
            return BenchError(f"config {self.name!r}: {problem}")

        if self.in_channels < 1 or self.out_channels < 1:
            raise bad(f"in/out channels {self.in_channels}/{self.out_channels} must be positive")
        if self.channels < 1:
            raise bad(f"channels {self.channels} must be positive")
        if not self.channels_mult:
            raise bad("channels_mult is empty")
        if self.num_res_blocks < 1:
            raise bad(f"num_res_blocks {self.num_res_blocks} must be positive")
        if self.z_channels < 1 or self.latent_channels < 1:
            raise bad(f"z_channels {self.z_channels} and latent_channels {self.latent_channels} must be positive")
        if any(m < 1 for m in self.channels_mult):
            raise bad(f"channels_mult {self.channels_mult} has a non-positive entry")
        if self.decoder_channels_mult is not None and (
                not self.decoder_channels_mult or any(m < 1 for m in self.decoder_channels_mult)):
            raise bad(f"decoder_channels_mult {self.decoder_channels_mult} is empty or has a non-positive entry")
        p = _log2_exact(self.patch_size)
        if p is None:
            raise bad(f"patch_size {self.patch_size} is not a power of two")
        for what, value in (("spatial", self.spatial_compression), ("temporal", self.temporal_compression)):
            l = _log2_exact(value)
            if l is None or l < p:
                raise bad(f"{what} compression {value} is not a power of two >= patch_size {self.patch_size}")
            if l - p > len(self.channels_mult) - 1:
                raise bad(f"{what} compression {value} needs {l - p} downsamples, "
                          f"{len(self.channels_mult)} levels allow {len(self.channels_mult) - 1}")
        ups = self.decoder_upsamples()
        s_ups, t_ups = sum(s for s, _ in ups), sum(t for _, t in ups)
        if s_ups != self.spatial_downs() or t_ups != self.temporal_downs():
            raise bad(f"temporal compression {self.temporal_compression} with spatial {self.spatial_compression}: "
                      f"a decoder of {len(ups)} levels upsamples {1 << t_ups}x in time and {1 << s_ups}x in space")
        if self.linear_shortcut and (self.spatial_downs() or self.temporal_downs()):
            raise bad(f"linear_shortcut needs spatial and temporal compression equal to patch_size {self.patch_size}")
        if self.discrete:
            lv = self.levels or []
            if not lv or any(l < 2 for l in lv) or math.prod(lv) > 2 ** 31 - 1:
                raise bad(f"FSQ levels {lv}: need at least one level, each >= 2, vocabulary within int32")
            if len(lv) != self.latent_channels:
                raise bad(f"{len(lv)} FSQ levels for {self.latent_channels} latent channels")
        elif self.levels is not None:
            raise bad(f"FSQ levels {self.levels} on a continuous tokenizer")


def load_config(path: str) -> Config:
    """Reads and validates a tokenizer.Config JSON file. Unknown keys are ignored, as Go's
    encoding/json does; a value of the wrong type is an error, as there."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as e:
        raise BenchError(f"config {path}: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise BenchError(f"config {path}: not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise BenchError(f"config {path}: want a JSON object, got {type(raw).__name__}")
    values = {}
    for field in dataclasses.fields(Config):
        if field.name not in raw or raw[field.name] is None:
            continue
        v = raw[field.name]
        kind = field.type
        if kind == "int":
            ok = isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer()
            v = int(v) if ok else v
        elif kind == "bool":
            ok = isinstance(v, bool)
        elif kind == "str":
            ok = isinstance(v, str)
        else:  # lists of integers
            ok = isinstance(v, list) and all(isinstance(e, int) and not isinstance(e, bool) for e in v)
        if not ok:
            raise BenchError(f"config {path}: field {field.name}: want {kind}, got {v!r}")
        values[field.name] = v
    cfg = Config(**values)
    cfg.validate()
    return cfg


# --------------------------------------------------------------------------------------------
# Layers (tokenizer/blocks.go, nn/conv.go, nn/groupnorm.go). Module names are the reference's,
# so parameter names are the checkpoint keys of tokenizer.CheckpointName.
# --------------------------------------------------------------------------------------------

K_SPATIAL, K_TEMPORAL, K_POINT = (1, 3, 3), (3, 1, 1), (1, 1, 1)


def replicate_first_frame(x: torch.Tensor, n: int) -> torch.Tensor:
    """Prepends n copies of frame 0 of x [B, C, T, H, W]."""
    if n == 0:
        return x
    return torch.cat((x[:, :, :1].expand(-1, -1, n, -1, -1), x), dim=2)


class CausalConv3d(nn.Module):
    """nn.CausalConv3D: time padded on the left with kt - st copies of frame 0, space
    zero-padded "same" (kh/2, kw/2) unless spatial_pad = (top, bottom, left, right) is given."""

    def __init__(self, cin: int, cout: int, kernel, stride=(1, 1, 1), spatial_pad=None):
        super().__init__()
        self.time_pad = kernel[0] - stride[0]
        self.extra_pad = None
        padding = (0, kernel[1] // 2, kernel[2] // 2)
        if spatial_pad is not None:
            top, bottom, left, right = spatial_pad
            if top == bottom and left == right:
                padding = (0, top, left)
            else:
                padding, self.extra_pad = (0, 0, 0), (left, right, top, bottom)
        self.conv3d = nn.Conv3d(cin, cout, kernel, stride=stride, padding=padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = replicate_first_frame(x, self.time_pad)
        if self.extra_pad is not None:
            x = F.pad(x, self.extra_pad)
        return self.conv3d(x)


def point_conv(cin: int, cout: int) -> CausalConv3d:
    return CausalConv3d(cin, cout, K_POINT)


def factorized_conv(cin: int, cout: int) -> nn.Sequential:
    """factorizedConv: a (1,3,3) convolution cin -> cout, then a (3,1,1) one cout -> cout."""
    return nn.Sequential(CausalConv3d(cin, cout, K_SPATIAL), CausalConv3d(cout, cout, K_TEMPORAL))


class CausalNormalize(nn.Module):
    """GroupNorm with one group per frame (nn.GroupNorm1PerFrame), as the reference computes it:
    frames folded into the batch, F.group_norm with one group (statistics over C, H, W of each
    (b, t), a per-channel scale and offset), then back to [B, C, T, H, W]."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = nn.GroupNorm(1, channels, eps=NORM_EPS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        y = x.transpose(1, 2).reshape(b * t, c, h, w)
        y = F.group_norm(y, 1, self.norm.weight, self.norm.bias, NORM_EPS)
        return y.view(b, t, c, h, w).transpose(1, 2).contiguous()


class ResBlock(nn.Module):
    """resBlock (CausalResnetBlockFactorized3d): norm1, swish, conv1, norm2, swish, conv2, plus
    the input through nin_shortcut when the width changes."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.norm1 = CausalNormalize(cin)
        self.conv1 = factorized_conv(cin, cout)
        self.norm2 = CausalNormalize(cout)
        self.conv2 = factorized_conv(cout, cout)
        self.nin_shortcut = point_conv(cin, cout) if cin != cout else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        if self.nin_shortcut is not None:
            x = self.nin_shortcut(x)
        return x + h


def _attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool) -> torch.Tensor:
    """Single-head softmax(q k^T / sqrt(C)) v over q, k, v [N, L, C]."""
    if _HAS_SDPA:
        return F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1),
                                              is_causal=causal).squeeze(1)
    scores = torch.bmm(q, k.transpose(1, 2)) * (q.shape[-1] ** -0.5)
    if causal:
        n = scores.shape[-1]
        scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
    return torch.bmm(torch.softmax(scores, dim=-1), v)


class AttnBlock(nn.Module):
    """attnBlock: spatial (over the H*W positions of each frame) or causal temporal (over the
    frames of each pixel) single-head attention of the normalized input, projected and added."""

    def __init__(self, channels: int, temporal: bool):
        super().__init__()
        self.temporal = temporal
        self.norm = CausalNormalize(channels)
        self.q, self.k, self.v = point_conv(channels, channels), point_conv(channels, channels), point_conv(channels, channels)
        self.proj_out = point_conv(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        n = self.norm(x)
        q, k, v = self.q(n), self.k(n), self.v(n)
        if self.temporal:
            def seq(z):  # [B, C, T, H, W] -> [B*H*W, T, C]
                return z.permute(0, 3, 4, 2, 1).reshape(b * h * w, t, c)

            out = _attention(seq(q), seq(k), seq(v), True).view(b, h, w, t, c).permute(0, 4, 3, 1, 2)
        else:
            def seq(z):  # [B, C, T, H, W] -> [B*T, H*W, C]
                return z.permute(0, 2, 3, 4, 1).reshape(b * t, h * w, c)

            out = _attention(seq(q), seq(k), seq(v), False).view(b, t, h, w, c).permute(0, 4, 1, 2, 3)
        return x + self.proj_out(out.contiguous())


class MidBlock(nn.Module):
    """midBlock: block_1, attn_1 (spatial, then temporal attention), block_2."""

    def __init__(self, channels: int):
        super().__init__()
        self.block_1 = ResBlock(channels, channels)
        self.attn_1 = nn.Sequential(AttnBlock(channels, False), AttnBlock(channels, True))
        self.block_2 = ResBlock(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class HybridDownsample(nn.Module):
    """hybridDownsample (CausalHybridDownsample3d): spatially a (1,3,3) stride-2 convolution of
    the input padded one row below and one column right, plus 2x2 average pooling; temporally,
    after prepending frame 0 once, a (3,1,1) time-stride-2 convolution plus pair averaging; then
    a 1x1x1 convolution."""

    def __init__(self, channels: int, spatial: bool, temporal: bool):
        super().__init__()
        self.spatial, self.temporal = spatial, temporal
        if spatial:
            self.conv1 = CausalConv3d(channels, channels, K_SPATIAL, (1, 2, 2), spatial_pad=(0, 1, 0, 1))
        if temporal:
            self.conv2 = CausalConv3d(channels, channels, K_TEMPORAL, (2, 1, 1))
        self.conv3 = point_conv(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.spatial:
            x = self.conv1(x) + F.avg_pool3d(x, (1, 2, 2))
        if self.temporal:
            x = replicate_first_frame(x, 1)
            x = self.conv2(x) + F.avg_pool3d(x, (2, 1, 1))
        return self.conv3(x)


class HybridUpsample(nn.Module):
    """hybridUpsample (CausalHybridUpsample3d): temporally every frame twice but the first
    (T -> 2T-1), then x + (3,1,1) conv(x); spatially nearest 2x, then x + (1,3,3) conv(x); then a
    1x1x1 convolution."""

    def __init__(self, channels: int, spatial: bool, temporal: bool):
        super().__init__()
        self.spatial, self.temporal = spatial, temporal
        if temporal:
            self.conv1 = CausalConv3d(channels, channels, K_TEMPORAL)
        if spatial:
            self.conv2 = CausalConv3d(channels, channels, K_SPATIAL)
        self.conv3 = point_conv(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.temporal:
            if x.shape[2] > 1:
                x = x.repeat_interleave(2, dim=2)[:, :, 1:]
            x = x + self.conv1(x)
        if self.spatial:
            x = x.repeat_interleave(2, dim=3).repeat_interleave(2, dim=4)
            x = x + self.conv2(x)
        return self.conv3(x)


# --------------------------------------------------------------------------------------------
# Haar patcher (tokenizer/patcher.go): channel = band * C + c, band = 4 t + 2 h + w per level.
# --------------------------------------------------------------------------------------------


def _haar_signs() -> torch.Tensor:
    """S [2, 2, 2 (bands t, h, w), 2, 2, 2 (positions t, h, w)]: -1 where an odd number of axes
    take the high filter at the second position of their pair."""
    h = torch.tensor([[1.0, 1.0], [1.0, -1.0]])
    return torch.einsum("ai,bj,ck->abcijk", h, h, h)


HAAR_SIGNS = _haar_signs()


def haar_level(x: torch.Tensor) -> torch.Tensor:
    """One level: [B, C, T, H, W] -> [B, 8 C, T/2, H/2, W/2], the sub-band means (1/8 S)."""
    b, c, t, h, w = x.shape
    x = x.reshape(b, c, t // 2, 2, h // 2, 2, w // 2, 2)
    y = torch.einsum("pqrijk,bctihjwk->bpqrcthw", HAAR_SIGNS * 0.125, x)
    return y.reshape(b, 8 * c, t // 2, h // 2, w // 2)


def inverse_haar_level(z: torch.Tensor) -> torch.Tensor:
    """Inverse of haar_level: [B, 8 C, T, H, W] -> [B, C, 2T, 2H, 2W] (S^T)."""
    b, c8, t, h, w = z.shape
    c = c8 // 8
    z = z.reshape(b, 2, 2, 2, c, t, h, w)
    x = torch.einsum("pqrijk,bpqrcthw->bctihjwk", HAAR_SIGNS, z)
    return x.reshape(b, c, 2 * t, 2 * h, 2 * w)


def haar_patch(x: torch.Tensor, p: int) -> torch.Tensor:
    """HaarPatch3D: frame 0 repeated p-1 times in front, then log2(p) levels."""
    x = replicate_first_frame(x, p - 1)
    for _ in range(_log2_exact(p)):
        x = haar_level(x)
    return x


def haar_unpatch(z: torch.Tensor, p: int) -> torch.Tensor:
    """HaarUnpatch3D: log2(p) inverse levels, then the first p-1 frames dropped."""
    for _ in range(_log2_exact(p)):
        z = inverse_haar_level(z)
    return z[:, :, p - 1:]


# --------------------------------------------------------------------------------------------
# FSQ (tokenizer/fsq.go), channels-first.
# --------------------------------------------------------------------------------------------


class FSQ:
    def __init__(self, levels: list):
        self.levels = list(levels)
        basis, v = [], 1
        for l in levels:
            basis.append(v)
            v *= l
        half_l = [(l - 1) * (1 + FSQ_BOUND_EPS) / 2 for l in levels]
        offset = [0.5 if l % 2 == 0 else 0.0 for l in levels]

        def col(values, dtype=torch.float32):
            return torch.tensor(values, dtype=dtype).view(1, -1, 1, 1, 1)

        self.half_width = col([float(l // 2) for l in levels])
        self.half_l, self.offset = col(half_l), col(offset)
        self.shift = col([math.atanh(o / hl) for o, hl in zip(offset, half_l)])
        self.basis, self.levels_t = col(basis, torch.int32), col(levels, torch.int32)

    def quantize(self, z: torch.Tensor) -> torch.Tensor:
        bounded = torch.tanh(z + self.shift) * self.half_l - self.offset
        return torch.round(bounded) / self.half_width

    def codes_to_ids(self, codes: torch.Tensor) -> torch.Tensor:
        digits = torch.round(codes * self.half_width + self.half_width).to(torch.int32)
        return (digits * self.basis).sum(dim=1, dtype=torch.int32)

    def ids_to_codes(self, ids: torch.Tensor) -> torch.Tensor:
        digits = (ids.to(torch.int32).unsqueeze(1) // self.basis) % self.levels_t
        return (digits.to(torch.float32) - self.half_width) / self.half_width


# --------------------------------------------------------------------------------------------
# The tokenizer (tokenizer/model.go).
# --------------------------------------------------------------------------------------------


class Level(nn.Module):
    """An encoder level (down.i) or decoder level (up.i): res blocks, then maybe a resample."""

    def __init__(self, blocks: list, resample_name: str = "", resample: Optional[nn.Module] = None):
        super().__init__()
        self.block = nn.ModuleList(blocks)
        self.resample_name = resample_name
        if resample is not None:
            self.add_module(resample_name, resample)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for blk in self.block:
            x = blk(x)
        if self.resample_name and hasattr(self, self.resample_name):
            x = getattr(self, self.resample_name)(x)
        return x


class Encoder(nn.Module):
    """EncoderFactorized: Haar patch, conv_in, down levels, mid, norm_out, swish, conv_out (plus
    the linear shortcut of the patches when configured)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        p3 = cfg.patch_size ** 3
        self.conv_in = factorized_conv(cfg.in_channels * p3, cfg.channels)
        width, last = cfg.channels, len(cfg.channels_mult) - 1
        levels = []
        for i, mult in enumerate(cfg.channels_mult):
            blocks = []
            for _ in range(cfg.num_res_blocks):
                blocks.append(ResBlock(width, cfg.channels * mult))
                width = cfg.channels * mult
            sp, tm = i < cfg.spatial_downs(), i < cfg.temporal_downs()
            down = HybridDownsample(width, sp, tm) if i != last and (sp or tm) else None
            levels.append(Level(blocks, "downsample", down))
        self.down = nn.ModuleList(levels)
        self.mid = MidBlock(width)
        self.norm_out = CausalNormalize(width)
        self.conv_out = factorized_conv(width, cfg.z_channels)
        if cfg.linear_shortcut:
            self.shortcut = point_conv(cfg.in_channels * p3, cfg.z_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patches = haar_patch(x, self.cfg.patch_size)
        h = self.conv_in(patches)
        for level in self.down:
            h = level(h)
        h = self.conv_out(F.silu(self.norm_out(self.mid(h))))
        if self.cfg.linear_shortcut:
            h = h + self.shortcut(patches)
        return h


class Decoder(nn.Module):
    """DecoderFactorized (non-legacy): conv_in, mid, up levels from the last to the first,
    norm_out, swish, conv_out to OutChannels * p^3 (plus the linear shortcut), inverse Haar."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        mult = cfg.decoder_mult()
        ups = cfg.decoder_upsamples()
        width = cfg.channels * mult[-1]
        self.conv_in = factorized_conv(cfg.z_channels, width)
        self.mid = MidBlock(width)
        levels = [None] * len(mult)
        for i in reversed(range(len(mult))):
            blocks = []
            for _ in range(cfg.num_res_blocks + 1):
                blocks.append(ResBlock(width, cfg.channels * mult[i]))
                width = cfg.channels * mult[i]
            sp, tm = ups[i]
            up = HybridUpsample(width, sp, tm) if i != 0 and (sp or tm) else None
            levels[i] = Level(blocks, "upsample", up)
        self.up = nn.ModuleList(levels)
        p3 = cfg.patch_size ** 3
        self.norm_out = CausalNormalize(width)
        self.conv_out = factorized_conv(width, cfg.out_channels * p3)
        if cfg.linear_shortcut:
            self.shortcut = point_conv(cfg.z_channels, cfg.out_channels * p3)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            h = level(h)
        h = self.conv_out(F.silu(self.norm_out(h)))
        if self.cfg.linear_shortcut:
            h = h + self.shortcut(z)
        return haar_unpatch(h, self.cfg.patch_size)


class Tokenizer(nn.Module):
    """tokenizer.Tokenizer: encoder + quant_conv (+ FSQ), post_quant_conv + decoder."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.quant_conv = point_conv(cfg.z_channels, cfg.latent_channels)
        self.post_quant_conv = point_conv(cfg.latent_channels, cfg.z_channels)
        self.decoder = Decoder(cfg)
        self.fsq = FSQ(cfg.levels) if cfg.discrete else None

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Video [B, C, 1+T, H, W] in [-1, 1] -> the latent (continuous) or token ids (discrete)."""
        latent = self.quant_conv(self.encoder(x))
        if self.fsq is None:
            return latent
        return self.fsq.codes_to_ids(self.fsq.quantize(latent))

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """What encode returns -> video [B, C, 1+T, H, W]."""
        if self.fsq is not None:
            latent = self.fsq.ids_to_codes(latent)
        return self.decoder(self.post_quant_conv(latent))


# --------------------------------------------------------------------------------------------
# Weights: official-layout safetensors (as tokenizer.ExportOfficial writes) or a .pt state dict.
# --------------------------------------------------------------------------------------------

_ST_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path: str) -> dict:
    """The tensors of a safetensors file, as float32 (no dependency on the safetensors package)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = memoryview(data)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _ST_DTYPES:
            raise BenchError(f"weights {path}: {name}: unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[start:end]), dtype=_ST_DTYPES[info["dtype"]]) if end > start else torch.empty(0)
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out


def load_weights(net: Tokenizer, path: str) -> None:
    """Loads an official-layout checkpoint; keys the network lacks (convolutions the
    reference builds but never runs) are ignored, as our importer does; a missing one is an
    error."""
    if path.endswith(".safetensors"):
        sd = read_safetensors(path)
    else:
        sd = torch.load(path, map_location="cpu")
        sd = {k: v.to(torch.float32) for k, v in sd.items() if isinstance(v, torch.Tensor)}
    ours = dict(net.named_parameters())
    missing = [k for k in ours if k not in sd]
    if missing:
        raise BenchError(f"weights {path}: {len(missing)} parameters missing, e.g. {missing[0]}")
    with torch.no_grad():
        for k, p in ours.items():
            if tuple(sd[k].shape) != tuple(p.shape):
                raise BenchError(f"weights {path}: {k}: shape {list(sd[k].shape)}, want {list(p.shape)}")
            p.copy_(sd[k])


# --------------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------------


def parse_res(s: str) -> tuple:
    parts = s.lower().split("x")
    if len(parts) == 1:
        parts = parts * 2
    try:
        h, w = (int(v) for v in parts)
    except ValueError:
        raise BenchError(f"--res: want HxW (two integers), got {s!r}") from None
    return h, w


def default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="tokenizer.Config JSON file (wfm bench tokenizer --config-out)")
    p.add_argument("--weights", default="", help="official-layout .safetensors or .pt state dict (default: random weights)")
    p.add_argument("--frames", type=int, default=17, help="frames per video, 1+k*t (default 17)")
    p.add_argument("--res", default="64x64", help="frame size HxW (default 64x64)")
    p.add_argument("--batch", type=int, default=1, help="videos per call (default 1)")
    p.add_argument("--reps", type=int, default=5, help="timed calls each way (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="untimed calls each way after the first (default 1)")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: the CPUs this process may use)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--print-params", action="store_true", help="list the parameters and their shapes, then exit")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def check_args(args, cfg: Config) -> tuple:
    h, w = parse_res(args.res)
    t, s = cfg.temporal_compression, cfg.spatial_compression
    if args.batch <= 0:
        raise BenchError(f"--batch: must be > 0, got {args.batch}")
    if args.frames < 1 or (args.frames - 1) % t:
        raise BenchError(f"--frames: must be 1 + k*{t} (the temporal compression), got {args.frames}")
    if h <= 0 or w <= 0 or h % s or w % s:
        raise BenchError(f"--res: {h}x{w}: height and width must be positive multiples of {s} (the spatial compression)")
    if args.reps <= 0:
        raise BenchError(f"--reps: must be > 0, got {args.reps}")
    if args.warmup < 0 or args.threads < 0:
        raise BenchError("--warmup and --threads must be >= 0")
    return h, w


def time_calls(fn, reps: int, warmup: int) -> tuple:
    """fn once untimed (its time is returned as compile_s), warmup more times, then reps timed."""
    start = time.perf_counter()
    out = fn()
    compile_s = time.perf_counter() - start
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, compile_s, times


def summary(times: list, compile_s: float, batch: int, frames: int) -> dict:
    median = statistics.median(times)
    return {"median_s": median, "mean_s": statistics.fmean(times), "min_s": min(times), "max_s": max(times),
            "compile_s": compile_s, "s_per_clip": median / batch, "ms_per_frame": 1e3 * median / (batch * frames)}


def run(args) -> dict:
    cfg = load_config(args.config)
    h, w = check_args(args, cfg)
    threads = args.threads or default_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    net = Tokenizer(cfg).eval()
    named = list(net.named_parameters())
    n_params = sum(p.numel() for _, p in named)
    if args.print_params:
        if args.json:
            print(json.dumps({"params": n_params, "shapes": {name: list(p.shape) for name, p in named}}))
        else:
            for name, p in named:
                print(name, list(p.shape))
            print("TOTAL", n_params)
        return {}
    if args.weights:
        load_weights(net, args.weights)
    b, frames = args.batch, args.frames
    x = torch.rand(b, cfg.in_channels, frames, h, w) * 2 - 1
    with torch.inference_mode():
        latent, enc_compile, enc_times = time_calls(lambda: net.encode(x), args.reps, args.warmup)
        video, dec_compile, dec_times = time_calls(lambda: net.decode(latent), args.reps, args.warmup)
    if tuple(video.shape) != tuple(x.shape):
        raise BenchError(f"decoded shape {list(video.shape)}, want {list(x.shape)}")
    return {
        "config": cfg.name,
        "params": n_params,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": (platform.processor() or platform.machine()) + " CPU",
        "batch": b,
        "frames": frames,
        "res": [h, w],
        "latent_dims": list(latent.shape[1:]),
        "reps": args.reps,
        "warmup": args.warmup,
        "random_weights": not args.weights,
        "attention": "sdpa" if _HAS_SDPA else "bmm-softmax",
        "encode": summary(enc_times, enc_compile, b, frames),
        "decode": summary(dec_times, dec_compile, b, frames),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        res = run(args)
    except BenchError as e:
        print(f"tokenizer_bench: error: {e}", file=sys.stderr)
        return 2
    if not res:
        return 0
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{res['config']} on {res['device']} (torch {res['torch']}, {res['threads']} threads): "
              f"{res['params']} params, {res['batch']} x {res['frames']} frames of {res['res'][0]}x{res['res'][1]} "
              f"-> latent {res['latent_dims']}")
        for name in ("encode", "decode"):
            r = res[name]
            print(f"  {name}: {r['s_per_clip']:.4f} s per clip, {r['ms_per_frame']:.2f} ms/frame (median; mean "
                  f"{r['mean_s']:.4f} s, min {r['min_s']:.4f}, max {r['max_s']:.4f}); first call {r['compile_s']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
