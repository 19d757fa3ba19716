#!/usr/bin/env bash
# The recipe of diffusion/pretrained/phys-v2w: the network and latent settings of
# reproduce-phys.sh (its comments say why each is there) trained on a GPU with more data and
# steps: $CLIPS synthetic clips (default 4000), batch $BATCH (default 32), $STEPS steps (default
# 5000) at lr 8e-4 with EMA 0.999, on the committed tokenizer
# tokenizer/pretrained/cv4x4x4-tiny.safetensors. About 3 minutes on one H200 (2026-11-26).
# Run from the repository root, on a machine with an NVIDIA GPU, python3 and jax's CUDA plugin
# (jax_plugins.xla_cuda13; or set WFM_PJRT_PLUGIN to a xla_cuda_plugin.so):
#   WFM=path/to/wfm bash diffusion/pretrained/reproduce-phys-gpu.sh [RUN_DIR]
# WFM defaults to a binary built here (needs Go: GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd go build ./cmd/wfm);
# BACKEND=go runs it on the CPU (for a smoke test with small CLIPS, STEPS and BATCH).
set -euo pipefail
run=${1:-out/phys-gpu}
clips=${CLIPS:-4000}; steps=${STEPS:-5000}; batch=${BATCH:-32}; data=${DATA:-$run/data}; warmup=${WARMUP:-200}
# The network's shape (phys-v2w's by default); a wider, deeper or finer-patched one is the next
# thing to try on a GPU (generation on the CPU slows with it: keep 33 frames under a minute).
width=${WIDTH:-256}; blocks=${BLOCKS:-4}; heads=${HEADS:-4}; patch=${PATCH:-4}; lr=${LR:-8e-4}
wfm=${WFM:-}; backend=${BACKEND:-cuda}
if [ -z "$wfm" ]; then
  GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd go build -o out/wfm ./cmd/wfm
  wfm=out/wfm
fi
if [ "$backend" = cuda ] && [ -z "${WFM_PJRT_PLUGIN:-}" ]; then
  site=$(python3 -c 'import jax_plugins.xla_cuda13 as m, os; print(os.path.dirname(os.path.dirname(os.path.dirname(m.__file__))))')
  export WFM_PJRT_PLUGIN=$site/jax_plugins/xla_cuda13/xla_cuda_plugin.so
  export XLA_FLAGS="--xla_gpu_cuda_data_dir=$site/nvidia/cu13"
fi
export GOPJRT_CUDA_CHECKS=0 GOMLX_NO_AUTO_INSTALL=1
"$wfm" synth --out "$data" --prefix train --n "$clips" --frames 33 --res 64 --scenario physics --seed 21 --no-progress
"$wfm" --backend "$backend" train diffusion --data "$data" --prefix train --tokenizer tokenizer/pretrained/cv4x4x4-tiny.safetensors \
  --out "$run/model" --preset tiny-v2w --width "$width" --heads "$heads" --blocks "$blocks" --patch "$patch" --adaln-lora 32 \
  --residual-cond --latent-std frame --latent-gain 4 \
  --frames 33 --res 64x64 --batch "$batch" --cond-frames 1,3,3 --steps "$steps" ${STOP:+--stop-at "$STOP"} --warmup "$warmup" \
  --lr "$lr" --min-lr 2e-5 --p-mean -1.2 --p-std 1.2 --ema 0.999 --ckpt-every 500 --keep 2 --log-every 50 \
  --sample-sigma-min 3 --sample-guidance 0 --export-dtype float16 --no-progress
echo "model: $run/model"
