#!/usr/bin/env python3
"""PyTorch timing replica of our reference decoder-only transformer and its training step.

TIMING REPLICA, written from our Go code (nn/transformer.go, attention.go, norm.go, linear.go,
mlp.go, embedding.go, loss.go, fused.go and bench/transformer.go). It exists to compare the
training-step time that `wfm bench` reports (bench.RunTransformerStep) against PyTorch, eager or
torch.compile, on the same CPU or GPU. It mirrors nn.TransformerLM tensor for tensor (same
parameters, same shapes, same matrix products, so nn.TransformerConfig.TrainStepFLOPs applies
unchanged) and the training step op for op. It is not a numerical port: the benchmark uses
random weights and its own random tokens, and nothing here loads or saves our checkpoints.
Parameters are listed under our variable paths by --print-params.

The network (nn.TransformerLM with a TransformerConfig):
  * token embedding [V, d] and learned absolute positions [max_seq_len, d] (rows 0..T-1 added);
  * num_layers pre-norm blocks x = x + attn(norm1(x)); x = x + mlp(norm2(x)), where
      - norm is LayerNorm (scale and offset) or RMSNorm (scale only), epsilon norm_epsilon;
      - attn is causal multi-head self-attention: query, key, value and output projections
        [d, d] (biases when bias is set), an optional per-head RMSNorm of q and k (qk_norm, a
        [head_dim] scale each), softmax(q k^T / sqrt(head_dim) + causal mask) v;
      - mlp is fc2(GELU(fc1 x)) with the exact (erf) GELU, or down(SiLU(gate x) * up x) for
        SwiGLU, hidden width ffn_dim (biases when bias is set);
  * a final norm and the LM head [V, d] without bias; float32 logits [B, T, V].
Initialization as ours: every weight matrix and embedding table N(0, 0.02^2), biases 0, norm
scales 1, offsets 0.

What one training step does (as bench.RunTransformerStep): the logits of a fixed batch of
tokens [B, T], the mean next-token cross-entropy (nn.CrossEntropy: logsumexp - target logit,
averaged over the B*T positions), backward, then GoMLX's Adam (optimizer.Adam() with learning
rate 1e-3: betas 0.9/0.999, epsilon 1e-7 added to the bias-corrected sqrt of the second moment,
no weight decay, no clipping). The step ends when the loss is on the host (.item()), as ours
copies it to the host, so the step's work (the optimizer update included) has completed.

Differences from ours that are deliberate (what a competent PyTorch user would write):
  * attention is torch.nn.functional.scaled_dot_product_attention(is_causal=True) where the
    installed PyTorch has it (2.0+; flash / memory-efficient kernels that skip the masked half
    of the scores); older versions (1.13) write it as ours: q scaled by 1/sqrt(head_dim), q k^T,
    an additive 0/-inf causal mask, softmax, times v. Either way the analytic FLOPs count the
    full T x T scores, as TrainStepFLOPs does;
  * LayerNorm is F.layer_norm, softmax F.softmax, GELU F.gelu, SiLU F.silu and the loss
    F.cross_entropy (fused kernels; ours builds them from primitive ops in training graphs).
    RMSNorm is F.rms_norm where present (2.4+), else the same formula written out
    (x / sqrt(mean(x^2) + eps) * scale);
  * the four attention projections stay four matmuls (a fused QKV projection would be quicker,
    but the parameters would no longer be ours tensor for tensor);
  * Adam is torch.optim.Adam (fused on CUDA where available, PyTorch's default implementation
    otherwise) with ours' hyperparameters; gradients are freed rather than zeroed
    (zero_grad(set_to_none=True));
  * the tokens are drawn by torch (ours: Go's PCG with seed 1) and live on the device (ours
    passes the host tensors [B, T] of int32 to each call, a few kB): the data does not change
    the cost.

Precision: float32 throughout, as ours (the Go transformer has no other dtype). On CUDA, TF32
matmuls are allowed (XLA's GPU default for float32) unless --no-tf32.

Usage:

  /usr/bin/python3 bench/torch/transformer_bench.py --preset bench-10m --batch 4 --seq 256 \\
      --steps 5 --warmup 1 --threads 2 --json
  wfm bench --preset bench-100m --json > go.json
  /usr/bin/python3 bench/torch/transformer_bench.py --config go.json --device cuda --mode compile

--config takes nn.TransformerConfig's JSON, or `wfm bench --json`'s output (its result.config),
or a bench.Result (its config). Presets are copies of nn's (TestTorchTransformerReplica keeps
them in step).

Timing rules, as our bench.timeSteps: an untimed first step (compilation, allocation; its
time is compile_s), --warmup more untimed steps, then --steps timed steps, each timed with
time.perf_counter from the call until its loss is on the host. GFLOP/s are effective:
TrainStepFLOPs (3 x the forward matmuls, 2 FLOPs per multiply-accumulate) / median step time.
"""

from __future__ import annotations

import argparse
import dataclasses
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

# Our constants: nn.InitStdDev, GoMLX's Adam defaults and bench.learningRate, bench.dataSeed.
INIT_STD = 0.02
LEARNING_RATE = 1e-3
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-7
DATA_SEED = 1

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
_HAS_RMS_NORM = hasattr(F, "rms_norm")


class BenchError(Exception):
    """A bad configuration or argument: reported on stderr, exit status 2."""


# --------------------------------------------------------------------------------------------
# Configuration: nn.TransformerConfig's JSON, validated as TransformerConfig.Validate does.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Config:
    """The fields of nn.TransformerConfig (JSON names as its tags). Missing fields take Go's
    zero values, so a config missing a required field fails validation as in Go."""

    vocab_size: int = 0
    max_seq_len: int = 0
    d_model: int = 0
    num_layers: int = 0
    num_heads: int = 0
    ffn_dim: int = 0
    mlp: str = ""
    norm: str = ""
    norm_epsilon: float = 0.0
    qk_norm: bool = False
    bias: bool = False

    @property
    def head_dim(self) -> int:
        return self.d_model // self.num_heads

    def norm_params(self) -> int:
        return 2 * self.d_model if self.norm == "layer" else self.d_model

    def mlp_params(self) -> int:
        d, h = self.d_model, self.ffn_dim
        if self.mlp == "swiglu":
            return 3 * d * h + ((2 * h + d) if self.bias else 0)
        return 2 * d * h + ((h + d) if self.bias else 0)

    def params(self) -> int:
        """TransformerConfig.Params, term by term (a cross-check of the module's own count)."""
        d = self.d_model
        attn = 4 * d * d + (4 * d if self.bias else 0) + (2 * self.head_dim if self.qk_norm else 0)
        block = 2 * self.norm_params() + attn + self.mlp_params()
        embed = self.vocab_size * d + self.max_seq_len * d
        return embed + self.num_layers * block + self.norm_params() + d * self.vocab_size

    def forward_flops(self, batch: int, seq: int) -> float:
        """TransformerConfig.ForwardFLOPs: 2 B T [L (4d^2 + m d f + 2 T d) + d V], m = 2 (GELU)
        or 3 (SwiGLU), in float64 arithmetic as Go's."""
        b, t = float(batch), float(seq)
        d, f, v, l = float(self.d_model), float(self.ffn_dim), float(self.vocab_size), float(self.num_layers)
        m = 3.0 if self.mlp == "swiglu" else 2.0
        return 2 * b * t * (l * (4 * d * d + m * d * f + 2 * t * d) + d * v)

    def train_step_flops(self, batch: int, seq: int) -> float:
        """TransformerConfig.TrainStepFLOPs: 3 x the forward FLOPs."""
        return 3 * self.forward_flops(batch, seq)

    def validate(self) -> None:
        """TransformerConfig.Validate: raises BenchError on the first problem."""
        for name in ("vocab_size", "max_seq_len", "d_model", "num_layers", "num_heads", "ffn_dim"):
            if getattr(self, name) <= 0:
                raise BenchError(f"{name}: must be > 0, got {getattr(self, name)}")
        if self.d_model % self.num_heads != 0:
            raise BenchError(f"num_heads: d_model {self.d_model} is not divisible by {self.num_heads} heads")
        if self.mlp not in ("gelu", "swiglu"):
            raise BenchError(f"mlp: unknown kind {self.mlp!r} (want 'gelu' or 'swiglu')")
        if self.norm not in ("layer", "rms"):
            raise BenchError(f"norm: unknown kind {self.norm!r} (want 'layer' or 'rms')")
        if not self.norm_epsilon > 0:
            raise BenchError(f"norm_epsilon: must be > 0, got {self.norm_epsilon:g}")


# nn's transformerPresets (nn.DefaultNormEpsilon is 1e-5).
PRESETS = {
    "tiny": Config(vocab_size=32, max_seq_len=16, d_model=32, num_layers=2, num_heads=4, ffn_dim=64,
                   mlp="gelu", norm="layer", norm_epsilon=1e-5, bias=True),
    "bench-10m": Config(vocab_size=4096, max_seq_len=256, d_model=384, num_layers=4, num_heads=6, ffn_dim=1024,
                        mlp="swiglu", norm="rms", norm_epsilon=1e-5),
    "bench-100m": Config(vocab_size=8192, max_seq_len=1024, d_model=768, num_layers=12, num_heads=12, ffn_dim=2048,
                         mlp="swiglu", norm="rms", norm_epsilon=1e-5),
}


def load_config(path: str) -> tuple:
    """Reads and validates a TransformerConfig JSON file: the config itself, or an object with
    it under "config" (bench.Result) or "result"."config" (`wfm bench --json`). Returns the
    config and a name for it (the file's "preset" when there is one). Unknown keys are ignored,
    as Go's encoding/json does; a value of the wrong type is an error, as there."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as e:
        raise BenchError(f"config {path}: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise BenchError(f"config {path}: not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise BenchError(f"config {path}: want a JSON object, got {type(raw).__name__}")
    name = raw.get("preset") if isinstance(raw.get("preset"), str) and raw.get("preset") else None
    if isinstance(raw.get("result"), dict) and isinstance(raw["result"].get("config"), dict):
        raw = raw["result"]["config"]
    elif isinstance(raw.get("config"), dict):
        raw = raw["config"]
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
        else:
            ok = isinstance(v, str)
        if not ok:
            raise BenchError(f"config {path}: field {field.name}: want {kind}, got {v!r}")
        values[field.name] = v
    cfg = Config(**values)
    try:
        cfg.validate()
    except BenchError as e:
        raise BenchError(f"config {path}: {e}") from None
    return cfg, name or os.path.basename(path)


# --------------------------------------------------------------------------------------------
# Network: nn.TransformerLM. Module and parameter names are our variable scopes and names
# (go_param_path joins them with "/"), so the two can be compared tensor by tensor.
# --------------------------------------------------------------------------------------------


class Linear(nn.Module):
    """nn.Linear: y = x W^T + b with weights [out, in] (output-major, as PyTorch's) and optional
    biases [out]."""

    def __init__(self, d_in: int, d_out: int, bias: bool, **fk):
        super().__init__()
        self.weights = nn.Parameter(torch.empty(d_out, d_in, **fk))
        self.biases = nn.Parameter(torch.zeros(d_out, **fk)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weights, self.biases)


class LayerNorm(nn.Module):
    """nn.LayerNorm: (x - mean) / sqrt(var + eps) * scale + offset over the last axis."""

    def __init__(self, d: int, eps: float, **fk):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(d, **fk))
        self.offset = nn.Parameter(torch.zeros(d, **fk))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, (x.shape[-1],), self.scale, self.offset, self.eps)


class RMSNorm(nn.Module):
    """nn.RMSNorm: x / sqrt(mean(x^2) + eps) * scale over the last axis."""

    def __init__(self, d: int, eps: float, **fk):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(d, **fk))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if _HAS_RMS_NORM:
            return F.rms_norm(x, (x.shape[-1],), self.scale, self.eps)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.scale


def make_norm(cfg: Config, d: int, **fk) -> nn.Module:
    return LayerNorm(d, cfg.norm_epsilon, **fk) if cfg.norm == "layer" else RMSNorm(d, cfg.norm_epsilon, **fk)


class Embedding(nn.Module):
    """nn.Embedding / nn.PositionEmbedding: a table [rows, d] named embeddings."""

    def __init__(self, rows: int, d: int, **fk):
        super().__init__()
        self.embeddings = nn.Parameter(torch.empty(rows, d, **fk))


class SelfAttention(nn.Module):
    """nn.SelfAttention(...).Causal(true): projections query, key, value (then q_norm, k_norm
    with QKNorm) and output, created in our order."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        d = cfg.d_model
        self.heads, self.hd = cfg.num_heads, cfg.head_dim
        self.query = Linear(d, d, cfg.bias, **fk)
        self.key = Linear(d, d, cfg.bias, **fk)
        self.value = Linear(d, d, cfg.bias, **fk)
        if cfg.qk_norm:
            self.q_norm = RMSNorm(self.hd, cfg.norm_epsilon, **fk)
            self.k_norm = RMSNorm(self.hd, cfg.norm_epsilon, **fk)
        else:
            self.q_norm = self.k_norm = None
        self.output = Linear(d, d, cfg.bias, **fk)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q = self.query(x).view(b, t, self.heads, self.hd)
        k = self.key(x).view(b, t, self.heads, self.hd)
        v = self.value(x).view(b, t, self.heads, self.hd)
        if self.q_norm is not None:  # per head, before the heads move to axis 1
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B, H, T, hd]
        if _HAS_SDPA:
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            # Ours: q scaled first (T*hd multiplies rather than T*T), an additive causal mask.
            scores = torch.matmul(q * (1.0 / math.sqrt(self.hd)), k.transpose(-2, -1)) + mask[:t, :t]
            out = torch.matmul(F.softmax(scores, dim=-1), v)
        return self.output(out.transpose(1, 2).reshape(b, t, d))


class MLP(nn.Module):
    """nn.MLP: fc2(GELU(fc1 x)) with the exact GELU, or down(SiLU(gate x) * up x) (SwiGLU)."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        d, f = cfg.d_model, cfg.ffn_dim
        self.swiglu = cfg.mlp == "swiglu"
        if self.swiglu:
            self.gate = Linear(d, f, cfg.bias, **fk)
            self.up = Linear(d, f, cfg.bias, **fk)
            self.down = Linear(f, d, cfg.bias, **fk)
        else:
            self.fc1 = Linear(d, f, cfg.bias, **fk)
            self.fc2 = Linear(f, d, cfg.bias, **fk)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.swiglu:
            return self.down(F.silu(self.gate(x)) * self.up(x))
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    """nn.TransformerBlock (pre-norm): x + attn(norm1 x), then + mlp(norm2 x)."""

    def __init__(self, cfg: Config, **fk):
        super().__init__()
        self.norm1 = make_norm(cfg, cfg.d_model, **fk)
        self.attn = SelfAttention(cfg, **fk)
        self.norm2 = make_norm(cfg, cfg.d_model, **fk)
        self.mlp = MLP(cfg, **fk)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))


class TransformerLM(nn.Module):
    """nn.TransformerLM: tokens [B, T] (int64) -> float32 logits [B, T, V]."""

    def __init__(self, cfg: Config, device):
        super().__init__()
        fk = {"dtype": torch.float32, "device": device}
        d = cfg.d_model
        self.cfg = cfg
        self.token_embed = Embedding(cfg.vocab_size, d, **fk)
        self.pos_embed = Embedding(cfg.max_seq_len, d, **fk)
        for i in range(cfg.num_layers):
            self.add_module(f"block_{i}", Block(cfg, **fk))
        self.final_norm = make_norm(cfg, d, **fk)
        self.lm_head = Linear(d, cfg.vocab_size, False, **fk)
        # Additive causal mask (0 on and below the diagonal, -inf above), used without SDPA.
        t = cfg.max_seq_len
        mask = torch.full((t, t), float("-inf"), **fk).triu(1) if not _HAS_SDPA else torch.zeros(0, **fk)
        self.register_buffer("mask", mask, persistent=False)
        self._init_weights()

    def blocks(self) -> list:
        return [getattr(self, f"block_{i}") for i in range(self.cfg.num_layers)]

    @torch.no_grad()
    def _init_weights(self):
        """Ours: N(0, 0.02^2) for every weight matrix and embedding table; biases, norm scales
        and offsets keep their constructors' zeros and ones."""
        for name, p in self.named_parameters():
            if name.endswith(".weights") or name.endswith(".embeddings"):
                nn.init.normal_(p, std=INIT_STD)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        t = tokens.shape[1]
        x = F.embedding(tokens, self.token_embed.embeddings) + self.pos_embed.embeddings[:t]
        for blk in self.blocks():
            x = blk(x, self.mask)
        return self.lm_head(self.final_norm(x))


class LossFn(nn.Module):
    """nn.CrossEntropy(TransformerLM(tokens), targets): the mean next-token loss."""

    def __init__(self, net: TransformerLM):
        super().__init__()
        self.net = net

    def forward(self, tokens: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        logits = self.net(tokens)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def go_param_path(torch_name: str) -> str:
    """Our variable path of a parameter: "block_0.attn.query.weights" ->
    "/block_0/attn/query/weights"."""
    return "/" + torch_name.replace(".", "/")


def synthetic_batch(cfg: Config, batch: int, seq: int, device) -> tuple:
    """bench.syntheticBatch's layout: per sequence seq+1 random tokens, the inputs its first seq,
    the targets its last seq (drawn with torch's generator, not Go's PCG)."""
    gen = torch.Generator().manual_seed(DATA_SEED)
    stream = torch.randint(0, cfg.vocab_size, (batch, seq + 1), generator=gen, dtype=torch.int64)
    return stream[:, :seq].contiguous().to(device), stream[:, 1:].contiguous().to(device)


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
    p.add_argument("--preset", default="bench-10m", help=f"model preset ({', '.join(sorted(PRESETS))}; default bench-10m)")
    p.add_argument("--config", default=None,
                   help="nn.TransformerConfig JSON file, or `wfm bench --json` output (instead of --preset)")
    p.add_argument("--batch", type=int, default=4, help="sequences per step (default 4)")
    p.add_argument("--seq", type=int, default=256, help="tokens per sequence, at most max_seq_len (default 256)")
    p.add_argument("--steps", type=int, default=5, help="timed training steps (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps after the first (default 1)")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: PyTorch's choice)")
    p.add_argument("--mode", choices=("eager", "compile"), default="eager",
                   help="eager, or torch.compile of the model and loss (PyTorch 2.0+)")
    p.add_argument("--compile-mode", choices=("default", "reduce-overhead", "max-autotune"), default="default",
                   help="torch.compile mode with --mode compile (default: default)")
    p.add_argument("--device", choices=("cpu", "cuda"), default=None, help="default: cuda when available")
    p.add_argument("--no-tf32", action="store_true", help="on CUDA, keep float32 matmuls in full float32")
    p.add_argument("--seed", type=int, default=DATA_SEED, help="weight initialization seed (default 1)")
    p.add_argument("--print-params", action="store_true",
                   help="list the parameters under our variable paths with their shapes, then exit "
                        "(with --json: one object with params, total and config)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def resolve_config(args) -> tuple:
    if args.config:
        return load_config(args.config)
    if args.preset not in PRESETS:
        raise BenchError(f"--preset: unknown transformer preset {args.preset!r} (known: {', '.join(sorted(PRESETS))})")
    cfg = dataclasses.replace(PRESETS[args.preset])
    cfg.validate()
    return cfg, args.preset


def check_args(args, cfg: Config) -> None:
    """bench.RunTransformerStep's argument checks (and --threads)."""
    if args.batch <= 0:
        raise BenchError(f"--batch: must be > 0, got {args.batch}")
    if args.seq <= 0 or args.seq > cfg.max_seq_len:
        raise BenchError(f"--seq: must be in [1, {cfg.max_seq_len}] (max_seq_len), got {args.seq}")
    if args.steps <= 0:
        raise BenchError(f"--steps: must be > 0, got {args.steps}")
    if args.warmup < 0:
        raise BenchError(f"--warmup: must be >= 0, got {args.warmup}")
    if args.threads < 0:
        raise BenchError(f"--threads: must be >= 0, got {args.threads}")


def make_optimizer(params: list, device: torch.device) -> torch.optim.Optimizer:
    kw = dict(lr=LEARNING_RATE, betas=ADAM_BETAS, eps=ADAM_EPS, weight_decay=0.0)
    if device.type == "cuda":
        try:
            return torch.optim.Adam(params, fused=True, **kw)
        except (TypeError, RuntimeError):
            pass
    return torch.optim.Adam(params, **kw)


def run(args) -> dict:
    cfg, name = resolve_config(args)
    if args.print_params:
        args.seq = min(args.seq, cfg.max_seq_len)  # not used; only the model is built
    check_args(args, cfg)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise BenchError("--device cuda: no CUDA device is available to this PyTorch")
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if args.mode == "compile" and not hasattr(torch, "compile"):
        raise BenchError(f"--mode compile needs torch.compile (PyTorch 2.0 or newer); this is PyTorch {torch.__version__}")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    # XLA uses TF32 for float32 matmuls on GPUs by default; so do we unless --no-tf32. Only the
    # legacy flags are set (PyTorch 2.9+ warns that they are deprecated).
    warnings.filterwarnings("ignore", message="Please use the new API settings to control TF32")
    torch.backends.cuda.matmul.allow_tf32 = not args.no_tf32
    torch.backends.cudnn.allow_tf32 = not args.no_tf32
    torch.manual_seed(args.seed)

    net = TransformerLM(cfg, device)
    named = list(net.named_parameters())
    n_params = sum(p.numel() for _, p in named)
    if args.print_params:
        listing = [{"name": go_param_path(n), "shape": list(p.shape)} for n, p in named]
        if args.json:
            return {"params": listing, "total": n_params, "formula": cfg.params(), "config": dataclasses.asdict(cfg),
                    "name": name}
        for e in listing:
            print(e["name"], e["shape"])
        print("TOTAL", n_params, "Params", cfg.params())
        return {}
    if n_params != cfg.params():
        print(f"transformer_bench: warning: {n_params} parameters, TransformerConfig.Params formula says {cfg.params()}",
              file=sys.stderr)
    params = [p for _, p in named]
    loss_module = LossFn(net)
    loss_fn = torch.compile(loss_module, mode=args.compile_mode) if args.mode == "compile" else loss_module
    opt = make_optimizer(params, device)
    tokens, targets = synthetic_batch(cfg, args.batch, args.seq, device)

    def step() -> float:
        loss = loss_fn(tokens, targets)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        value = loss.item()  # waits for the whole step on CUDA, as ours copies the loss out
        if not math.isfinite(value):
            raise BenchError(f"loss is {value}")
        return value

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    first_loss = step()
    compile_s = time.perf_counter() - start
    for _ in range(args.warmup):
        step()
    times, last_loss = [], first_loss
    for _ in range(args.steps):
        start = time.perf_counter()
        last_loss = step()
        times.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    step_flops = cfg.train_step_flops(args.batch, args.seq)
    median = statistics.median(times)
    return {
        "name": "transformer_train_step",
        "config_name": name,
        "config": dataclasses.asdict(cfg),
        "params": n_params,
        "batch": args.batch,
        "seq": args.seq,
        "steps": args.steps,
        "warmup": args.warmup,
        "median_step_s": median,
        "mean_step_s": statistics.fmean(times),
        "min_step_s": min(times),
        "max_step_s": max(times),
        "compile_s": compile_s,
        "step_flops": step_flops,
        "gflops": step_flops / median / 1e9,
        "tokens_per_s": args.batch * args.seq / median,
        "first_loss": first_loss,
        "last_loss": last_loss,
        "peak_mem_bytes": peak,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name(),
        "device_type": device.type,
        "mode": args.mode if args.mode == "eager" else f"compile:{args.compile_mode}",
        "attention": "sdpa" if _HAS_SDPA else "matmul-softmax",
        "tf32": device.type == "cuda" and not args.no_tf32,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        res = run(args)
    except BenchError as e:
        print(f"transformer_bench: error: {e}", file=sys.stderr)
        return 2
    if not res:
        return 0
    if args.json:
        print(json.dumps(res))
        return 0
    c = res["config"]
    print(f"{res['config_name']} {res['mode']} on {res['device']} (torch {res['torch']}, {res['threads']} threads, "
          f"attention {res['attention']}): {res['params'] / 1e6:.2f}M params (d_model {c['d_model']}, "
          f"{c['num_layers']} layers, {c['num_heads']} heads, {c['mlp']} ffn {c['ffn_dim']}, {c['norm']} norm, "
          f"vocab {c['vocab_size']})")
    print(f"  batch {res['batch']} x seq {res['seq']}; {res['steps']} timed steps after {res['warmup']} warmup "
          f"(first step {res['compile_s']:.2f} s)")
    print(f"  step {res['median_step_s']:.3f} s median, {res['mean_step_s']:.3f} s mean "
          f"(min {res['min_step_s']:.3f}, max {res['max_step_s']:.3f})")
    print(f"  {res['gflops']:.1f} GFLOP/s effective ({res['step_flops'] / 1e9:.1f} GFLOP/step), "
          f"{res['tokens_per_s']:.0f} tokens/s")
    if res["peak_mem_bytes"] is not None:
        print(f"  peak memory {res['peak_mem_bytes'] / 2**20:.1f} MiB")
    print(f"  loss {res['first_loss']:.3f} -> {res['last_loss']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
