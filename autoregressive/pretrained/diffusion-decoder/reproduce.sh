#!/bin/sh
# Trains the committed diffusion decoder (package diffusion/tokendecoder) and measures it on the
# 40 held-out clips. Run from the repository root. DATA: the autoregressive model's synthetic
# physics shards (wfm synth --scenario physics, 4,000 clips of 33 frames at 64x64, prefix synth).
set -eu
DATA=${DATA:-/work/runs/ardata4k}
OUT=${OUT:-/work/runs/diffdec/residual-all}
wfm train diffusion-decoder --data "$DATA" --hold-out 40 --frames 17 --res 64x64 \
    --dv-tokenizer tokenizer/pretrained/dv8x8x8-ls-tiny.safetensors \
    --cv-tokenizer tokenizer/pretrained/cv8x8x8-ls-tiny.safetensors \
    --residual --width 96 --blocks 4 --heads 4 --batch 8 --steps 6000 --seed 1 --out "$OUT"
for s in 1 35; do
    wfm eval diffusion-decoder --data "$DATA" --hold-out 40 --clips 40 --decoder "$OUT" --steps $s
done
