#!/usr/bin/env bash
# The physics world-model recipe, from nothing:
#   1. 600 synthetic physics clips (33 frames, 64x64) and 40 held-out ones;
#   2. tokenizer/pretrained/cv4x4x4-tiny.safetensors (config cv4x4x4-tiny.json): the principal
#      components of the training patches, then 250 steps (about 10 minutes on 2 cores);
#   3. the Video2World DiT of diffusion/pretrained/phys-v2w on its latents, with the built-in
#      text encoder: a cosine schedule of 2000 steps stopped after STOP (default 1300) steps,
#      about 75 minutes on 2 cores, into out/phys/runs/phys-v2w.
# The DiT works on the generated frames as offsets from the last condition frame
# (--residual-cond), on latents scaled per frame and multiplied by 4 (--latent-std frame
# --latent-gain 4) so that those offsets have about EDM's sigma_data; it learns to continue 1 or 9
# given frames (--cond-frames 1,3,3 latent frames), not Text2World. See README.md beside this file.
# Run from the repository root:
#   bash diffusion/pretrained/reproduce-phys.sh
set -euo pipefail
stop=${STOP:-1300}
export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3
go build -o out/wfm ./cmd/wfm
data=out/phys/data
./out/wfm synth --out "$data" --prefix train --n 600 --frames 33 --res 64 --scenario physics --seed 11 --no-progress
./out/wfm synth --out "$data" --prefix val --n 40 --frames 33 --res 64 --scenario physics --seed 12 --no-progress
tok=tokenizer/pretrained/cv4x4x4-tiny.safetensors
./out/wfm train tokenizer --config tokenizer/pretrained/cv4x4x4-tiny.json --out out/phys/runs/cv4x4x4-tiny \
  --data "$data" --prefix train --val-prefix val --val-clips 8 --frames 9 --crop 32 --batch 4 \
  --steps 250 --warmup 20 --lr 3e-4 --min-lr 1e-5 --ema 0.95 --eval-every 50 --log-every 10 \
  --ckpt-every 50 --no-progress --backend go --export "$tok" --export-format official-f16
./out/wfm train diffusion --data "$data" --prefix train --tokenizer "$tok" --out out/phys/runs/phys-v2w \
  --preset tiny-v2w --width 256 --heads 4 --blocks 4 --patch 4 --adaln-lora 32 \
  --residual-cond --latent-std frame --latent-gain 4 \
  --frames 33 --res 64x64 --batch 8 --cond-frames 1,3,3 --steps 2000 --stop-at "$stop" --warmup 100 \
  --lr 6e-4 --min-lr 2e-5 --p-mean -1.2 --p-std 1.2 --ema 0.998 --ckpt-every 100 --keep 4 --log-every 20 \
  --sample-sigma-min 3 --sample-guidance 0 --export-dtype float16 --no-progress --backend go
echo "model: out/phys/runs/phys-v2w (wfm generate --weights out/phys/runs/phys-v2w --input CLIP --cond-frames 9 ...)"
