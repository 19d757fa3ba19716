#!/usr/bin/env bash
# One lease of a lent GPU machine, in one command (see README.md beside this file): the DiT
# comparison with PyTorch, then a physics-model training run until DEADLINE seconds after the
# start, with what should come back packed into OUT (at most 8 files).
#
#   bash bench/gpu/lease.sh WFM_BINARY OUT
#
# Environment: DEADLINE (default 540), BENCH_CAP (seconds for the comparison, default 300; 0
# skips it), CLIPS, STEPS, BATCH, WIDTH, BLOCKS, HEADS, PATCH, LR (reproduce-phys-gpu.sh's;
# STEPS=0 skips training). A training run the deadline stops is checkpointed and exported from
# its last checkpoint (the cosine schedule then did not finish: say so when reporting it).
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
