#!/usr/bin/python3
"""Writes the golden files of tokenizer/parity_test.go from NVIDIA's own PyTorch tokenizer.

Usage (Debian's python3 with its python3-torch 1.13 and numpy; nothing else is needed):

    /usr/bin/python3 tokenizer/testdata/make_golden.py /path/to/Cosmos-Tokenizer [--commit SHA]

The argument is a checkout (or `git archive` export) of github.com/NVIDIA/Cosmos-Tokenizer; the
files here were made from commit 3584ae752ce8ebdbe06a420bf60d7513c0e878cc (2025-02-10). The script
imports that repository's networks (cosmos_tokenizer.networks: CausalContinuousVideoTokenizer,
CausalDiscreteVideoTokenizer with the factorized encoder and decoder of modules/layers3d.py, the
Haar patcher of modules/patching.py and the FSQuantizer of modules/quantizers.py) and runs them as
they are; no reference code is copied here. It writes into the folder of this script:

  golden.json                   the cases: reference config, files, shapes, reference commit;
                                and the parameter counts of the six full-size reference video
                                tokenizers (all, and those a forward pass uses)
  <case>.weights.pt             torch.save of the model's state_dict() (official key layout)
  <case>.encoder.jit/.decoder.jit  torch.jit.trace of the reference's encoder_jit()/decoder_jit(),
                                the form NVIDIA ships its checkpoints in (only for the cases with
                                "jit": true; those have no .weights.pt, the archives hold the weights)
  <case>.io.pt                  torch.save of a dict of float32 tensors, channels first:
                                input [B,3,1+T,H,W] in [-1,1) (moving sinusoids and noise);
                                prequant (quant_conv output);
                                latent (CV latent, or DV FSQ codes); recon (decode of that latent);
                                DV also: bounded (FSQuantizer.bound(prequant), pre-rounding),
                                ids (int32 token ids), and the quantizer alone on 1000 random
                                vectors: fsq_z, fsq_bounded, fsq_codes, fsq_ids; and the same
                                for a single frame: input1, prequant1, latent1, recon1 (ids1)

Every parameter is random and matters (see randomize): convolution weights, biases, GroupNorm
weights and GroupNorm biases, so that a wrong key mapping, transpose or affine term changes the
outputs; and the weights are scaled so that the input, not the biases, decides the latent.
The cases are narrower than our -tiny presets (base width 4, not 16) so that all golden files
stay under 3 MB: with patch size 4 the 192-channel convolutions next to the patcher dominate and
do not shrink with the width. Cases marked "bf16": true have their parameters rounded to
bfloat16 values and saved as BF16 tensors (half the bytes; exercises the BF16 import path); the
reference still runs in float32 on exactly those values.

Compatibility shims, all local to this process: the reference imports `einops` (rearrange, pack,
unpack, reduce) and `loguru`; Debian packages no einops (bookworm), and neither is needed for
anything but imports and logging here. When they are missing, minimal
stand-ins are registered in sys.modules: `rearrange` for the axis patterns the reference uses
(named axes, parenthesized groups, "...", literal 1), `pack`/`unpack` for one tensor, `reduce`
raising (only the LFQ quantizer, unused here, calls it), and a `logger` that drops messages.
The reference needs no torch 2.x API under torch 1.13, so nothing of torch is patched.
torch.jit.script cannot compile the reference (Patcher3D keeps a Python range attribute), so
the archives are made with torch.jit.trace, which the reference's encoder_jit()/decoder_jit()
are written for. The
FSQuantizer is built with dtype=torch.float32: its default casts codes to bfloat16, which is
exact for FSQ grid values but would make the decoder run in bfloat16.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

# Each case: the reference config it uses (networks/configs.py continuous_video or discrete_video
# with these overrides), the preset of ours it corresponds to and the input size.
CASES = [
    dict(case="cv8x8x8", preset="cv8x8x8", channels=4, num_res_blocks=1, input=[1, 3, 9, 24, 16],
         jit=True, bf16=False, seed=1),
    dict(case="dv8x16x16", preset="dv8x16x16", channels=4, num_res_blocks=1, input=[1, 3, 9, 16, 32],
         jit=False, bf16=True, seed=2),
    dict(case="cv4x8x8", preset="cv4x8x8", channels=4, num_res_blocks=1, input=[2, 3, 5, 16, 24],
         jit=False, bf16=True, seed=3),
]


# ----- einops / loguru stand-ins ---------------------------------------------------------------

_TOKEN = re.compile(r"\(|\)|\.\.\.|\*|[A-Za-z_][A-Za-z0-9_]*|\d+")


def _groups(side):
    """Parses one side of an einops pattern into groups of axis names ("1" for a unit axis)."""
    groups, cur = [], None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            cur = []
        elif tok == ")":
            groups.append(cur)
            cur = None
        elif cur is not None:
            cur.append(tok)
        else:
            groups.append([tok])
    return groups


def _expand_ellipsis(groups, names):
    out = []
    for g in groups:
        flat = []
        for n in g:
            flat.extend(names if n == "..." else [n])
        if g == ["..."]:
            out.extend([[n] for n in names])
        else:
            out.append(flat)
    return out


def _rearrange(x, pattern, **sizes):
    left, right = (_groups(s) for s in pattern.split("->"))
    has_ell = any("..." in g for g in left)
    n_ell = x.dim() - (len(left) - 1) if has_ell else 0
    ell = ["...%d" % i for i in range(n_ell)]
    left, right = _expand_ellipsis(left, ell), _expand_ellipsis(right, ell)
    if len(left) != x.dim():
        raise ValueError("rearrange %r: tensor of rank %d" % (pattern, x.dim()))
    known = dict(sizes)
    for g, dim in zip(left, x.shape):
        names = [n for n in g if n != "1"]
        unknown = [n for n in names if n not in known]
        prod = math.prod(known[n] for n in names if n in known)
        if len(unknown) == 1:
            known[unknown[0]] = dim // prod
        elif len(unknown) > 1:
            raise ValueError("rearrange %r: cannot infer %s" % (pattern, unknown))
    elem_left = [n for g in left for n in g if n != "1"]
    elem_right = [n for g in right for n in g if n != "1"]
    x = x.reshape([known[n] for n in elem_left])
    x = x.permute([elem_left.index(n) for n in elem_right])
    return x.reshape([math.prod(known[n] for n in g if n != "1") for g in right])


def _star(pattern):
    toks = _TOKEN.findall(pattern)
    i = toks.index("*")
    return i, len(toks) - i - 1


def _pack(tensors, pattern):
    if len(tensors) != 1:
        raise NotImplementedError("einops stand-in: pack of one tensor only")
    t = tensors[0]
    before, after = _star(pattern)
    end = t.dim() - after
    return t.reshape(*t.shape[:before], -1, *t.shape[end:]), [tuple(t.shape[before:end])]


def _unpack(t, ps, pattern):
    if len(ps) != 1:
        raise NotImplementedError("einops stand-in: unpack into one tensor only")
    before, _ = _star(pattern)
    return [t.reshape(*t.shape[:before], *ps[0], *t.shape[before + 1:])]


def _reduce(*args, **kwargs):
    raise NotImplementedError("einops stand-in: reduce is not needed by the factorized FSQ tokenizers")


class _Logger:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def install_shims():
    """Registers the einops and loguru stand-ins where the real packages are missing."""
    shimmed = []
    try:
        import einops  # noqa: F401
    except ImportError:
        m = types.ModuleType("einops")
        m.rearrange, m.pack, m.unpack, m.reduce = _rearrange, _pack, _unpack, _reduce
        sys.modules["einops"] = m
        shimmed.append("einops")
    try:
        import loguru  # noqa: F401
    except ImportError:
        m = types.ModuleType("loguru")
        m.logger = _Logger()
        sys.modules["loguru"] = m
        shimmed.append("loguru")
    return shimmed


def check_rearrange():
    """Checks the einops stand-in against explicit permutes for the patterns the reference uses."""
    x = torch.arange(2 * 3 * 4 * 5 * 6).reshape(2, 3, 4, 5, 6)
    assert torch.equal(_rearrange(x, "b c t h w -> (b t) c h w"), x.permute(0, 2, 1, 3, 4).reshape(8, 3, 5, 6))
    y = _rearrange(x, "b c t h w -> (b t) c h w")
    assert torch.equal(_rearrange(y, "(b t) c h w -> b c t h w", b=2), x)
    s = _rearrange(x, "b c t h w -> (b h w) c t")
    assert torch.equal(s, x.permute(0, 3, 4, 1, 2).reshape(60, 3, 4))
    assert torch.equal(_rearrange(s, "(b h w) c t -> b c t h w", b=2, h=5), x)
    assert torch.equal(_rearrange(x, "b d ... -> b ... d"), x.permute(0, 2, 3, 4, 1))
    assert torch.equal(_rearrange(x, "b ... d -> b d ..."), x.permute(0, 4, 1, 2, 3))
    assert _rearrange(x, "... -> ... 1").shape == (2, 3, 4, 5, 6, 1)
    assert torch.equal(_rearrange(x[..., :1], "... 1 -> ..."), x[..., 0])
    p, ps = _pack([x], "b * d")
    assert p.shape == (2, 60, 6) and torch.equal(_unpack(p, ps, "b * d")[0], x)
    assert torch.equal(_rearrange(p, "b n (c d) -> b n c d", c=1), p.unsqueeze(2))


# ----- the cases ---------------------------------------------------------------------------------


def reference_config(case):
    from cosmos_tokenizer.networks.configs import continuous_video, discrete_video

    discrete = case["preset"].startswith("dv")
    t, s = (int(v) for v in case["preset"][2:].split("x")[:2])
    cfg = dict(discrete_video if discrete else continuous_video)
    cfg.update(channels=case["channels"], num_res_blocks=case["num_res_blocks"],
               temporal_compression=t, spatial_compression=s)
    if discrete:
        cfg["dtype"] = torch.float32  # FSQuantizer: codes in float32, not bfloat16.
    return discrete, cfg


def randomize(model):
    """Redraws every parameter: convolution weights normal with standard deviation
    1/sqrt(fan_in), biases uniform in [-0.1, 0.1), GroupNorm weights uniform in [0.5, 1.5).
    PyTorch's default initialization (Kaiming-uniform with a = sqrt(5), standard deviation
    1/sqrt(3 fan_in)) shrinks the signal at every layer, so that the latent ends up set by the
    biases and barely by the input; with these weights the input decides it."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".norm.weight"):
                p.uniform_(0.5, 1.5)
            elif name.endswith(".bias"):
                p.uniform_(-0.1, 0.1)
            elif name.endswith(".conv3d.weight"):
                p.normal_(0, 1 / math.sqrt(p[0].numel()))
            else:
                raise ValueError("unexpected parameter " + name)


def round_bf16(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).to(torch.float32))


def random_video(shape, seed):
    """A seeded video [B, C, T, H, W] in [-1, 1): a few random moving sinusoids per channel plus
    a little noise. Unlike white noise, whose averages over the 8x8 or 16x16 patch of a latent
    pixel all come out nearly equal, its content reaches the latent and differs between latent
    pixels and frames."""
    g = torch.Generator().manual_seed(seed)
    b, c, t, h, w = shape
    tt, hh, ww = torch.meshgrid(torch.arange(t, dtype=torch.float64), torch.arange(h, dtype=torch.float64),
                                torch.arange(w, dtype=torch.float64), indexing="ij")
    x = torch.zeros(shape, dtype=torch.float64)
    for i in range(b):
        for j in range(c):
            for _ in range(3):
                f = torch.rand(3, generator=g, dtype=torch.float64) * torch.tensor([0.3, 0.4, 0.4], dtype=torch.float64)
                phase = torch.rand(1, generator=g, dtype=torch.float64).item() * 2 * math.pi
                x[i, j] += 0.3 * torch.sin(2 * math.pi * (f[0] * tt + f[1] * hh + f[2] * ww) + phase)
    x += 0.1 * (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1)
    return x.clamp(-1, 1 - 2 ** -20).to(torch.float32)


def make_case(case, commit):
    from cosmos_tokenizer.networks import CausalContinuousVideoTokenizer, CausalDiscreteVideoTokenizer

    discrete, cfg = reference_config(case)
    torch.manual_seed(case["seed"])
    cls = CausalDiscreteVideoTokenizer if discrete else CausalContinuousVideoTokenizer
    model = cls(**cfg).eval()
    randomize(model)
    x = random_video(case["input"], 100 + case["seed"])
    if discrete:
        # quant_conv is scaled so that its output has standard deviation 1.5 on this input: its
        # bounded values then spread over the FSQ levels instead of all rounding alike.
        with torch.no_grad():
            model.quant_conv.conv3d.weight.mul_(1.5 / model.quant_conv(model.encoder(x)).std())
    if case["bf16"]:
        round_bf16(model)

    io = {"input": x}
    with torch.no_grad():
        prequant = model.quant_conv(model.encoder(x))
        io["prequant"] = prequant
        if discrete:
            ids, codes, _ = model.encode(x)
            q = model.quantizer
            io["bounded"] = q.bound(prequant.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3).contiguous()
            io["ids"] = ids.to(torch.int32)
            assert len(torch.unique(ids)) > 1, "all tokens equal: the id check would be weak"
            io["latent"] = codes.to(torch.float32)
            io["recon"] = model.decode(codes)
            # The reference's own id -> code path must give the same codes.
            assert torch.equal(q.indices_to_codes(ids).to(torch.float32), io["latent"])
            assert torch.equal(model.decode_code(ids), io["recon"])
            # The network's latent holds a handful of tokens; the quantizer alone is also run on
            # 1000 random 6-vectors spread over every level, channels first like the latent.
            z = torch.randn([1, 6, 10, 10, 10], generator=torch.Generator().manual_seed(200 + case["seed"])) * 1.5
            fsq_ids, fsq_codes, _ = q(z)
            io["fsq_z"], io["fsq_ids"], io["fsq_codes"] = z, fsq_ids.to(torch.int32), fsq_codes.to(torch.float32)
            io["fsq_bounded"] = q.bound(z.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3).contiguous()
        else:
            latent, _ = model.encode(x)
            io["latent"] = latent
            io["recon"] = model.decode(latent)

    # A single frame (an image), the path where every temporal resampling is the identity.
    x1 = random_video(case["input"][:2] + [1] + case["input"][3:], 300 + case["seed"])
    io["input1"] = x1
    with torch.no_grad():
        io["prequant1"] = model.quant_conv(model.encoder(x1))
        if discrete:
            io["ids1"], codes1, _ = model.encode(x1)
            io["ids1"] = io["ids1"].to(torch.int32)
            io["latent1"] = codes1.to(torch.float32)
            io["recon1"] = model.decode(codes1)
        else:
            io["latent1"], _ = model.encode(x1)
            io["recon1"] = model.decode(io["latent1"])

    name = case["case"]
    entry = {k: case[k] for k in ("case", "preset", "channels", "num_res_blocks", "input", "jit", "bf16", "seed")}
    entry.update(reference_commit=commit, discrete=discrete, io=name + ".io.pt",
                 channels_mult=cfg["channels_mult"], patch_size=cfg["patch_size"],
                 z_channels=cfg["z_channels"],
                 latent_channels=cfg.get("embedding_dim", cfg.get("latent_channels")),
                 levels=cfg.get("levels") if discrete else None,
                 decoder_channels_mult=list(model.decoder.up[i].block[0].conv2[0].conv3d.out_channels // cfg["channels"]
                                            for i in range(len(model.decoder.up))),
                 shapes={k: list(v.shape) for k, v in io.items()})
    torch.save({k: v.contiguous() for k, v in io.items()}, os.path.join(HERE, entry["io"]))
    if case["jit"]:
        with torch.no_grad():
            enc = torch.jit.trace(model.encoder_jit(), x, check_trace=True)
            dec = torch.jit.trace(model.decoder_jit(), io["ids"] if discrete else io["latent"], check_trace=True)
            # The traced modules must reproduce the eager outputs.
            out = enc(x)
            assert torch.equal(out[1] if discrete else out[0], io["latent"])
            assert torch.equal(dec(io["ids"] if discrete else io["latent"]), io["recon"])
        entry["encoder_jit"], entry["decoder_jit"] = name + ".encoder.jit", name + ".decoder.jit"
        torch.jit.save(enc, os.path.join(HERE, entry["encoder_jit"]))
        torch.jit.save(dec, os.path.join(HERE, entry["decoder_jit"]))
    else:
        sd = model.state_dict()
        if case["bf16"]:
            sd = type(sd)((k, v.to(torch.bfloat16)) for k, v in sd.items())
        entry["weights"] = name + ".weights.pt"
        torch.save(sd, os.path.join(HERE, entry["weights"]))
    entry["num_parameters"] = sum(p.numel() for p in model.parameters())
    return entry


def reference_param_counts():
    """Counts the parameters of the six full-size reference video tokenizers: all of them, and
    those of the modules a forward pass runs (the reference also builds convolutions of
    up/downsample blocks that it never calls; our tokenizer has no variables for those)."""
    from cosmos_tokenizer.networks import CausalContinuousVideoTokenizer, CausalDiscreteVideoTokenizer

    counts = {}
    for preset in ["cv4x8x8", "cv8x8x8", "cv8x16x16", "dv4x8x8", "dv8x8x8", "dv8x16x16"]:
        discrete, cfg = reference_config(dict(preset=preset, channels=128, num_res_blocks=2))
        torch.manual_seed(0)
        cls = CausalDiscreteVideoTokenizer if discrete else CausalContinuousVideoTokenizer
        model = cls(**cfg).eval()
        used = set()
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv3d, torch.nn.GroupNorm)):
                m.register_forward_hook(lambda mod, args, out: used.add(mod))
        t, s = cfg["temporal_compression"], cfg["spatial_compression"]
        with torch.no_grad():
            model(torch.zeros([1, 3, 1 + t, s, s]))
        counts[preset] = dict(total=sum(p.numel() for p in model.parameters()),
                              used=sum(p.numel() for m in used for p in m.parameters()))
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reference", help="path of a Cosmos-Tokenizer checkout")
    ap.add_argument("--commit", default="", help="reference commit, when the path is not a git checkout")
    args = ap.parse_args()
    commit = args.commit
    if not commit:
        try:
            commit = subprocess.run(["git", "-C", args.reference, "rev-parse", "HEAD"], check=True,
                                    capture_output=True, text=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
    shimmed = install_shims()
    check_rearrange()
    sys.path.insert(0, os.path.abspath(args.reference))
    torch.set_num_threads(1)  # deterministic summation order
    entries = [make_case(c, commit) for c in CASES]
    manifest = {"torch": torch.__version__, "shims": shimmed, "reference_commit": commit,
                "reference_param_counts": reference_param_counts(), "cases": entries}
    with open(os.path.join(HERE, "golden.json"), "w") as f:
        # One line per case and per count: readable in a diff, and small.
        f.write("{\n")
        for i, (k, v) in enumerate(manifest.items()):
            if isinstance(v, (dict, list)) and v:
                items = v.items() if isinstance(v, dict) else enumerate(v)
                body = ",\n".join(("  %s: %s" % (json.dumps(ik), json.dumps(iv)) if isinstance(v, dict)
                                    else "  " + json.dumps(iv)) for ik, iv in items)
                open_, close = ("{", "}") if isinstance(v, dict) else ("[", "]")
                f.write(' %s: %s\n%s\n %s' % (json.dumps(k), open_, body, close))
            else:
                f.write(" %s: %s" % (json.dumps(k), json.dumps(v)))
            f.write(",\n" if i < len(manifest) - 1 else "\n")
        f.write("}\n")
    for e in entries:
        print(e["case"], e["num_parameters"], "parameters", e["shapes"])


if __name__ == "__main__":
    main()
