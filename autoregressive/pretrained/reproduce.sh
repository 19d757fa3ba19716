#!/usr/bin/env bash
# The autoregressive world-model recipe, from nothing (see README.md beside this file):
#   1. $CLIPS synthetic physics clips of 33 frames at 64x64 (wfm synth --scenario physics);
#   2. their ids under the DV tokenizer $TOK (default the committed dv8x8x8-ls-tiny: 33 frames ->
#      5 latent frames of 8x8 tokens, 990 ids), computed once into a token cache shared by the stages;
#   3. stage 1: the small preset learns to continue 1 frame into the next 16 (windows of 3
#      latent frames, the first given), a schedule of $STEPS1 steps stopped at $STOP1;
#   4. stage 2: from stage 1, whole clips (5 latent frames) with 9 frames (2 latent frames)
#      given, the temporal RoPE stretched by YaRN (scale 5/3), $STEPS2 steps;
#   5. with TEXT=1, stage 3: from stage 2, the captions through cross-attention (the built-in
#      T5 encoder), $STEPS3 steps;
#   6. $HEADS Medusa heads on the frozen last stage, $MEDUSA_STEPS steps (HEADS=0: none).
# With the defaults this is how autoregressive/pretrained/phys-ar was made (about 45 minutes on
# 2 cores shared with other jobs; see README.md).
# The last $VAL clips are held out: val_loss and val_accuracy in each stage's metrics.jsonl.
# Run from the repository root:
#   bash autoregressive/pretrained/reproduce.sh [RUN_DIR]            # CPU (Go backend)
#   BACKEND=cuda bash autoregressive/pretrained/reproduce.sh [RUN_DIR] # NVIDIA GPU: needs
#     python3 and jax's CUDA plugin (jax_plugins.xla_cuda13), or WFM_PJRT_PLUGIN set to a
#     xla_cuda_plugin.so, as diffusion/pretrained/reproduce-phys-gpu.sh
# WFM names a wfm binary to use instead of building one (needs Go: GOTOOLCHAIN=go1.27.3
# GOEXPERIMENT=simd). STOP1/STOP2/STOP3 stop a stage early (--stop-at) keeping its schedule;
# DATA reuses shards made before; CLIPS, SEED, VAL, BATCH, PRESET, LR, EMA, WARMUP, STEPS1-3, HEADS,
# MEDUSA_STEPS and TOK
# change the defaults below.
set -euo pipefail
run=${1:-out/ar}
tok=${TOK:-tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors}
clips=${CLIPS:-4000}; val=${VAL:-40}; batch=${BATCH:-16}; preset=${PRESET:-small}
steps1=${STEPS1:-1500}; stop1=${STOP1-1000}; steps2=${STEPS2:-600}; steps3=${STEPS3:-500}; lr=${LR:-1e-3}
heads=${HEADS:-3}; msteps=${MEDUSA_STEPS:-1500}
ema=${EMA:-0.999}
backend=${BACKEND:-go}; wfm=${WFM:-}
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
data=${DATA:-$run/data}
"$wfm" synth --out "$data" --n "$clips" --frames 33 --res 64 --scenario physics --seed "${SEED:-41}" --no-progress
common=(--data "$data" --tokenizer "$tok" --frames 33 --token-cache "$run/tokens.safetensors" --val-clips "$val"
  --batch "$batch" --lr "$lr" --min-lr 2e-5 --warmup "${WARMUP:-100}" --ema "$ema" --eval-every 250 --ckpt-every 250 --keep 2
  --log-every 25 --no-progress)
"$wfm" --backend "$backend" train autoregressive "${common[@]}" --out "$run/stage1" --preset "$preset" --stage 1 \
  --steps "$steps1" ${stop1:+--stop-at "$stop1"}
"$wfm" --backend "$backend" train autoregressive "${common[@]}" --out "$run/stage2" --init "$run/stage1" --stage 2 \
  --steps "$steps2" ${STOP2:+--stop-at "$STOP2"}
last=$run/stage2
if [ "${TEXT:-0}" = 1 ]; then
  "$wfm" --backend "$backend" train autoregressive "${common[@]}" --out "$run/stage3" --init "$run/stage2" --stage 3 \
    --text-encoder builtin --steps "$steps3" ${STOP3:+--stop-at "$STOP3"}
  last=$run/stage3
fi
if [ "$heads" -gt 0 ]; then
  # Medusa heads on the frozen last stage (the committed phys-ar is this folder's model).
  "$wfm" --backend "$backend" train medusa --init "$last" --data "$data" --token-cache "$run/tokens.safetensors" \
    --heads "$heads" --steps "$msteps" --batch 8 --lr 1e-3 --ckpt-every 250 --log-every 50 --no-progress --out "$run/medusa"
  last=$run/medusa
fi
echo "model: $last (model.safetensors, model.json, training.json)"
