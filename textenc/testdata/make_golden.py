#!/usr/bin/python3
"""Golden files for package textenc's parity tests. Run from the repository root:

    /usr/bin/python3 textenc/testdata/make_golden.py

Needs numpy, torch (1.13 here) and sentencepiece (0.1.97 here); Hugging Face transformers is not
installed on the machine that made these files, so the reference T5 encoder below is written in
plain torch, following transformers' modeling_t5.py (T5Stack encoder, T5Attention,
T5LayerNorm, T5DenseActDense / T5DenseGatedActDense with gelu_new) operation by operation.

Training the tokenizer is deterministic (one thread, no shuffling), so a rerun rewrites the
same builtin/spiece.model; were it to change, the built-in encoder must be retrained
(`wfm train textenc --out out/textenc --export textenc/builtin`).

It writes:
  textenc/builtin/spiece.model      unigram tokenizer trained on testdata/captions.txt (the
                                    built-in encoder's tokenizer; T5 ids: pad 0, </s> 1, <unk> 2)
  textenc/testdata/spm_golden.json  sentencepiece ids and pieces of a list of hostile strings
  textenc/testdata/buckets.json     T5 relative position buckets for -600..600
  textenc/testdata/t5_<ff>/         config.json (HF), model.safetensors (HF names, random
                                    weights) and golden.safetensors (input ids, mask and
                                    last_hidden_state) for a gated-gelu (v1.1) and a relu (v1.0)
                                    encoder
"""
import json
import math
import os
import struct

import numpy as np
import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        dt = {np.dtype("float32"): "F32", np.dtype("int32"): "I32"}[arr.dtype]
        b = arr.tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# --- tokenizer -------------------------------------------------------------------------------
captions = os.path.join(HERE, "captions.txt")
prefix = os.path.join(PKG, "builtin", "spiece")
spm.SentencePieceTrainer.train(
    input=captions, model_prefix=prefix, model_type="unigram", vocab_size=384,
    hard_vocab_limit=False, character_coverage=1.0, normalization_rule_name="nmt_nfkc",
    pad_id=0, eos_id=1, unk_id=2, bos_id=-1, num_threads=1, seed_sentencepiece_size=100000,
    shuffle_input_sentence=False, minloglevel=2)
os.remove(prefix + ".vocab")
sp = spm.SentencePieceProcessor(model_file=prefix + ".model")

texts = [
    "A blue ball falls from rest under gravity and hits the ground, bouncing 2 times.",
    "",
    " ",
    "   leading and trailing spaces   ",
    "runs   of\t\twhite\n\nspace\r\nand tabs",
    "A RED BALL, thrown at 12.5 m/s!",
    "Ｆｕｌｌｗｉｄｔｈ ｌｅｔｔｅｒｓ １２３",
    "ligature ﬁ and ① circled and ㎏ unit",
    "café vs cafe\u0301 (composed and decomposed)",
    "日本語のテキスト and 中文",
    "emoji 🙂🚀 and symbols © ™ § ¶",
    "Zero\u200bwidth\u00a0nbsp\u3000ideographic space",
    "control\x01\x02chars\x7f",
    "</s> <pad> <unk> are literal here",
    "unknownchars: ß Ω ж λ",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "seesaw dominoes pendulum",
    "▁already▁escaped▁",
    "x",
]
golden = []
for t in texts:
    golden.append({"text": t, "ids": sp.encode(t), "pieces": sp.encode(t, out_type=str)})
with open(os.path.join(HERE, "spm_golden.json"), "w") as f:
    json.dump({"model": "builtin/spiece.model", "sentencepiece": spm.__version__, "cases": golden},
              f, ensure_ascii=False, indent=1)


# --- T5 encoder (plain torch, HF semantics) ---------------------------------------------------
def relative_position_bucket(relative_position, num_buckets=32, max_distance=128):
    # T5Attention._relative_position_bucket, bidirectional=True.
    relative_buckets = 0
    num_buckets //= 2
    relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
    relative_position = torch.abs(relative_position)
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    relative_position_if_large = max_exact + (
        torch.log(relative_position.float() / max_exact)
        / math.log(max_distance / max_exact)
        * (num_buckets - max_exact)
    ).to(torch.long)
    relative_position_if_large = torch.min(
        relative_position_if_large, torch.full_like(relative_position_if_large, num_buckets - 1))
    relative_buckets += torch.where(is_small, relative_position, relative_position_if_large)
    return relative_buckets


rel = torch.arange(-600, 601)
with open(os.path.join(HERE, "buckets.json"), "w") as f:
    json.dump({"from": -600, "buckets": relative_position_bucket(rel).tolist()}, f)


def t5_layer_norm(w, x, eps):
    variance = x.to(torch.float32).pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(variance + eps))


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def t5_encoder(p, cfg, ids, mask):
    """T5EncoderModel.forward(input_ids, attention_mask).last_hidden_state in eval mode."""
    H, dkv, eps = cfg["num_heads"], cfg["d_kv"], cfg["layer_norm_epsilon"]
    B, L = ids.shape
    h = torch.nn.functional.embedding(ids, p["shared.weight"])
    ext = (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
    ctx = torch.arange(L)[:, None]
    mem = torch.arange(L)[None, :]
    buckets = relative_position_bucket(mem - ctx, cfg["relative_attention_num_buckets"],
                                       cfg["relative_attention_max_distance"])
    bias = torch.nn.functional.embedding(buckets, p["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"])
    position_bias = bias.permute([2, 0, 1]).unsqueeze(0) + ext
    lin = lambda x, name: x @ p[name].t()
    for i in range(cfg["num_layers"]):
        pre = "encoder.block.%d.layer." % i
        x = t5_layer_norm(p[pre + "0.layer_norm.weight"], h, eps)
        shape = lambda t: t.view(B, -1, H, dkv).transpose(1, 2)
        q = shape(lin(x, pre + "0.SelfAttention.q.weight"))
        k = shape(lin(x, pre + "0.SelfAttention.k.weight"))
        v = shape(lin(x, pre + "0.SelfAttention.v.weight"))
        scores = torch.matmul(q, k.transpose(3, 2)) + position_bias  # no 1/sqrt(d) scaling
        w = torch.nn.functional.softmax(scores.float(), dim=-1).type_as(scores)
        a = torch.matmul(w, v).transpose(1, 2).contiguous().view(B, -1, H * dkv)
        h = h + lin(a, pre + "0.SelfAttention.o.weight")
        x = t5_layer_norm(p[pre + "1.layer_norm.weight"], h, eps)
        if cfg["feed_forward_proj"] == "gated-gelu":
            f = gelu_new(lin(x, pre + "1.DenseReluDense.wi_0.weight")) * lin(x, pre + "1.DenseReluDense.wi_1.weight")
        else:
            f = torch.relu(lin(x, pre + "1.DenseReluDense.wi.weight"))
        h = h + lin(f, pre + "1.DenseReluDense.wo.weight")
    return t5_layer_norm(p["encoder.final_layer_norm.weight"], h, eps)


def make_t5(ff, seed):
    torch.manual_seed(seed)
    cfg = {"architectures": ["T5EncoderModel"], "model_type": "t5", "vocab_size": sp.get_piece_size(),
           "d_model": 32, "d_kv": 8, "d_ff": 48, "num_heads": 3, "num_layers": 2,
           "relative_attention_num_buckets": 32, "relative_attention_max_distance": 128,
           "layer_norm_epsilon": 1e-6, "feed_forward_proj": ff, "pad_token_id": 0, "eos_token_id": 1,
           "is_encoder_decoder": True}
    D, I, F, V = cfg["d_model"], cfg["d_kv"] * cfg["num_heads"], cfg["d_ff"], cfg["vocab_size"]
    p = {"shared.weight": torch.randn(V, D)}
    for i in range(cfg["num_layers"]):
        pre = "encoder.block.%d.layer." % i
        for n in "qkv":
            p[pre + "0.SelfAttention.%s.weight" % n] = torch.randn(I, D) * D ** -0.5
        p[pre + "0.SelfAttention.o.weight"] = torch.randn(D, I) * I ** -0.5
        if i == 0:
            p[pre + "0.SelfAttention.relative_attention_bias.weight"] = torch.randn(32, cfg["num_heads"])
        p[pre + "0.layer_norm.weight"] = 1 + 0.2 * torch.randn(D)
        p[pre + "1.layer_norm.weight"] = 1 + 0.2 * torch.randn(D)
        if ff == "gated-gelu":
            p[pre + "1.DenseReluDense.wi_0.weight"] = torch.randn(F, D) * D ** -0.5
            p[pre + "1.DenseReluDense.wi_1.weight"] = torch.randn(F, D) * D ** -0.5
        else:
            p[pre + "1.DenseReluDense.wi.weight"] = torch.randn(F, D) * D ** -0.5
        p[pre + "1.DenseReluDense.wo.weight"] = torch.randn(D, F) * F ** -0.5
    p["encoder.final_layer_norm.weight"] = 1 + 0.2 * torch.randn(D)

    L = 40
    lines = [t for t in open(captions).read().split("\n") if t][:3] + ["x", texts[9]]
    ids = np.zeros((len(lines), L), np.int32)
    mask = np.zeros((len(lines), L), np.float32)
    for b, t in enumerate(lines):
        tok = (sp.encode(t)[:L - 1] + [1])
        ids[b, :len(tok)] = tok
        mask[b, :len(tok)] = 1
    with torch.no_grad():
        out = t5_encoder(p, cfg, torch.from_numpy(ids).long(), torch.from_numpy(mask)).numpy()
    d = os.path.join(HERE, "t5_" + ff.replace("-", "_"))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    write_safetensors(os.path.join(d, "model.safetensors"), {k: v.numpy() for k, v in p.items()})
    write_safetensors(os.path.join(d, "golden.safetensors"),
                      {"input_ids": ids, "attention_mask": mask, "last_hidden_state": out.astype(np.float32)})
    with open(os.path.join(d, "texts.json"), "w") as f:
        json.dump(lines, f, ensure_ascii=False, indent=1)


make_t5("gated-gelu", 1)
make_t5("relu", 2)
