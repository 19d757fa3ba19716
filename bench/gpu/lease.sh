#!/usr/bin/env bash
# One lease of a lent GPU machine, in one command (see README.md beside this file): the DiT
# comparison with PyTorch, the autoregressive decode comparison, then a physics-model training
# run until DEADLINE seconds after the start, with what should come back packed into OUT (at
# most 8 files).
#
#   bash bench/gpu/lease.sh WFM_BINARY OUT
#
# Environment: DEADLINE (default 540), BENCH_CAP (seconds for the DiT comparison, default 300;
# 0 skips it), AR_CAP (seconds for the decode comparison, default 200; 0 skips it), CLIPS,
# STEPS, BATCH, WIDTH, BLOCKS, HEADS, PATCH, LR (reproduce-phys-gpu.sh's; STEPS=0 skips
# training). A training run the deadline stops is checkpointed and exported from its last
# checkpoint (the cosine schedule then did not finish: say so when reporting it).
#
# The decode comparison is issue 19's real-time setting: the 4B shape on random weights, 1,280
# context tokens -> 1,920 new ones (9 -> 24 frames at 320x512 under DV8x16x16: a 5x20x32 token
# grid), greedy with the KV cache, batch 1, wfm on XLA's CUDA plugin beside the PyTorch replica
# (bench/torch/ar_decode_bench.py, eager) on the same GPU; ar.tgz holds both JSON results. Its
# settings: AR_PRESET (4b), AR_CONTEXT (1280), AR_NEW (1920), AR_GRID (5,20,32), AR_BATCH (1),
# AR_BACKEND (cuda), AR_DEVICE (PyTorch's, cuda), PYTHON (python3). Try it on a CPU first:
#
#   BENCH_CAP=0 STEPS=0 AR_PRESET=tiny AR_CONTEXT=16 AR_NEW=48 AR_GRID=4,4,4 AR_BACKEND=go \
#     AR_DEVICE=cpu PYTHON=/usr/bin/python3 bash bench/gpu/lease.sh /tmp/wfm /tmp/lease-out
set -uo pipefail
t0=$(date +%s)
wfm=${1:?wfm binary}; out=${2:?output folder}
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
export GOPJRT_CUDA_CHECKS=0 GOMLX_NO_AUTO_INSTALL=1 PYTHONUNBUFFERED=1
deadline=${DEADLINE:-540}
mkdir -p "$out/model" /tmp/lease
nvidia-smi -L
"$wfm" doctor | sed -n '1,6p'
if [ "${BENCH_CAP:-300}" -gt 0 ]; then
  timeout "${BENCH_CAP:-300}" bash bench/gpu/dit-compare.sh "$wfm" /tmp/lease/bench
  cat /tmp/lease/bench/peaks.txt 2>/dev/null
  tar -czf "$out/bench.tgz" -C /tmp/lease bench
fi
if [ "${AR_CAP:-200}" -gt 0 ]; then
  ar=/tmp/lease/ar; mkdir -p "$ar"
  ar_args=(--batch "${AR_BATCH:-1}" --context "${AR_CONTEXT:-1280}" --new "${AR_NEW:-1920}" --grid "${AR_GRID:-5,20,32}")
  ar_end=$(( $(date +%s) + ${AR_CAP:-200} ))
  timeout "${AR_CAP:-200}" "$wfm" --backend "${AR_BACKEND:-cuda}" --json bench autoregressive --preset "${AR_PRESET:-4b}" \
    "${ar_args[@]}" --dump-config "$ar/config.json" >"$ar/wfm.json" 2>"$ar/wfm.log" || { echo "wfm decode failed:"; tail -3 "$ar/wfm.log"; }
  left=$(( ar_end - $(date +%s) ))
  if [ -f "$ar/config.json" ] && [ "$left" -gt 10 ]; then
    timeout "$left" "${PYTHON:-python3}" bench/torch/ar_decode_bench.py --config "$ar/config.json" "${ar_args[@]}" \
      --device "${AR_DEVICE:-cuda}" --json >"$ar/torch.json" 2>"$ar/torch.log" || { echo "torch decode failed:"; tail -3 "$ar/torch.log"; }
  fi
  "${PYTHON:-python3}" - "$ar" <<'PY'
import json, os, sys
def load(name):
    try:
        with open(os.path.join(sys.argv[1], name)) as f:
            r = json.load(f)
        return r.get("result", r)
    except (OSError, ValueError):
        return None
w, t = load("wfm.json"), load("torch.json")
for who, r in (("wfm", w), ("pytorch", t)):
    if r:
        print(f"AR decode {who:8s} prefill {r['prefill_seconds']:.3f} s, {r['decode_tokens_per_second']:.1f} tokens/s, "
              f"{r['ms_per_token']:.2f} ms/token (compile {r['compile_seconds']:.1f} s)")
if w and t:
    print(f"AR decode wfm/pytorch tokens/s: {w['decode_tokens_per_second'] / t['decode_tokens_per_second']:.2f}x")
PY
  tar -czf "$out/ar.tgz" -C /tmp/lease ar
fi
if [ "${STEPS:-5000}" -gt 0 ]; then
  left=$(( deadline - ($(date +%s) - t0) - 30 ))
  echo "training for at most $left s"
  WFM=$wfm timeout -s INT "$left" bash diffusion/pretrained/reproduce-phys-gpu.sh /tmp/lease/phys 2>&1 |
    grep -v 'msg="train: step"' | tail -12
  m=/tmp/lease/phys/model
  if [ ! -f "$m/model.safetensors" ] && ls -d "$m"/ckpt-* >/dev/null 2>&1; then
    last=$(ls -d "$m"/ckpt-* | tail -1); step=$((10#${last##*ckpt-}))
    echo "deadline: exporting step $step"
    STOP=$step WFM=$wfm timeout 30 bash diffusion/pretrained/reproduce-phys-gpu.sh /tmp/lease/phys 2>&1 | tail -3
  fi
  cp "$m"/model.json "$m"/model.safetensors "$m"/metrics.jsonl "$m"/loss.png "$out/model/" 2>/dev/null
  tail -2 "$m/metrics.jsonl" 2>/dev/null
fi
echo "lease script done after $(( $(date +%s) - t0 )) s"
