#!/usr/bin/env bash
# Reproduces diffusion/pretrained/tiny-v2w/ (model.safetensors, model.json): the synthetic
# training clips (the same data as the tokenizer's), then 1500 steps of the tiny-v2w DiT on
# latents of the committed cv8x8x8-tiny tokenizer, with the built-in text encoder. About 17
# minutes on a 2-core CPU. Run from the repository root:
#   bash diffusion/pretrained/reproduce.sh
set -euo pipefail
export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3
go build -o out/wfm ./cmd/wfm
data=out/tok/data
./out/wfm synth --out "$data" --prefix train --n 400 --frames 33 --res 64 --scenario all --seed 1
./out/wfm train diffusion --data "$data" --prefix train \
  --tokenizer tokenizer/pretrained/cv8x8x8-tiny.safetensors --out out/diff/tiny-v2w \
  --preset tiny-v2w --frames 33 --res 64x64 --batch 4 --image-batch 2 --steps 1500 \
  --max-clips 256 --no-progress
mkdir -p diffusion/pretrained/tiny-v2w
cp out/diff/tiny-v2w/model.safetensors out/diff/tiny-v2w/model.json diffusion/pretrained/tiny-v2w/
