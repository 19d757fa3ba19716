#!/usr/bin/env bash
# Reproduces tokenizer/pretrained/PRESET.safetensors from scratch: the synthetic data, then the
# training run exactly as it was made. Run from the repository root:
#   bash tokenizer/pretrained/reproduce.sh cv8x8x8-tiny        # Cosmos-shaped, ~90 min
#   bash tokenizer/pretrained/reproduce.sh dv8x16x16-tiny      # Cosmos-shaped, ~90 min
#   bash tokenizer/pretrained/reproduce.sh cv8x8x8-ls-tiny     # linear shortcut, ~20 min
#   bash tokenizer/pretrained/reproduce.sh dv8x8x8-ls-tiny     # linear shortcut + FSQ, ~20 min
#   bash tokenizer/pretrained/reproduce.sh dv4x4x4-ls-tiny     # linear shortcut + FSQ, ~10 min
# (times on a 2-core CPU shared with other jobs). cv4x4x4-tiny is reproduced by the first half
# of diffusion/pretrained/reproduce-phys.sh.
set -euo pipefail
preset=${1:?usage: reproduce.sh cv8x8x8-tiny|dv8x16x16-tiny|cv8x8x8-ls-tiny|dv8x8x8-ls-tiny|dv4x4x4-ls-tiny}
export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3
go build -o out/wfm ./cmd/wfm
case "$preset" in
cv8x8x8-tiny | dv8x16x16-tiny)
  # The Cosmos-shaped recipe: 1000 steps on 32x32 crops, extended twice by raising --steps
  # (each resume is bit-exact on the same machine and backend).
  data=out/tok/data
  ./out/wfm synth --out "$data" --prefix train --n 400 --frames 33 --res 64 --scenario all --seed 1
  ./out/wfm synth --out "$data" --prefix val --n 48 --frames 33 --res 64 --scenario all --seed 7
  common=(--preset "$preset" --out "out/tok/runs/$preset" --data "$data" --prefix train
    --val-prefix val --val-clips 8 --frames 9 --crop 32 --batch 4 --warmup 30 --lr 2e-3
    --min-lr 2e-5 --ema 0.98 --eval-every 150 --log-every 10 --ckpt-every 25 --backend go)
  ./out/wfm train tokenizer "${common[@]}" --steps 600
  ./out/wfm train tokenizer "${common[@]}" --steps 700
  ./out/wfm train tokenizer "${common[@]}" --steps 1000 --export-format official-f16 \
    --export "tokenizer/pretrained/$preset.safetensors"
  ;;
cv8x8x8-ls-tiny | dv8x8x8-ls-tiny | dv4x4x4-ls-tiny)
  # The linear-shortcut recipe (docs/tokenizer-recipe-findings.md): the principal components
  # of the training patches (and, for FSQ, quant_conv scaled to fill each channel's levels),
  # then a short fine-tuning on whole 17-frame 64x64 clips at a small learning rate.
  steps=300
  [ "$preset" = dv4x4x4-ls-tiny ] && steps=100
  data=out/tok/phys17
  ./out/wfm synth --out "$data" --prefix train --n 200 --frames 17 --res 64 --scenario physics --seed 1
  ./out/wfm synth --out "$data" --prefix val --n 16 --frames 17 --res 64 --scenario physics --seed 7
  ./out/wfm train tokenizer --config "tokenizer/pretrained/$preset.json" --out "out/tok/runs/$preset" \
    --data "$data" --prefix train --val-prefix val --val-clips 8 --frames 17 --crop 0 --batch 4 \
    --steps "$steps" --warmup 20 --lr 1e-5 --min-lr 1e-6 --ema 0.95 --eval-every 50 --log-every 10 \
    --ckpt-every 50 --backend go --export-format official-f16 \
    --export "tokenizer/pretrained/$preset.safetensors"
  ;;
*)
  echo "reproduce.sh: unknown preset $preset" >&2
  exit 2
  ;;
esac
