#!/usr/bin/env bash
# The diffusion-transformer training step of wfm (GoMLX on XLA's CUDA plugin) beside the same
# network in PyTorch (bench/torch/dit_bench.py), eager and torch.compile, on the same GPU in one
# run, in float32 (TF32 matmuls on both sides) and bfloat16 (wfm also with WFM_FUSED_ATTENTION=1:
# cuDNN flash attention). Then sampling speed.
#
#   bash bench/gpu/dit-compare.sh WFM_BINARY OUT_DIR [PRESET BATCH LATENT CONTEXT_LEN]
#
# Defaults: base-v2w (768 wide, 12 blocks), batch 4, latent 5,32,32 (33 frames at 256x256 under
# an 8x8x8 tokenizer: 1,280 tokens per video), 512 text tokens. Needs python3 with torch and
# jax's CUDA plugin (jax_plugins.xla_cuda13), as on the lent H100/H200 machines. Each run
# writes one JSON file into OUT_DIR; peak GPU memory is read with nvidia-smi while it runs
# (XLA's allocator keeps what it took, so this is its high-water mark; PyTorch's own count,
# max_memory_allocated, is in its JSON).
set -uo pipefail
wfm=${1:?wfm binary}; out=${2:?output folder}
preset=${3:-base-v2w}; batch=${4:-4}; latent=${5:-5,32,32}; ctx=${6:-512}
steps=${STEPS:-10}; warmup=${WARMUP:-3}; evals=${EVALS:-20}
mkdir -p "$out"
here=$(cd "$(dirname "$0")/../.." && pwd)
site=$(python3 -c 'import jax_plugins.xla_cuda13 as m, os; print(os.path.dirname(os.path.dirname(os.path.dirname(m.__file__))))') || exit 1
export WFM_PJRT_PLUGIN=$site/jax_plugins/xla_cuda13/xla_cuda_plugin.so
export XLA_FLAGS="--xla_gpu_cuda_data_dir=$site/nvidia/cu13" GOPJRT_CUDA_CHECKS=0 GOMLX_NO_AUTO_INSTALL=1
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/gpu.csv"
python3 -c 'import torch; print("torch", torch.__version__)'

# peak NAME CMD...: runs CMD with nvidia-smi sampling the used GPU memory every 100 ms, and
# appends "NAME peak_gpu_mib N" to $out/peaks.txt.
peak() {
  local name=$1; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$out/mem-$name.txt" &
  local mon=$!
  "$@"; local rc=$?
  kill $mon 2>/dev/null; wait $mon 2>/dev/null
  echo "$name peak_gpu_mib $(sort -n "$out/mem-$name.txt" | tail -1) rc $rc" >>"$out/peaks.txt"
  tail -1 "$out/peaks.txt" >&2
  rm -f "$out/mem-$name.txt"
  return $rc
}

for dtype in float32 bfloat16; do
  peak "wfm-$dtype" "$wfm" --backend cuda --json bench diffusion --preset "$preset" --batch "$batch" \
    --latent "$latent" --context-len "$ctx" --steps "$steps" --warmup "$warmup" --sample-evals "$evals" \
    --dtype "$dtype" --config-out "$out/config-$dtype.json" >"$out/wfm-$dtype.json" || echo "wfm $dtype failed"
  sed -n '/"median_step_seconds"/p;/"sample_evals_per_second"/p' "$out/wfm-$dtype.json"
  if [ "$dtype" = bfloat16 ]; then
    # cuDNN flash attention through XLA (nn.FusedAttentionEnv; half precision only).
    WFM_FUSED_ATTENTION=1 peak "wfm-$dtype-fused" "$wfm" --backend cuda --json bench diffusion --preset "$preset" --batch "$batch" \
      --latent "$latent" --context-len "$ctx" --steps "$steps" --warmup "$warmup" --sample-evals "$evals" \
      --dtype "$dtype" >"$out/wfm-$dtype-fused.json" || echo "wfm $dtype fused attention failed"
    sed -n '/"median_step_seconds"/p;/"sample_evals_per_second"/p' "$out/wfm-$dtype-fused.json"
  fi
  for mode in eager compile; do
    peak "torch-$mode-$dtype" timeout 300 python3 "$here/bench/torch/dit_bench.py" --config "$out/config-$dtype.json" \
      --batch "$batch" --latent "$latent" --context-len "$ctx" --steps "$steps" --warmup "$warmup" \
      --sample-evals "$evals" --mode "$mode" --dtype "$dtype" --device cuda --json \
      >"$out/torch-$mode-$dtype.json" || echo "torch $mode $dtype failed"
    cat "$out/torch-$mode-$dtype.json"
  done
done
