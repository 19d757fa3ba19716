#!/usr/bin/env python3
"""PyTorch timing replica of our diffusion transformer (DiT) and its training step.

TIMING REPLICA, written from our Go code (diffusion/dit.go, rope.go, edm.go, train.go,
config.go, flops.go, sampler.go, pipeline.go and train/trainer.go). It exists to compare the
training-step time of our Go/XLA implementation against PyTorch eager and torch.compile on the
same GPU. It mirrors the architecture tensor for tensor (same parameters, same shapes, same
matrix products) and the training step op for op (EDM loss with Cosmos's default options,
backward, global-norm clipping, AdamW, weight EMA). It is not meant as a numerical port: the
benchmark uses random weights and its own random draws, and nothing here loads or saves our
checkpoints. (Given the same weights, its denoiser did match diffusion.DiT.Denoise to float32
rounding when checked; parameters are listed under our variable paths by --print-params.)

What one training step does (as diffusion.TrainLoss with DefaultTrainOptions + train.Trainer):
  * ln sigma ~ N(0, 1), clipped to [sigma_min, sigma_max]; x = x0 + sigma * n;
  * text dropout 0.2 (context zeroed per sample);
  * Video2World: 0, 1 or 2 condition frames (capped at T-1) per sample, the condition latent
    noise-augmented with ln sigma_aug ~ N(-3, 2^2), substituted into the input where
    sigma_aug < sigma and copied to the output;
  * EDM preconditioning D(x) = c_skip x + c_out F(c_in x, c_noise), loss
    lambda(sigma) * mean |D - x0|^2, averaged over the batch;
  * backward, clip to global norm 1.0, AdamW (lr 1e-4, betas 0.9/0.999, eps 1e-8, decoupled
    weight decay 0.01 on every variable), then the weight EMA (decay 0.999, warmed up as
    min(0.999, (s+1)/(s+10)) for the s-th step).
The step ends when its loss and gradient norm are on the host, as our Trainer.TrainStep.

Differences from ours that are deliberate (what a competent PyTorch user would write):
  * attention is torch.nn.functional.scaled_dot_product_attention (flash / memory-efficient
    kernels), RMSNorm is F.rms_norm and LayerNorm F.layer_norm where the installed PyTorch has
    them (older versions fall back to the same formulas written out);
  * the RoPE cos/sin tables are computed once per forward, not once per attention call;
  * the batch lives on the device (ours copies it from the host every step, a few kB to MB);
  * AdamW is torch.optim.AdamW (fused on CUDA); with --dtype bfloat16 its moments are bfloat16
    like the parameters, where our GoMLX Adam keeps float32 moments (2 x 2 bytes per parameter
    more memory on our side);
  * the learning rate is a constant 1e-4 (ours follows a cosine schedule over 2^30 steps with
    1 warmup step: 1e-4 for any benchmark length).

Precision (--dtype): float32 runs with TF32 matmuls/convolutions allowed (XLA's GPU default).
bfloat16 mirrors our Config.DType "bfloat16": the parameters themselves are bfloat16 (no float32
master copy) and so are the activations, while the EDM arithmetic, the loss, the sinusoidal
timestep features and the RoPE angles are float32, and LayerNorm statistics are accumulated in
float32 (PyTorch's kernels do that for bfloat16 input). RMSNorm takes bfloat16 input as ours
(F.rms_norm may accumulate in float32 internally); the absolute-embedding tables are summed and
normalized in float32, as ours.
No autocast is used: dtypes are explicit, as in our graph.

Usage (the config is diffusion.Config's JSON, e.g. from `wfm bench diffusion --config-out F`):

  python3 bench/torch/dit_bench.py --config cfg.json --batch 2 --latent 5,8,8 \
      --context-len 8 --steps 10 --warmup 2 --mode compile --dtype bfloat16 --json

Timing rules, as our bench.RunDiTStep: an untimed first step (compilation, allocation; its
time is compile_s), --warmup more untimed steps, then --steps timed steps.
--sample-evals N then times N denoiser evaluations of our default sampler (multistep, Karras
schedule, guidance 7 on one video: the conditional and unconditional model as a batch of two
per evaluation) after one untimed single-evaluation generation, without gradients.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import platform
import statistics
import sys
import time
import warnings
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

# Epsilon of every LayerNorm and RMSNorm of the network (diffusion.normEpsilon).
NORM_EPS = 1e-6

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
_HAS_RMS_NORM = hasattr(F, "rms_norm")


class BenchError(Exception):
    """A bad configuration or argument: reported on stderr, exit status 2."""


# --------------------------------------------------------------------------------------------
# Configuration: diffusion.Config's JSON, validated as Config.Validate does.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Config:
    """The fields of diffusion.Config (JSON names as its tags). Missing fields take Go's zero
    values, so a config missing a required field fails validation as in Go."""

    name: str = ""
    latent_channels: int = 0
    patch_spatial: int = 0
    patch_temporal: int = 0
    model_channels: int = 0
    num_blocks: int = 0
    num_heads: int = 0
    mlp_ratio: int = 0
    context_dim: int = 0
    context_len: int = 0
    adaln_lora_dim: int = 0
    max_latent_frames: int = 0
    max_latent_height: int = 0
    max_latent_width: int = 0
    video2world: bool = False
    residual_condition: bool = False
    rope_t_extrapolation: float = 0.0
    rope_h_extrapolation: float = 0.0
    rope_w_extrapolation: float = 0.0
    base_fps: float = 0.0
    sigma_data: float = 0.0
    sigma_min: float = 0.0
    sigma_max: float = 0.0
    sample_sigma_min: float = 0.0
    latent_mean: list = dataclasses.field(default_factory=list)
    latent_std: list = dataclasses.field(default_factory=list)
    dtype: str = ""
    data_fps: float = 0.0
    tokenizer: str = ""
    text_encoder: str = ""
    text_encoder_id: str = ""
    kind: str = ""

    # Derived sizes (Config.HeadDim, InChannels, patchedMax).
    @property
    def head_dim(self) -> int:
        return self.model_channels // self.num_heads

    @property
    def in_channels(self) -> int:
        return self.latent_channels + 1 + (1 if self.video2world else 0)

    def patched_max(self, axis: int) -> int:
        if axis == 0:
            return self.max_latent_frames // self.patch_temporal
        if axis == 1:
            return self.max_latent_height // self.patch_spatial
        return self.max_latent_width // self.patch_spatial

    def modulation_params(self, chunks: int) -> int:
        d, r = self.model_channels, self.adaln_lora_dim
        return d * r + r * chunks * d if r > 0 else d * chunks * d

    def param_count(self) -> int:
        """Config.ParamCount, term by term (a cross-check of the module's own count)."""
        d, hd, ctx = self.model_channels, self.head_dim, self.context_dim
        p = self.patch_temporal * self.patch_spatial * self.patch_spatial
        n = self.in_channels * p * d
        n += d * d + d * 3 * d if self.adaln_lora_dim > 0 else d * d + d + d * d + d
        n += d
        n += (self.patched_max(0) + self.patched_max(1) + self.patched_max(2)) * d
        block = 4 * d * d + 2 * hd + 2 * d * d + 2 * ctx * d + 2 * hd + 2 * self.mlp_ratio * d * d
        block += 3 * self.modulation_params(3)
        n += self.num_blocks * block
        n += self.modulation_params(2) + d * p * self.latent_channels
        return n

    def forward_flops(self, b: int, t: int, h: int, w: int, ctx_len: int) -> int:
        """Config.ForwardFLOPs: matmul FLOPs of one forward pass (2 per multiply-accumulate)."""
        d, ctx, m = self.model_channels, self.context_dim, ctx_len
        p = self.patch_temporal * self.patch_spatial * self.patch_spatial
        l = (t * h * w) // p
        nb, cin = self.num_blocks, self.in_channels
        mac = l * cin * p * d  # patch embedding
        mac += 4 * l * d * d + 2 * l * l * d  # self-attention projections, scores, values
        mac += 2 * l * d * d + 2 * m * ctx * d + 2 * l * m * d  # cross-attention
        mac += 2 * l * d * self.mlp_ratio * d  # MLP
        mac *= nb
        mac -= l * cin * p * d * (nb - 1)  # the patch embedding runs once
        mac += self.modulation_params(3) * 3 * nb + self.modulation_params(2) + 4 * d * d
        mac += l * d * p * self.latent_channels  # final layer
        return 2 * b * mac

    def validate(self) -> None:
        """Config.Validate: raises BenchError on the first problem."""

        def bad(field: str, problem: str) -> BenchError:
            return BenchError(f"{field}: {problem}")

        hd = self.model_channels // self.num_heads if self.num_heads > 0 else 0
        if self.latent_channels <= 0:
            raise bad("latent_channels", f"must be > 0, got {self.latent_channels}")
        if self.patch_spatial <= 0 or self.patch_temporal <= 0:
            raise bad("patch_spatial", f"patch sizes must be > 0, got {self.patch_spatial} and {self.patch_temporal}")
        if self.model_channels <= 0 or self.num_heads <= 0 or self.model_channels % self.num_heads != 0:
            raise bad("model_channels", f"{self.model_channels} must be a positive multiple of num_heads {self.num_heads}")
        if hd % 2 != 0 or hd // 6 * 2 < 4 or hd - 2 * (hd // 6 * 2) < 4:
            raise bad("num_heads", f"head width {hd} too small for the 3-D RoPE split (needs even parts of at least 4)")
        if (self.model_channels > 1 << 16 or self.num_blocks > 1 << 10 or self.mlp_ratio > 64
                or self.context_dim > 1 << 16 or self.context_len > 1 << 16 or self.adaln_lora_dim > 1 << 16
                or self.latent_channels > 1 << 12 or self.patch_spatial > 64 or self.patch_temporal > 64
                or self.max_latent_frames > 1 << 16 or self.max_latent_height > 1 << 16
                or self.max_latent_width > 1 << 16):
            raise bad("model_channels", "sizes beyond any buildable model")
        if self.num_blocks <= 0:
            raise bad("num_blocks", f"must be > 0, got {self.num_blocks}")
        if self.mlp_ratio <= 0:
            raise bad("mlp_ratio", f"must be > 0, got {self.mlp_ratio}")
        if self.context_dim <= 0 or self.context_len <= 0:
            raise bad("context_dim", f"context width and length must be > 0, got {self.context_dim} and {self.context_len}")
        if self.adaln_lora_dim < 0:
            raise bad("adaln_lora_dim", f"must be >= 0, got {self.adaln_lora_dim}")
        if self.max_latent_frames <= 0 or self.max_latent_height <= 0 or self.max_latent_width <= 0:
            raise bad("max_latent_frames", "latent bounds must be > 0")
        if self.rope_t_extrapolation <= 0 or self.rope_h_extrapolation <= 0 or self.rope_w_extrapolation <= 0:
            raise bad("rope_t_extrapolation", "extrapolation ratios must be > 0")
        if self.base_fps <= 0:
            raise bad("base_fps", f"must be > 0, got {self.base_fps:g}")
        if self.sample_sigma_min < 0 or self.sample_sigma_min >= self.sigma_max:
            raise bad("sample_sigma_min", f"must be in [0, sigma_max), got {self.sample_sigma_min:g}")
        if self.residual_condition and not self.video2world:
            raise bad("residual_condition", "needs a Video2World model (video2world true)")
        if self.dtype not in ("", "float32", "bfloat16"):
            raise bad("dtype", f"want float32 or bfloat16, got {self.dtype!r}")
        if self.sigma_data <= 0 or self.sigma_min <= 0 or self.sigma_max <= self.sigma_min:
            raise bad("sigma_data", "need sigma_data > 0 and 0 < sigma_min < sigma_max")
        if len(self.latent_mean) != len(self.latent_std) or len(self.latent_mean) % self.latent_channels != 0:
            raise bad("latent_mean", f"latent_mean and latent_std need the same multiple of {self.latent_channels} values")
        if any(not (v > 0) for v in self.latent_std):
            raise bad("latent_std", "values must be > 0")


def load_config(path: str) -> Config:
    """Reads and validates a diffusion.Config JSON file. Unknown keys are ignored, as Go's
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
        elif kind == "float":
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
            v = float(v) if ok else v
        elif kind == "bool":
            ok = isinstance(v, bool)
        elif kind == "str":
            ok = isinstance(v, str)
        else:  # lists of numbers
            ok = isinstance(v, list) and all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in v)
        if not ok:
            raise BenchError(f"config {path}: field {field.name}: want {kind if kind != 'list' else 'a list of numbers'}, got {v!r}")
        values[field.name] = v
    cfg = Config(**values)
    try:
        cfg.validate()
    except BenchError as e:
        raise BenchError(f"config {path}: {e}") from None
    return cfg


# --------------------------------------------------------------------------------------------
# Network: diffusion.DiT. Module and parameter names follow our variable scopes
# (go_param_path maps one onto the other), so the two can be compared tensor by tensor.
# --------------------------------------------------------------------------------------------


def layer_norm_no_affine(x: torch.Tensor) -> torch.Tensor:
    """layerNormNoAffine: zero mean, unit variance over the last axis, statistics in float32."""
    if x.dtype == torch.float32 or x.device.type == "cuda":  # CUDA kernels accumulate bf16 in float32
        return F.layer_norm(x, (x.shape[-1],), eps=NORM_EPS)
    return F.layer_norm(x.float(), (x.shape[-1],), eps=NORM_EPS).to(x.dtype)


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """x * (1 + scale) + shift."""
    return torch.addcmul(shift, x, 1 + scale)


def attention_core(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Softmax attention of q [B, H, L, d] over k, v [B, H, M, d], scale 1/sqrt(d)."""
    if _HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v)
    scores = torch.matmul(q * (q.shape[-1] ** -0.5), k.transpose(-1, -2))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """ApplyRope: x [B, L, heads, hd] * cos + rotate_half(x) * sin, cos/sin [B, L, 1, hd]."""
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


class RMSNorm(nn.Module):
    """nn.RMSNorm of our Go code: x / sqrt(mean(x^2) + eps) * scale, variable "scale"."""

    def __init__(self, dim: int, **fk):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim, **fk))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if _HAS_RMS_NORM:
            return F.rms_norm(x, (x.shape[-1],), self.scale, NORM_EPS)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + NORM_EPS) * self.scale


class Patchify(nn.Module):
    """patchify: [B, T, H, W, C] -> [B, T/pt, H/ps, W/ps, C*pt*ps*ps], features ordered
    (channel, time offset, row offset, column offset). Index 0 of x_embedder.proj."""

    def __init__(self, pt: int, ps: int):
        super().__init__()
        self.pt, self.ps = pt, ps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h, w, c = x.shape
        pt, ps = self.pt, self.ps
        x = x.reshape(b, t // pt, pt, h // ps, ps, w // ps, ps, c)
        x = x.permute(0, 1, 3, 5, 7, 2, 4, 6)
        return x.reshape(b, t // pt, h // ps, w // ps, c * pt * ps * ps)


def unpatchify(x: torch.Tensor, pt: int, ps: int, c: int) -> torch.Tensor:
    """unpatchify: [B, t, h, w, (row, column, time offset, channel)] -> [B, T, H, W, C]."""
    b, t, h, w, _ = x.shape
    x = x.reshape(b, t, h, w, ps, ps, pt, c).permute(0, 1, 6, 2, 4, 3, 5, 7)
    return x.reshape(b, t * pt, h * ps, w * ps, c)


class PatchEmbed(nn.Module):
    """x_embedder: proj.0 patchifies, proj.1 is the Linear(InChannels*p, D) without bias."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        p = cfg.patch_temporal * cfg.patch_spatial * cfg.patch_spatial
        self.proj = nn.Sequential(Patchify(cfg.patch_temporal, cfg.patch_spatial),
                                  nn.Linear(cfg.in_channels * p, cfg.model_channels, bias=False, **fk))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class Timesteps(nn.Module):
    """Sinusoidal timestep features [cos(t f_i), sin(t f_i)], f_i = 10000^(-i/(D/2)), computed
    in float32 and cast to the network dtype. Index 0 of t_embedder."""

    def __init__(self, d: int, dtype: torch.dtype, device):
        super().__init__()
        half = d // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float64) / half)
        self.register_buffer("freqs", freqs.to(device=device, dtype=torch.float32), persistent=False)
        self.dtype = dtype

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        arg = t.float()[:, None] * self.freqs[None]
        return torch.cat((torch.cos(arg), torch.sin(arg)), dim=-1).to(self.dtype)


class TimestepEmbedding(nn.Module):
    """t_embedder.1: Linear(D, D)-SiLU-Linear. With AdaLN-LoRA: no biases, the second layer
    gives the shared 3D modulation term and the sinusoid itself is the embedding; without it
    both layers have biases and the output (D) is the embedding. Returns (emb, lora or None)."""

    def __init__(self, d: int, use_lora: bool, **fk):
        super().__init__()
        self.use_lora = use_lora
        self.linear_1 = nn.Linear(d, d, bias=not use_lora, **fk)
        self.linear_2 = nn.Linear(d, 3 * d if use_lora else d, bias=not use_lora, **fk)

    def forward(self, sinusoid: torch.Tensor):
        hidden = F.silu(self.linear_1(sinusoid))
        if self.use_lora:
            return sinusoid, self.linear_2(hidden)
        return self.linear_2(hidden), None


class LearnablePosEmbAxis(nn.Module):
    """extra_pos_embedder: per-axis tables cropped to (t, h, w), summed, divided by
    (RMS over the width + eps); returns [1, t*h*w, D]."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        d = cfg.model_channels
        self.pos_emb_t = nn.Parameter(torch.empty(cfg.patched_max(0), d, **fk))
        self.pos_emb_h = nn.Parameter(torch.empty(cfg.patched_max(1), d, **fk))
        self.pos_emb_w = nn.Parameter(torch.empty(cfg.patched_max(2), d, **fk))

    def forward(self, t: int, h: int, w: int) -> torch.Tensor:
        dt = self.pos_emb_t.dtype
        f = torch.float32  # summed and normalized in float32, as ours
        e = self.pos_emb_t[:t, None, None].to(f) + self.pos_emb_h[None, :h, None].to(f) + self.pos_emb_w[None, None, :w].to(f)
        e = e / (e.pow(2).mean(-1, keepdim=True).sqrt() + NORM_EPS)
        return e.reshape(1, t * h * w, e.shape[-1]).to(dt)


class VideoRope3D(nn.Module):
    """RopeAngles: FPS-aware 3-D RoPE. The head is split time | height | width
    (hd - 2*(hd/6*2), hd/6*2, hd/6*2 channels), each axis with NTK-extrapolated frequencies
    1/theta^(2i/n), theta = 10000 * r^(n/(n-2)); the temporal position of frame k is
    k * base_fps / fps. Returns cos and sin [B, t*h*w, 1, hd] in the network dtype."""

    def __init__(self, cfg: Config, dtype: torch.dtype, device):
        super().__init__()
        hd = cfg.head_dim
        dh = hd // 6 * 2
        dt = hd - 2 * dh

        def freqs(n: int, r: float) -> torch.Tensor:
            theta = 10000 * r ** (n / (n - 2))
            f = [1 / theta ** (2 * i / n) for i in range(n // 2)]
            return torch.tensor(f, dtype=torch.float32, device=device)

        self.register_buffer("ft", freqs(dt, cfg.rope_t_extrapolation), persistent=False)
        self.register_buffer("fh", freqs(dh, cfg.rope_h_extrapolation), persistent=False)
        self.register_buffer("fw", freqs(dh, cfg.rope_w_extrapolation), persistent=False)
        self.base_fps = cfg.base_fps
        self.dtype = dtype

    def forward(self, t: int, h: int, w: int, fps: Optional[torch.Tensor], batch: int):
        dev = self.ft.device
        at = torch.arange(t, device=dev, dtype=torch.float32)[:, None] * self.ft  # [t, dt/2]
        at = at[None].expand(batch, -1, -1)
        if fps is not None:
            at = at * (self.base_fps / fps.float())[:, None, None]
        ah = torch.arange(h, device=dev, dtype=torch.float32)[:, None] * self.fh
        aw = torch.arange(w, device=dev, dtype=torch.float32)[:, None] * self.fw
        shape = (batch, t, h, w)
        half = torch.cat((at[:, :, None, None, :].expand(*shape, -1),
                          ah[None, None, :, None, :].expand(*shape, -1),
                          aw[None, None, None, :, :].expand(*shape, -1)), dim=-1)
        angles = torch.cat((half, half), dim=-1).reshape(batch, t * h * w, 1, -1)
        return torch.cos(angles).to(self.dtype), torch.sin(angles).to(self.dtype)


class Attention(nn.Module):
    """attention: q/k/v projections without bias, per-head RMSNorm on q and k (to_q.1,
    to_k.1), RoPE on q and k for self-attention, softmax attention, output projection."""

    def __init__(self, d: int, kv_dim: int, heads: int, **fk):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.to_q = nn.Sequential(nn.Linear(d, d, bias=False, **fk), RMSNorm(self.hd, **fk))
        self.to_k = nn.Sequential(nn.Linear(kv_dim, d, bias=False, **fk), RMSNorm(self.hd, **fk))
        self.to_v = nn.Sequential(nn.Linear(kv_dim, d, bias=False, **fk))
        self.to_out = nn.Sequential(nn.Linear(d, d, bias=False, **fk))

    def forward(self, x: torch.Tensor, ctx: torch.Tensor, rope=None) -> torch.Tensor:
        b, l, d = x.shape
        m = ctx.shape[1]
        q = self.to_q[1](self.to_q[0](x).view(b, l, self.heads, self.hd))
        k = self.to_k[1](self.to_k[0](ctx).view(b, m, self.heads, self.hd))
        v = self.to_v[0](ctx).view(b, m, self.heads, self.hd)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        out = attention_core(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        return self.to_out[0](out.transpose(1, 2).reshape(b, l, d))


class AttnBody(nn.Module):
    """The "block" of an attention sub-block (holds attn, as our scope .../block/attn)."""

    def __init__(self, d: int, kv_dim: int, heads: int, **fk):
        super().__init__()
        self.attn = Attention(d, kv_dim, heads, **fk)


class MLP(nn.Module):
    """The "block" of the MLP sub-block: layer1 (D -> rD), exact GELU, layer2, no biases."""

    def __init__(self, d: int, ratio: int, **fk):
        super().__init__()
        self.layer1 = nn.Linear(d, ratio * d, bias=False, **fk)
        self.layer2 = nn.Linear(ratio * d, d, bias=False, **fk)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.layer2(F.gelu(self.layer1(y)))


def adaln_modulation(d: int, r: int, chunks: int, **fk) -> nn.Sequential:
    """adaLN_modulation: SiLU, then Linear(D, r)-Linear(r, chunks*D) (AdaLN-LoRA, r > 0) or
    Linear(D, chunks*D) (full adaLN), no biases; the last linear starts at zero."""
    if r > 0:
        return nn.Sequential(nn.SiLU(), nn.Linear(d, r, bias=False, **fk), nn.Linear(r, chunks * d, bias=False, **fk))
    return nn.Sequential(nn.SiLU(), nn.Linear(d, chunks * d, bias=False, **fk))


def modulation(mod: nn.Sequential, emb, lora, chunks: int):
    """Runs an adaLN modulation and splits it into chunks of [B, 1, D] (shift, scale[, gate]);
    with AdaLN-LoRA the shared term lora[:, :chunks*D] is added first."""
    m = mod(emb)
    if lora is not None:
        m = m + lora[:, : m.shape[-1]]
    return m.unsqueeze(1).chunk(chunks, dim=-1)


class SubBlock(nn.Module):
    """One of the three sub-blocks of a block ("FA", "CA" or "MLP"): adaLN shift/scale/gate
    around LayerNorm(no affine) and its body."""

    def __init__(self, kind: str, cfg: Config, **fk):
        super().__init__()
        d = cfg.model_channels
        self.kind = kind
        self.adaLN_modulation = adaln_modulation(d, cfg.adaln_lora_dim, 3, **fk)
        if kind == "FA":
            self.block = AttnBody(d, d, cfg.num_heads, **fk)
        elif kind == "CA":
            self.block = AttnBody(d, cfg.context_dim, cfg.num_heads, **fk)
        else:
            self.block = MLP(d, cfg.mlp_ratio, **fk)

    def forward(self, x, emb, lora, ctx, rope):
        shift, scale, gate = modulation(self.adaLN_modulation, emb, lora, 3)
        y = modulate(layer_norm_no_affine(x), shift, scale)
        if self.kind == "FA":
            out = self.block.attn(y, y, rope)
        elif self.kind == "CA":
            out = self.block.attn(y, ctx)
        else:
            out = self.block(y)
        return x + gate * out


class DiTBlock(nn.Module):
    """GeneralDITTransformerBlock "FA-CA-MLP": absolute embedding added, then the sub-blocks."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        self.blocks = nn.ModuleList([SubBlock(k, cfg, **fk) for k in ("FA", "CA", "MLP")])

    def forward(self, x, emb, lora, ctx, rope, abs_pos):
        x = x + abs_pos
        for sub in self.blocks:
            x = sub(x, emb, lora, ctx, rope)
        return x


class FinalLayer(nn.Module):
    """final_layer: LayerNorm(no affine), adaLN shift and scale, Linear(D, p*C) no bias."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        d = cfg.model_channels
        p = cfg.patch_temporal * cfg.patch_spatial * cfg.patch_spatial
        self.adaLN_modulation = adaln_modulation(d, cfg.adaln_lora_dim, 2, **fk)
        self.linear = nn.Linear(d, p * cfg.latent_channels, bias=False, **fk)

    def forward(self, x, emb, lora):
        shift, scale = modulation(self.adaLN_modulation, emb, lora, 2)
        return self.linear(modulate(layer_norm_no_affine(x), shift, scale))


class DiT(nn.Module):
    """diffusion.DiT.Forward: F(c_in x, c_noise) for x [B, T, H, W, C] in the network dtype."""

    def __init__(self, cfg: Config, dtype: torch.dtype, device):
        super().__init__()
        fk = {"dtype": dtype, "device": device}
        d = cfg.model_channels
        self.cfg, self.dtype = cfg, dtype
        self.x_embedder = PatchEmbed(cfg, **fk)
        self.t_embedder = nn.Sequential(Timesteps(d, dtype, device), TimestepEmbedding(d, cfg.adaln_lora_dim > 0, **fk))
        self.affline_norm = RMSNorm(d, **fk)
        self.extra_pos_embedder = LearnablePosEmbAxis(cfg, **fk)
        self.rope = VideoRope3D(cfg, dtype, device)
        self.blocks = nn.ModuleDict({f"block{i}": DiTBlock(cfg, **fk) for i in range(cfg.num_blocks)})
        self.final_layer = FinalLayer(cfg, **fk)
        self._init_weights()

    @torch.no_grad()
    def _init_weights(self):
        """Our initializers: Xavier-uniform linears, N(0, 0.02) for the timestep MLP and the
        absolute embeddings, zero biases and last modulation layers, unit norm scales."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        for lin in (self.t_embedder[1].linear_1, self.t_embedder[1].linear_2):
            nn.init.normal_(lin.weight, std=0.02)
        for p in self.extra_pos_embedder.parameters():
            nn.init.normal_(p, std=0.02)
        for m in self.modules():
            if isinstance(m, (SubBlock, FinalLayer)):
                nn.init.zeros_(m.adaLN_modulation[-1].weight)

    def forward(self, x, timestep, context, fps=None, padding_mask=None, condition_mask=None):
        c = self.cfg
        b, t, h, w, _ = x.shape
        pt, ps = c.patch_temporal, c.patch_spatial
        tp, hp, wp = t // pt, h // ps, w // ps
        parts = [x]
        if c.video2world:  # condition-mask channel, then the padding-mask channel (InChannels)
            cm = condition_mask if condition_mask is not None else x.new_zeros(b, t)
            parts.append(cm.to(x.dtype).view(b, t, 1, 1, 1).expand(b, t, h, w, 1))
        pm = padding_mask if padding_mask is not None else x.new_zeros(b, h, w)
        parts.append(pm.to(x.dtype).view(b, 1, h, w, 1).expand(b, t, h, w, 1))
        x = torch.cat(parts, dim=-1)

        tokens = self.x_embedder(x).reshape(b, tp * hp * wp, c.model_channels)
        emb, lora = self.t_embedder(timestep)
        emb = self.affline_norm(emb)
        rope = self.rope(tp, hp, wp, fps, b)
        abs_pos = self.extra_pos_embedder(tp, hp, wp)
        ctx = context.to(x.dtype)
        for blk in self.blocks.values():
            tokens = blk(tokens, emb, lora, ctx, rope, abs_pos)
        out = self.final_layer(tokens, emb, lora)
        return unpatchify(out.reshape(b, tp, hp, wp, -1), pt, ps, c.latent_channels)


def go_param_path(torch_name: str) -> str:
    """Our variable path of a parameter of DiT: "blocks.block0.blocks.1.block.attn.to_q.0.weight"
    -> "/blocks/block0/blocks/1/block/attn/to_q/0/weights"."""
    parts = torch_name.split(".")
    parts[-1] = {"weight": "weights", "bias": "biases"}.get(parts[-1], parts[-1])
    return "/" + "/".join(parts)


# --------------------------------------------------------------------------------------------
# EDM: diffusion.DiT.Denoise and TrainLoss with DefaultTrainOptions.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class TrainOptions:
    """diffusion.DefaultTrainOptions (Cosmos's settings). ImageWeight is unused: the benchmark
    batch has no image tensors, as ours."""

    p_mean: float = 0.0
    p_std: float = 1.0
    text_dropout: float = 0.2
    cond_frames: tuple = (0, 1, 2)
    aug_p_mean: float = -3.0
    aug_p_std: float = 2.0


class EDM(nn.Module):
    """The preconditioned denoiser around the network (float32 arithmetic) and its loss."""

    def __init__(self, cfg: Config, net: DiT, opts: TrainOptions):
        super().__init__()
        self.cfg, self.net, self.opts = cfg, net, opts
        dev = net.final_layer.linear.weight.device
        self.register_buffer("cond_choices", torch.tensor(opts.cond_frames, dtype=torch.int64, device=dev),
                             persistent=False)

    @staticmethod
    def residual_base(mask: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
        """residualBase: the last condition frame repeated over the generated frames."""
        b, t = mask.shape
        mask = mask.to(latent.dtype)
        nxt = torch.cat((mask[:, 1:], mask.new_zeros(b, 1)), dim=1)
        frame = torch.einsum("bt,bthwc->bhwc", mask - nxt, latent)
        return (1 - mask).view(b, t, 1, 1, 1) * frame.unsqueeze(1)

    def denoise(self, x, sigma, context, fps, padding, cond_mask=None, cond_latent=None,
                aug_latent=None, aug_sigma=None) -> torch.Tensor:
        """Denoise: D(x; sigma) in float32, x [B, T, H, W, C], sigma [B]."""
        sd = self.cfg.sigma_data
        b, t = x.shape[:2]

        def col(v):
            return v.view(b, 1, 1, 1, 1)

        denom = sigma * sigma + sd * sd
        c_skip = col(sd * sd / denom)
        c_out = col(sigma / denom.sqrt() * sd)
        c_in = col(denom.rsqrt())
        c_noise = sigma.log() * 0.25
        frame_mask = base = None
        if cond_mask is not None and self.cfg.residual_condition:
            base = self.residual_base(cond_mask, cond_latent)
            x = x - base
        if cond_mask is not None:
            usable = (aug_sigma < sigma).to(cond_mask.dtype)
            frame_mask = cond_mask.view(b, t, 1, 1, 1) * col(usable)
            aug_in = (aug_sigma * aug_sigma + sd * sd).rsqrt()
            given = aug_latent * (col(aug_in) / c_in)
            x = frame_mask * given + (1 - frame_mask) * x
        out = self.net((x * c_in).to(self.net.dtype), c_noise, context, fps, padding, cond_mask).float()
        d = c_skip * x + c_out * out
        if base is not None:
            d = d + base
        if frame_mask is not None:
            d = frame_mask * cond_latent + (1 - frame_mask) * d
        return d

    def forward(self, x0, context, fps, padding) -> torch.Tensor:
        """TrainLoss (domainLoss of a video batch): the EDM loss of one training step."""
        cfg, o = self.cfg, self.opts
        b, t = x0.shape[:2]
        dev = x0.device
        sigma = torch.exp(torch.randn(b, device=dev) * o.p_std + o.p_mean).clamp(cfg.sigma_min, cfg.sigma_max)
        xn = x0 + sigma.view(b, 1, 1, 1, 1) * torch.randn_like(x0)
        if o.text_dropout > 0:
            keep = (torch.rand(b, device=dev) >= o.text_dropout).to(context.dtype)
            context = context * keep.view(b, 1, 1)
        cond = {}
        if cfg.video2world:
            pick = torch.randint(0, self.cond_choices.numel(), (b,), device=dev)
            counts = self.cond_choices[pick].clamp(max=t - 1)
            mask = (torch.arange(t, device=dev)[None, :] < counts[:, None]).float()
            aug_sigma = torch.exp(torch.randn(b, device=dev) * o.aug_p_std + o.aug_p_mean)
            cond = {"cond_mask": mask, "cond_latent": x0, "aug_sigma": aug_sigma,
                    "aug_latent": x0 + aug_sigma.view(b, 1, 1, 1, 1) * torch.randn_like(x0)}
        d = self.denoise(xn, sigma, context, fps, padding, **cond)
        sd2 = cfg.sigma_data ** 2
        weight = (sigma * sigma + sd2) / (sigma * sigma * sd2)
        per_sample = (d - x0).pow(2).mean(dim=(1, 2, 3, 4))
        return (weight * per_sample).mean()


# --------------------------------------------------------------------------------------------
# Training step: train.Trainer with train.DefaultConfig (lr as bench.RunDiTStep sets it).
# --------------------------------------------------------------------------------------------


class Trainer:
    """forward + backward, global-norm clipping, AdamW, weight EMA; step() returns the loss
    and the gradient norm on the host (the synchronisation point, as TrainStep)."""

    LR, BETAS, EPS, WEIGHT_DECAY, GRAD_CLIP, EMA_DECAY = 1e-4, (0.9, 0.999), 1e-8, 0.01, 1.0, 0.999

    def __init__(self, loss_fn, params: list, device: torch.device):
        self.loss_fn, self.params = loss_fn, params
        kw = dict(lr=self.LR, betas=self.BETAS, eps=self.EPS, weight_decay=self.WEIGHT_DECAY)
        self.opt = None
        if device.type == "cuda":
            try:
                self.opt = torch.optim.AdamW(params, fused=True, **kw)
            except (TypeError, RuntimeError):
                self.opt = None
        if self.opt is None:
            self.opt = torch.optim.AdamW(params, **kw)
        # ema_0 = the weights before the first update, as our first step does.
        self.ema = [p.detach().clone() for p in params]
        self.steps = 0

    def step(self, batch) -> tuple:
        loss = self.loss_fn(*batch)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.params, self.GRAD_CLIP)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            s = self.steps + 1
            w = 1 - min(self.EMA_DECAY, (s + 1) / (s + 10))
            if hasattr(torch, "_foreach_lerp_"):
                torch._foreach_lerp_(self.ema, self.params, w)
            else:
                for e, p in zip(self.ema, self.params):
                    e.lerp_(p, w)
        self.steps += 1
        loss_v, norm_v = torch.stack((loss.detach().float(), norm.detach().float())).tolist()
        return loss_v, norm_v


# --------------------------------------------------------------------------------------------
# Sampling: Sampler.Generate with the multistep sampler and guidance (bench.timeSampling).
# --------------------------------------------------------------------------------------------


def karras_sigmas(n: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> list:
    a, b = sigma_max ** (1 / rho), sigma_min ** (1 / rho)
    return [(a + (i / (n - 1) if n > 1 else 0.0) * (b - a)) ** rho for i in range(n)] + [0.0]


class SampleBench:
    """One video generated with classifier-free guidance: each evaluation runs the conditional
    and unconditional denoiser as a batch of two; Video2World conditions on min(2, T-1)
    frames of a random latent with augmentation sigma 0.001, as bench.timeSampling."""

    GUIDANCE = 7.0

    def __init__(self, cfg: Config, denoise_fn, t: int, h: int, w: int, ctx_len: int, device):
        self.cfg, self.denoise_fn = cfg, denoise_fn
        c = cfg.latent_channels
        self.shape = (1, t, h, w, c)
        ctx = torch.randn(1, ctx_len, cfg.context_dim, device=device)
        self.args = {"context": torch.cat((ctx, torch.zeros_like(ctx))),
                     "fps": torch.full((2,), 24.0, device=device),
                     "padding": torch.zeros(2, h, w, device=device)}
        if cfg.video2world:
            k = min(2, t - 1)
            mask = torch.zeros(2, t, device=device)
            mask[:, :k] = 1
            clean = torch.randn(self.shape, device=device) if k > 0 else torch.zeros(self.shape, device=device)
            aug = clean + 0.001 * torch.randn(self.shape, device=device) if k > 0 else clean
            self.args.update(cond_mask=mask, cond_latent=clean.expand(2, -1, -1, -1, -1).contiguous(),
                             aug_latent=aug.expand(2, -1, -1, -1, -1).contiguous(),
                             aug_sigma=torch.full((2,), 0.001, device=device))
        self.noise = torch.randn(self.shape, device=device)
        self.device = device

    def generate(self, steps: int) -> torch.Tensor:
        """The multistep (DPM-Solver++(2M)) sampler over the Karras schedule: steps evaluations."""
        smin = self.cfg.sample_sigma_min if self.cfg.sample_sigma_min > 0 else 0.002
        sigmas = karras_sigmas(steps, smin, 80.0)
        x = self.noise * sigmas[0]
        prev_d, prev_h = None, 0.0
        for i in range(steps):
            s, nxt = sigmas[i], sigmas[i + 1]
            both = self.denoise_fn(x.expand(2, -1, -1, -1, -1), torch.full((2,), s, device=self.device), **self.args)
            cond, uncond = both[:1], both[1:]
            d = cond + self.GUIDANCE * (cond - uncond)
            if nxt == 0:
                return d
            h = math.log(s) - math.log(nxt)
            eff = d
            if prev_d is not None:
                r = prev_h / h
                eff = (1 + 1 / (2 * r)) * d - (1 / (2 * r)) * prev_d
            ratio = nxt / s
            x = ratio * x + (1 - ratio) * eff
            prev_d, prev_h = d, h
        return x


# --------------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------------


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def parse_latent(s: str) -> tuple:
    try:
        t, h, w = (int(v) for v in s.split(","))
    except ValueError:
        raise BenchError(f"--latent: want T,H,W (three integers), got {s!r}") from None
    return t, h, w


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="diffusion.Config JSON file (wfm bench diffusion --config-out)")
    p.add_argument("--batch", type=int, default=2, help="videos per training step (default 2)")
    p.add_argument("--latent", default="5,8,8", help="latent frames,height,width (default 5,8,8)")
    p.add_argument("--context-len", type=int, default=0, help="text tokens (default: the config's context_len)")
    p.add_argument("--steps", type=int, default=10, help="timed training steps (default 10)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps after the first (default 2)")
    p.add_argument("--mode", choices=("eager", "compile"), default="eager",
                   help="eager, or torch.compile of the model and loss (forward and backward graphs)")
    p.add_argument("--compile-mode", choices=("default", "reduce-overhead", "max-autotune"), default="default",
                   help="torch.compile mode with --mode compile (default: default)")
    p.add_argument("--dtype", choices=("float32", "bfloat16"), default=None,
                   help="network dtype (default: the config's dtype, else float32)")
    p.add_argument("--sample-evals", type=int, default=0, help="also time N guided sampling evaluations")
    p.add_argument("--device", choices=("cuda", "cpu"), default=None, help="default: cuda when available")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads (torch.set_num_threads; default: PyTorch's choice)")
    p.add_argument("--print-params", action="store_true",
                   help="list the parameters under our variable paths with their shapes, then exit")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def check_args(args, cfg: Config) -> tuple:
    t, h, w = parse_latent(args.latent)
    ctx_len = args.context_len or cfg.context_len
    pt, ps = cfg.patch_temporal, cfg.patch_spatial
    if args.batch <= 0:
        raise BenchError(f"--batch: must be > 0, got {args.batch}")
    if t <= 0 or h <= 0 or w <= 0:
        raise BenchError(f"--latent: must be positive, got {t}x{h}x{w}")
    if t % pt or h % ps or w % ps:
        raise BenchError(f"--latent: {t}x{h}x{w} not divisible by the patch {pt}x{ps}x{ps}")
    if t // pt > cfg.patched_max(0) or h // ps > cfg.patched_max(1) or w // ps > cfg.patched_max(2):
        raise BenchError(f"--latent: {t}x{h}x{w} exceeds the model's maximum "
                         f"{cfg.max_latent_frames}x{cfg.max_latent_height}x{cfg.max_latent_width}")
    if ctx_len <= 0:
        raise BenchError(f"--context-len: must be > 0, got {ctx_len}")
    if args.steps <= 0:
        raise BenchError(f"--steps: must be > 0, got {args.steps}")
    if args.warmup < 0 or args.sample_evals < 0:
        raise BenchError("--warmup and --sample-evals must be >= 0")
    return t, h, w, ctx_len


def run(args) -> dict:
    cfg = load_config(args.config)
    t, h, w, ctx_len = check_args(args, cfg)
    dtype_name = args.dtype or cfg.dtype or "float32"
    dtype = torch.bfloat16 if dtype_name == "bfloat16" else torch.float32
    if args.device == "cuda" and not torch.cuda.is_available():
        raise BenchError("--device cuda: no CUDA device is available to this PyTorch")
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if args.mode == "compile" and not hasattr(torch, "compile"):
        raise BenchError(f"--mode compile needs PyTorch 2.0 or newer, this is {torch.__version__}")
    # XLA uses TF32 for float32 matmuls and convolutions on GPUs by default; so do we. Only the
    # legacy flags are set: PyTorch 2.9+ warns that they are deprecated, but mixing them with the
    # new fp32_precision API makes Inductor's legacy reads raise in those versions.
    warnings.filterwarnings("ignore", message="Please use the new API settings to control TF32")
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(args.seed)
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    net = DiT(cfg, dtype, device)
    named = list(net.named_parameters())
    if args.print_params:
        for name, p in named:
            print(go_param_path(name), list(p.shape))
        print("TOTAL", sum(p.numel() for _, p in named), "ParamCount", cfg.param_count())
        return {}
    params = [p for _, p in named]
    n_params = sum(p.numel() for p in params)
    if n_params != cfg.param_count():
        print(f"dit_bench: warning: {n_params} parameters, Config.ParamCount formula says {cfg.param_count()}",
              file=sys.stderr)
    edm = EDM(cfg, net, TrainOptions())
    compile_kw = {"mode": args.compile_mode}
    loss_fn = torch.compile(edm, **compile_kw) if args.mode == "compile" else edm
    trainer = Trainer(loss_fn, params, device)

    b, c = args.batch, cfg.latent_channels
    batch = (torch.randn(b, t, h, w, c, device=device),
             torch.randn(b, ctx_len, cfg.context_dim, device=device),
             torch.full((b,), 24.0, device=device),
             torch.zeros(b, h, w, device=device))

    def timed_step():
        start = time.perf_counter()
        loss, _ = trainer.step(batch)
        if not math.isfinite(loss):
            raise BenchError(f"loss is {loss}")
        return time.perf_counter() - start, loss

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    compile_s, first_loss = timed_step()
    for _ in range(args.warmup):
        timed_step()
    times, last_loss = [], first_loss
    for _ in range(args.steps):
        dt, last_loss = timed_step()
        times.append(dt)
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    step_flops = 3 * cfg.forward_flops(b, t, h, w, ctx_len)
    median = statistics.median(times)
    res = {
        "params": n_params,
        "step_s_median": median,
        "step_s_mean": statistics.fmean(times),
        "step_s_min": min(times),
        "step_s_max": max(times),
        "compile_s": compile_s,
        "sample_evals_per_s": None,
        "peak_mem_bytes": peak,
        "gflops": step_flops / median / 1e9,
        "step_flops": step_flops,
        "first_loss": first_loss,
        "last_loss": last_loss,
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or platform.machine()) + " CPU",
        "mode": args.mode if args.mode == "eager" else f"compile:{args.compile_mode}",
        "dtype": dtype_name,
        "config": cfg.name,
        "batch": b,
        "latent": [t, h, w],
        "context_len": ctx_len,
        "steps": args.steps,
        "warmup": args.warmup,
        "attention": "sdpa" if _HAS_SDPA else "matmul-softmax",
        "threads": torch.get_num_threads(),
    }

    if args.sample_evals > 0:
        net.eval()
        if args.mode == "compile":
            denoise_fn, grad_ctx = torch.compile(edm.denoise, **compile_kw), torch.no_grad
        else:
            denoise_fn, grad_ctx = edm.denoise, torch.inference_mode
        sampler = SampleBench(cfg, denoise_fn, t, h, w, ctx_len, device)
        with grad_ctx():
            start = time.perf_counter()
            sampler.generate(1)  # compiles (untimed), as bench.timeSampling
            sync(device)
            res["sample_compile_s"] = time.perf_counter() - start
            start = time.perf_counter()
            sampler.generate(args.sample_evals)
            sync(device)
            sec = time.perf_counter() - start
        res["sample_evals"] = args.sample_evals
        res["sample_evals_per_s"] = args.sample_evals / sec
        res["sample_forward_gflops"] = cfg.forward_flops(2, t, h, w, ctx_len) * args.sample_evals / sec / 1e9
    return res


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        res = run(args)
    except BenchError as e:
        print(f"dit_bench: error: {e}", file=sys.stderr)
        return 2
    if not res:
        return 0
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{res['config']} {res['mode']} {res['dtype']} on {res['device']} (torch {res['torch']}): "
              f"{res['params']} params, batch {res['batch']}, latent {res['latent']}, context {res['context_len']}")
        print(f"  first step {res['compile_s']:.3f} s; step median {res['step_s_median'] * 1e3:.2f} ms, "
              f"mean {res['step_s_mean'] * 1e3:.2f} ms; {res['gflops']:.1f} GFLOP/s (3x forward matmuls)")
        if res["peak_mem_bytes"] is not None:
            print(f"  peak memory {res['peak_mem_bytes'] / 2**20:.1f} MiB")
        if res["sample_evals_per_s"] is not None:
            print(f"  sampling: {res['sample_evals_per_s']:.2f} guided evaluations/s")
        print(f"  loss {res['first_loss']:.4f} -> {res['last_loss']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
