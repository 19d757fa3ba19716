#!/usr/bin/env bash
# Reproduces tokenizer/pretrained/PRESET.safetensors (PRESET: cv8x8x8-tiny or dv8x16x16-tiny)
# from scratch: the synthetic data, then the training run exactly as it was made (1000 steps,
# extended twice by raising --steps; each resume is bit-exact on the same machine and backend).
# About 90 minutes per preset on a 2-core CPU. Run from the repository root:
#   bash tokenizer/pretrained/reproduce.sh cv8x8x8-tiny
set -euo pipefail
preset=${1:?usage: reproduce.sh cv8x8x8-tiny|dv8x16x16-tiny}
export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3
go build -o out/wfm ./cmd/wfm
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
