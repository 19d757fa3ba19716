#!/usr/bin/env python3
"""PyTorch timing replica of the autoregressive world model's greedy KV-cache decoding.

TIMING REPLICA, written from our Go code (autoregressive/model.go, rope.go, cache.go and
bench/autoregressive.go). It exists to compare the decode speed `wfm bench autoregressive`
reports (bench.Autoregressive) with PyTorch eager on the same CPU or GPU. It builds the decoder
of an autoregressive.Config tensor for tensor (the same parameters under our variable paths,
listed by --print-params; TestTorchARReplica checks them against ours) and runs the same loop:
a prefill of --context random tokens, then --new tokens, one forward pass each, every token the
argmax of the last logits. It is not a numerical port: weights are random (N(0, 0.02^2) as ours,
drawn by torch), and nothing here reads our checkpoints.

The decoder (autoregressive.Model):
  * token embeddings [V, d]; with abs_pos_emb the parameter-free sine-cosine embedding of each
    token's (t, h, w) added;
  * num_layers blocks, each pre-norm (RMSNorm):
      - self-attention: wq [H*hd, d], wk and wv [KV*hd, d], wo [d, H*hd], no biases; with
        qk_norm an RMSNorm [hd] of each head's query and key; the 3-D RoPE (time, height, width
        channels split as hd - 2*(hd//6*2), hd//6*2, hd//6*2; rotate-half layout; YaRN-stretched
        temporal frequencies and the 0.1 ln(s) + 1 magnitude when yarn_scale > 1); grouped-query
        attention (H/KV query heads share a key/value head, never repeated);
      - with cross_attn, attention to random text embeddings [B, S, text_dim] (keys and values
        projected once per sequence, as Decoder.SetText does);
      - SwiGLU MLP w2(SiLU(w1 x) * w3 x), no biases;
  * a final RMSNorm and the lm head output [V, d]; Medusa blocks (medusa_heads > 0) are built
    so that the parameter count is ours, but plain decoding does not run them.

The decode loop (bench.Autoregressive): the key/value cache is one preallocated tensor per
layer, [B, KV, capacity, hd] (capacity = the grid's tokens); the prefill writes the context's
keys and values and returns the last position's logits; each step writes one token's and
attends to the filled prefix cache[:, :, :pos+1] (with --full-cache, to the whole capacity
with a mask, as ours). Greedy: argmax of the logits on the device.

Differences from ours that are deliberate (what a competent PyTorch user would write):
  * attention is F.scaled_dot_product_attention with enable_gqa where the installed PyTorch has
    it (2.5+), else q grouped per key/value head, matmul, softmax, matmul (1.13);
  * the chosen token stays on the device and feeds the next step; on CUDA nothing waits for the
    host until the end (ours copies each step's logits to the host and picks there). On CUDA
    the per-step median is therefore only reported with --sync-steps.
  * RMSNorm is F.rms_norm where present (2.4+), else the formula written out.

Precision: float32 as ours; TF32 matmuls on CUDA (XLA's GPU default) unless --no-tf32.

Usage:

  wfm bench autoregressive --preset small --context 64 --new 192 --dump-config ar.json
  /usr/bin/python3 bench/torch/ar_decode_bench.py --config ar.json --context 64 --new 192 \\
      --threads 2 --device cpu --json

--config is a file (autoregressive.Config JSON, model.json, or `wfm bench autoregressive
--json`'s output) or the JSON itself. The grid defaults as ours (bench.ARGrid: frames of
max_h x max_w, as few as hold context + new tokens); --grid T,H,W sets it. The JSON keys of the
result are ours (prefill_seconds, decode_tokens_per_second, ms_per_token, ...).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

INIT_STD = 0.02  # autoregressive.InitStdDev (nn.InitStdDev)
DATA_SEED = 1  # bench.dataSeed
TEXT_LEN = 512  # bench.arTextLen

_HAS_RMS_NORM = hasattr(F, "rms_norm")


def _sdpa_has_gqa() -> bool:
    if not hasattr(F, "scaled_dot_product_attention"):
        return False
    try:
        q = torch.zeros(1, 2, 1, 4)
        F.scaled_dot_product_attention(q, torch.zeros(1, 1, 1, 4), torch.zeros(1, 1, 1, 4), enable_gqa=True)
        return True
    except (TypeError, RuntimeError):
        return False


_SDPA_GQA = _sdpa_has_gqa()


class BenchError(Exception):
    """A bad argument or configuration, reported without a traceback."""


# --------------------------------------------------------------------------------------------
# Configuration (autoregressive.Config's JSON).
# --------------------------------------------------------------------------------------------

FIELDS = {  # JSON name: (type, default)
    "name": (str, ""), "vocab_size": (int, 0), "d_model": (int, 0), "num_layers": (int, 0),
    "num_heads": (int, 0), "num_kv_heads": (int, 0), "head_dim": (int, 0), "ffn_dim": (int, 0),
    "norm_epsilon": (float, 0.0), "qk_norm": (bool, False), "rope_theta": (float, 0.0),
    "max_t": (int, 0), "max_h": (int, 0), "max_w": (int, 0), "yarn_scale": (float, 0.0),
    "yarn_original_t": (int, 0), "yarn_beta_fast": (float, 0.0), "yarn_beta_slow": (float, 0.0),
    "abs_pos_emb": (bool, False), "cross_attn": (bool, False), "text_dim": (int, 0),
    "medusa_heads": (int, 0),
}


class Config(dict):
    """autoregressive.Config: its JSON fields as attributes."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(key) from e

    @property
    def hd(self) -> int:
        return self.head_dim if self.head_dim > 0 else self.d_model // self.num_heads


def parse_config(data, where: str) -> Config:
    """Config from decoded JSON: the Config itself, or `wfm bench autoregressive --json`'s
    output (result.config), or an ARResult (config)."""
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    if isinstance(data, dict) and isinstance(data.get("config"), dict):
        data = data["config"]
    if not isinstance(data, dict):
        raise BenchError(f"{where}: not an autoregressive configuration (a JSON object)")
    cfg = Config()
    for key, (typ, default) in FIELDS.items():
        v = data.get(key, default)
        if typ is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
            raise BenchError(f"{where}: field {key}: want {typ.__name__}, got {v!r}")
        cfg[key] = v
    validate(cfg, where)
    return cfg


def validate(c: Config, where: str) -> None:
    """The checks of autoregressive.Config.Validate that the replica relies on."""
    for key in ("vocab_size", "d_model", "num_layers", "num_heads", "num_kv_heads", "ffn_dim", "max_t", "max_h", "max_w"):
        if c[key] <= 0:
            raise BenchError(f"{where}: field {key}: must be > 0, got {c[key]}")
    if c.num_heads % c.num_kv_heads != 0:
        raise BenchError(f"{where}: field num_kv_heads: {c.num_heads} query heads are not a multiple of {c.num_kv_heads}")
    if c.head_dim == 0 and c.d_model % c.num_heads != 0:
        raise BenchError(f"{where}: field num_heads: d_model {c.d_model} is not divisible by {c.num_heads} heads")
    if c.hd % 2 != 0 or c.hd < 12:
        raise BenchError(f"{where}: field head_dim: the 3-D RoPE needs an even head width >= 12, got {c.hd}")
    if not c.norm_epsilon > 0 or not c.rope_theta > 1:
        raise BenchError(f"{where}: fields norm_epsilon and rope_theta: want > 0 and > 1")
    if c.yarn_scale != 0 and (c.yarn_scale < 1 or c.yarn_original_t <= 0 or not 0 < c.yarn_beta_slow < c.yarn_beta_fast):
        raise BenchError(f"{where}: yarn fields: want yarn_scale >= 1, yarn_original_t > 0, 0 < beta_slow < beta_fast")
    if c.cross_attn and c.text_dim <= 0:
        raise BenchError(f"{where}: field text_dim: must be > 0 with cross_attn, got {c.text_dim}")
    if c.medusa_heads < 0:
        raise BenchError(f"{where}: field medusa_heads: must be >= 0, got {c.medusa_heads}")


def load_config(arg: str) -> Config:
    """--config: a JSON file, or the JSON text itself (starting with '{')."""
    if arg.lstrip().startswith("{"):
        where, text = "--config", arg
    else:
        where = arg
        if os.path.isdir(arg):
            arg = where = os.path.join(arg, "model.json")
        try:
            with open(arg, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise BenchError(f"--config {arg}: {e.strerror}") from e
    try:
        data = json.loads(text)
    except ValueError as e:
        raise BenchError(f"{where}: not JSON: {e}") from e
    return parse_config(data, where)


# --------------------------------------------------------------------------------------------
# The 3-D RoPE and position embedding (autoregressive/rope.go).
# --------------------------------------------------------------------------------------------


def rope_split(hd: int) -> tuple:
    dh = hd // 6 * 2
    return hd - 2 * dh, dh, dh


def axis_frequencies(n: int, theta: float) -> list:
    return [theta ** (-(2 * i) / n) for i in range(n // 2)]


def yarn_frequencies(f: list, scale: float, orig: int, beta_fast: float, beta_slow: float) -> list:
    if scale <= 1:
        return list(f)
    low, high = 2 * math.pi * beta_slow / orig, 2 * math.pi * beta_fast / orig
    out = []
    for v in f:
        keep = min(max((v - low) / (high - low), 0.0), 1.0)
        out.append(v * ((1 - keep) / scale + keep))
    return out


def grid_coordinates(positions: torch.Tensor, grid: tuple) -> tuple:
    _, h, w = grid
    t = torch.div(positions, h * w, rounding_mode="floor")
    in_frame = positions % (h * w)
    return t.float(), torch.div(in_frame, w, rounding_mode="floor").float(), (in_frame % w).float()


def rope_cos_sin(c: Config, positions: torch.Tensor, grid: tuple) -> tuple:
    """cos, sin [L, hd] at the flattened grid positions (Config.ropeCosSin)."""
    dt, dh, dw = rope_split(c.hd)
    ft = axis_frequencies(dt, c.rope_theta)
    if c.yarn_scale > 1:
        ft = yarn_frequencies(ft, c.yarn_scale, c.yarn_original_t, c.yarn_beta_fast, c.yarn_beta_slow)
    fh, fw = axis_frequencies(dh, c.rope_theta), axis_frequencies(dw, c.rope_theta)
    t, h, w = grid_coordinates(positions, grid)
    dev = positions.device
    half = torch.cat([t[:, None] * torch.tensor(ft, dtype=torch.float32, device=dev)[None],
                      h[:, None] * torch.tensor(fh, dtype=torch.float32, device=dev)[None],
                      w[:, None] * torch.tensor(fw, dtype=torch.float32, device=dev)[None]], -1)
    angles = torch.cat([half, half], -1)
    mag = 0.1 * math.log(c.yarn_scale) + 1 if c.yarn_scale > 1 else 1.0
    return torch.cos(angles) * mag, torch.sin(angles) * mag


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x [B, L, heads, hd] rotated: x cos + rotate_half(x) sin."""
    hd = x.shape[-1]
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    rotated = torch.cat([-x2, x1], -1)
    return x * cos[None, :, None, :] + rotated * sin[None, :, None, :]


def position_embedding(positions: torch.Tensor, grid: tuple, dim: int) -> torch.Tensor:
    """The absolute 3-D sine-cosine embedding [L, dim] (positionEmbedding)."""
    dt, dh, dw = rope_split(dim)
    coords = grid_coordinates(positions, grid)
    parts = []
    for coord, n in zip(coords, (dt, dh, dw)):
        f = torch.tensor(axis_frequencies(n, 10000), dtype=torch.float32, device=positions.device)
        angles = coord[:, None] * f[None]
        parts += [torch.sin(angles), torch.cos(angles)]
    return torch.cat(parts, -1)


# --------------------------------------------------------------------------------------------
# The decoder, parameters named as ours.
# --------------------------------------------------------------------------------------------


class Linear(nn.Module):
    """nn.Linear of ours: weights [out, in], biases [out] when asked for."""

    def __init__(self, d_in: int, d_out: int, bias: bool = False, **fk):
        super().__init__()
        self.weights = nn.Parameter(torch.empty(d_out, d_in, **fk))
        self.biases = nn.Parameter(torch.zeros(d_out, **fk)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weights, self.biases)


class RMSNorm(nn.Module):
    """nn.RMSNorm: x / sqrt(mean(x^2) + eps) * scale."""

    def __init__(self, dim: int, eps: float, **fk):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(dim, **fk))

    def forward(self, x):
        if _HAS_RMS_NORM:
            return F.rms_norm(x, (x.shape[-1],), self.scale, self.eps)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.scale


class Embedding(nn.Module):
    def __init__(self, n: int, dim: int, **fk):
        super().__init__()
        self.embeddings = nn.Parameter(torch.empty(n, dim, **fk))


def grouped_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask) -> torch.Tensor:
    """q [B, H, L, hd], k, v [B, KV, n, hd], mask bool [L, n] or None -> [B, H, L, hd]."""
    if _SDPA_GQA:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    b, h, l, hd = q.shape
    kv = k.shape[1]
    qg = q.reshape(b, kv, (h // kv) * l, hd) * (1.0 / math.sqrt(hd))  # head h = kv*grp + g
    scores = torch.matmul(qg, k.transpose(-2, -1))  # [B, KV, grp*L, n]
    if mask is not None:
        scores = scores.view(b, kv, h // kv, l, -1).masked_fill(~mask, float("-inf")).view(b, kv, (h // kv) * l, -1)
    return torch.matmul(F.softmax(scores, dim=-1), v).view(b, h, l, hd)


class Attention(nn.Module):
    def __init__(self, c: Config, kv_in: int, **fk):
        super().__init__()
        d, hd = c.d_model, c.hd
        self.heads, self.kv_heads, self.hd = c.num_heads, c.num_kv_heads, hd
        self.wq = Linear(d, c.num_heads * hd, **fk)
        self.wk = Linear(kv_in, c.num_kv_heads * hd, **fk)
        self.wv = Linear(kv_in, c.num_kv_heads * hd, **fk)
        self.wo = Linear(c.num_heads * hd, d, **fk)
        if c.qk_norm:
            self.q_norm = RMSNorm(hd, c.norm_epsilon, **fk)
            self.k_norm = RMSNorm(hd, c.norm_epsilon, **fk)
        else:
            self.q_norm = self.k_norm = None

    def query(self, x):
        b, l, _ = x.shape
        q = self.wq(x).view(b, l, self.heads, self.hd)
        return self.q_norm(q) if self.q_norm is not None else q

    def keys_values(self, x):
        b, l, _ = x.shape
        k = self.wk(x).view(b, l, self.kv_heads, self.hd)
        v = self.wv(x).view(b, l, self.kv_heads, self.hd)
        return (self.k_norm(k) if self.k_norm is not None else k), v

    def out(self, o):  # o [B, H, L, hd]
        b, _, l, _ = o.shape
        return self.wo(o.transpose(1, 2).reshape(b, l, self.heads * self.hd))


class Layer(nn.Module):
    def __init__(self, c: Config, **fk):
        super().__init__()
        d = c.d_model
        self.attention_norm = RMSNorm(d, c.norm_epsilon, **fk)
        self.attention = Attention(c, d, **fk)
        if c.cross_attn:
            self.cross_attention_norm = RMSNorm(d, c.norm_epsilon, **fk)
            self.cross_attention = Attention(c, c.text_dim, **fk)
        self.ffn_norm = RMSNorm(d, c.norm_epsilon, **fk)
        self.feed_forward = nn.Module()
        self.feed_forward.w1 = Linear(d, c.ffn_dim, **fk)
        self.feed_forward.w3 = Linear(d, c.ffn_dim, **fk)
        self.feed_forward.w2 = Linear(c.ffn_dim, d, **fk)
        self.cross = c.cross_attn

    def forward(self, x, cos, sin, cache_k, cache_v, pos: int, mask, text_kv, full_cache: bool):
        a = self.attention
        h = self.attention_norm(x)
        l = x.shape[1]
        q = apply_rope(a.query(h), cos, sin).transpose(1, 2)  # [B, H, L, hd]
        k, v = a.keys_values(h)
        cache_k[:, :, pos:pos + l] = apply_rope(k, cos, sin).transpose(1, 2)
        cache_v[:, :, pos:pos + l] = v.transpose(1, 2)
        n = cache_k.shape[2] if full_cache else pos + l
        x = x + a.out(grouped_attention(q, cache_k[:, :, :n], cache_v[:, :, :n], mask))
        if self.cross:
            ca = self.cross_attention
            h = self.cross_attention_norm(x)
            x = x + ca.out(grouped_attention(ca.query(h).transpose(1, 2), text_kv[0], text_kv[1], None))
        ff = self.feed_forward
        h = self.ffn_norm(x)
        return x + ff.w2(F.silu(ff.w1(h)) * ff.w3(h))


class Decoder(nn.Module):
    """autoregressive.Model with a Decoder's cache: ids [B, L] at positions pos..pos+L-1 ->
    the last position's logits [B, V]."""

    def __init__(self, c: Config, device):
        super().__init__()
        fk = {"dtype": torch.float32, "device": device}
        self.c = c
        self.tok_embeddings = Embedding(c.vocab_size, c.d_model, **fk)
        self.layers = nn.ModuleList([Layer(c, **fk) for _ in range(c.num_layers)])
        self.norm = RMSNorm(c.d_model, c.norm_epsilon, **fk)
        self.output = Linear(c.d_model, c.vocab_size, **fk)
        if c.medusa_heads > 0:  # built for the parameter count; plain decoding does not run them
            self.medusa = nn.ModuleList([Linear(c.d_model, c.d_model, True, **fk) for _ in range(c.medusa_heads)])
            for m in self.medusa:
                nn.init.zeros_(m.weights)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if (name.endswith(".weights") and not name.startswith("medusa.")) or name.endswith(".embeddings"):
                    nn.init.normal_(p, std=INIT_STD)

    def new_cache(self, batch: int, capacity: int, device) -> list:
        c = self.c
        shape = (batch, c.num_kv_heads, capacity, c.hd)
        return [(torch.zeros(shape, device=device), torch.zeros(shape, device=device)) for _ in range(c.num_layers)]

    def text_kv(self, text: torch.Tensor) -> list:
        """Per layer the cross-attention keys and values [B, KV, S, hd] (Decoder.SetText)."""
        out = []
        for layer in self.layers:
            k, v = layer.cross_attention.keys_values(text)
            out.append((k.transpose(1, 2).contiguous(), v.transpose(1, 2).contiguous()))
        return out

    def forward(self, ids, pos: int, grid: tuple, cache: list, texts, full_cache: bool = False):
        c = self.c
        l = ids.shape[1]
        positions = torch.arange(pos, pos + l, device=ids.device)
        x = F.embedding(ids, self.tok_embeddings.embeddings)
        if c.abs_pos_emb:
            x = x + position_embedding(positions, grid, c.d_model)[None]
        cos, sin = rope_cos_sin(c, positions, grid)
        capacity = cache[0][0].shape[2]
        n = capacity if full_cache else pos + l
        mask = None
        if full_cache or l > 1:  # key j is visible to the query at position p when j <= p
            mask = torch.arange(n, device=ids.device)[None, :] <= positions[:, None]
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, cache[i][0], cache[i][1], pos, mask, texts[i] if texts else None, full_cache)
        return self.output(self.norm(x[:, -1]))


def go_param_path(name: str) -> str:
    """Our variable path: "layers.0.attention.wq.weights" -> "/layers/0/attention/wq/weights"."""
    return "/" + name.replace(".", "/")


# --------------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------------


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", action="append", required=True,
                   help="autoregressive.Config JSON file (or `wfm bench autoregressive --json` output), or the JSON "
                        "itself; repeatable with --print-params")
    p.add_argument("--vocab", type=int, default=0, help="vocabulary size (default: the configuration's)")
    p.add_argument("--batch", type=int, default=1, help="sequences decoded together (default 1)")
    p.add_argument("--context", type=int, default=64, help="condition tokens per sequence (default 64)")
    p.add_argument("--new", type=int, default=192, help="tokens decoded per sequence, one per step (default 192)")
    p.add_argument("--grid", default="", help="token grid T,H,W (default: max_h x max_w frames, as few as needed)")
    p.add_argument("--text-len", type=int, default=0, help=f"random text tokens with cross_attn (default {TEXT_LEN})")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps after the first prefill (default 2)")
    p.add_argument("--full-cache", action="store_true",
                   help="attend to the whole cache capacity with a mask (as ours) instead of its filled prefix")
    p.add_argument("--sync-steps", action="store_true", help="on CUDA, wait for each step (per-step times)")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: PyTorch's choice)")
    p.add_argument("--device", choices=("cpu", "cuda"), default=None, help="default: cuda when available")
    p.add_argument("--no-tf32", action="store_true", help="on CUDA, keep float32 matmuls in full float32")
    p.add_argument("--seed", type=int, default=DATA_SEED, help="weight and token seed (default 1)")
    p.add_argument("--print-params", action="store_true",
                   help="list each configuration's parameters under our variable paths (built on the meta device: "
                        "no memory), then exit")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def parse_grid(s: str) -> tuple:
    parts = s.split(",")
    try:
        g = tuple(int(x) for x in parts)
    except ValueError:
        g = ()
    if len(g) != 3 or min(g) < 1:
        raise BenchError(f"--grid: want T,H,W of positive integers, got {s!r}")
    return g


def choose_grid(c: Config, tokens: int, arg: str) -> tuple:
    """bench.ARGrid, or --grid; checked against the model's maximum as Model.CheckGrid."""
    if arg:
        g = parse_grid(arg)
    else:
        hw = c.max_h * c.max_w
        g = ((tokens + hw - 1) // hw, c.max_h, c.max_w)
    if g[0] > c.max_t or g[1] > c.max_h or g[2] > c.max_w:
        raise BenchError(f"grid {g[0]}x{g[1]}x{g[2]} exceeds the model's {c.max_t}x{c.max_h}x{c.max_w}")
    if tokens > g[0] * g[1] * g[2]:
        raise BenchError(f"{tokens} tokens exceed the {g[0]}x{g[1]}x{g[2]} grid's {g[0] * g[1] * g[2]}")
    return g


def print_params(cfgs: list) -> dict:
    listings = []
    for c in cfgs:
        net = Decoder(c, torch.device("meta"))
        named = list(net.named_parameters())
        listings.append({"name": c.name, "config": dict(c), "total": sum(p.numel() for _, p in named),
                         "params": [{"name": go_param_path(n), "shape": list(p.shape)} for n, p in named]})
    return {"configs": listings}


def run(args) -> dict:
    cfgs = [load_config(a) for a in args.config]
    if args.vocab:
        for c in cfgs:
            c["vocab_size"] = args.vocab
    if args.print_params:
        return print_params(cfgs)
    if len(cfgs) != 1:
        raise BenchError("--config: give one configuration to time (several only with --print-params)")
    c = cfgs[0]
    for name in ("batch", "context", "new", "warmup"):
        if getattr(args, name) < 1:
            raise BenchError(f"--{name}: must be >= 1, got {getattr(args, name)}")
    if args.threads < 0 or args.text_len < 0:
        raise BenchError("--threads and --text-len: must be >= 0")
    grid = choose_grid(c, args.context + args.new, args.grid)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise BenchError("--device cuda: no CUDA device is available to this PyTorch")
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message="Please use the new API settings to control TF32")
    torch.backends.cuda.matmul.allow_tf32 = not args.no_tf32
    torch.backends.cudnn.allow_tf32 = not args.no_tf32
    torch.manual_seed(args.seed)
    cuda = device.type == "cuda"

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    net = Decoder(c, device).eval()
    n_params = sum(p.numel() for p in net.parameters())
    capacity = grid[0] * grid[1] * grid[2]
    gen = torch.Generator().manual_seed(args.seed)
    prompt = torch.randint(0, c.vocab_size, (args.batch, args.context), generator=gen).to(device)
    text_len = (args.text_len or TEXT_LEN) if c.cross_attn else 0
    with torch.inference_mode():
        texts = None
        if c.cross_attn:
            texts = net.text_kv(torch.randn(args.batch, text_len, c.text_dim, generator=gen).to(device))
        cache = net.new_cache(args.batch, capacity, device)
        out = torch.zeros(args.batch, args.new, dtype=torch.int64, device=device)

        def decode(n: int, step_times):
            """Prefill, then n greedy steps (the token fed at step i is out[:, i])."""
            start = time.perf_counter()
            nxt = net(prompt, 0, grid, cache, texts, args.full_cache).argmax(-1)
            sync()
            prefill = time.perf_counter() - start
            for i in range(n):
                t0 = time.perf_counter()
                out[:, i] = nxt
                nxt = net(nxt[:, None], args.context + i, grid, cache, texts, args.full_cache).argmax(-1)
                if step_times is not None and (not cuda or args.sync_steps):
                    sync()
                    step_times.append(time.perf_counter() - t0)
            return prefill

        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
        start = time.perf_counter()
        decode(min(args.warmup, args.new), None)
        sync()
        compile_s = time.perf_counter() - start
        steps = []
        start = time.perf_counter()
        prefill_s = decode(args.new, steps)
        sync()
        decode_s = time.perf_counter() - start - prefill_s
        checksum = int(out.sum().item())
    peak = torch.cuda.max_memory_allocated(device) if cuda else None
    return {
        "name": "autoregressive_decode",
        "config_name": c.name,
        "config": dict(c),
        "params": n_params,
        "shape": {"batch": args.batch, "context": args.context, "new": args.new,
                  "grid": {"T": grid[0], "H": grid[1], "W": grid[2]}, "text_len": text_len},
        "warmup": args.warmup,
        "compile_seconds": compile_s,
        "prefill_seconds": prefill_s,
        "prefill_tokens_per_second": args.batch * args.context / prefill_s,
        "decode_seconds": decode_s,
        "decode_tokens_per_second": args.batch * args.new / decode_s,
        "ms_per_token": 1000 * decode_s / args.new,
        "median_ms_per_step": 1000 * statistics.median(steps) if steps else None,
        "checksum": checksum,
        "peak_mem_bytes": peak,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(device) if cuda else cpu_name(),
        "device_type": device.type,
        "mode": "eager",
        "attention": "sdpa-gqa" if _SDPA_GQA else "grouped-matmul-softmax",
        "cache": "full-capacity-masked" if args.full_cache else "filled-prefix",
        "tf32": cuda and not args.no_tf32,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        res = run(args)
    except BenchError as e:
        print(f"ar_decode_bench: error: {e}", file=sys.stderr)
        return 2
    if args.json or args.print_params:
        print(json.dumps(res))
        return 0
    c, s = res["config"], res["shape"]
    g = s["grid"]
    print(f"{res['config_name'] or 'custom'} eager on {res['device']} (torch {res['torch']}, {res['threads']} threads, "
          f"attention {res['attention']}, cache {res['cache']}): {res['params'] / 1e6:.2f}M params (d_model "
          f"{c['d_model']}, {c['num_layers']} layers, {c['num_heads']}/{c['num_kv_heads']} heads, vocab {c['vocab_size']})")
    print(f"  batch {s['batch']}, {s['context']} context -> {s['new']} new tokens on a {g['T']}x{g['H']}x{g['W']} grid")
    print(f"  prefill {res['prefill_seconds']:.4f} s ({res['prefill_tokens_per_second']:.0f} tokens/s)")
    med = res["median_ms_per_step"]
    print(f"  decode {res['decode_tokens_per_second']:.1f} tokens/s, {res['ms_per_token']:.2f} ms/token"
          + (f" (median step {med:.2f} ms)" if med is not None else ""))
    if res["peak_mem_bytes"] is not None:
        print(f"  peak memory {res['peak_mem_bytes'] / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
