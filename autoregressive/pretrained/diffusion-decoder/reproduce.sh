#!/bin/sh
# Trains the committed diffusion decoder (package diffusion/tokendecoder) and measures it on the
# 40 held-out clips. Run from the repository root. DATA: the autoregressive model's synthetic
# physics shards (wfm synth --scenario physics, 4,000 clips of 33 frames at 64x64, prefix synth).
# WFM names a wfm binary (default: built here into out/wfm).
set -eu
DATA=${DATA:-out/ar/data} # the shards of autoregressive/pretrained/reproduce.sh out/ar
OUT=${OUT:-out/diffdec}
if [ -z "${WFM:-}" ]; then
    GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd go build -o out/wfm ./cmd/wfm
    WFM=out/wfm
fi
"$WFM" train diffusion-decoder --data "$DATA" --hold-out 40 --frames 17 --res 64x64 \
    --dv-tokenizer tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors \
    --cv-tokenizer tokenizer/pretrained/cv8x8x8-ls-tiny.safetensors \
    --residual --width 96 --blocks 4 --heads 4 --batch 8 --steps 6000 --seed 1 --out "$OUT"
for s in 1 35; do
    "$WFM" eval diffusion-decoder --data "$DATA" --hold-out 40 --clips 40 --decoder "$OUT" --steps $s
done
