#!/usr/bin/env bash
# wfm's pure-Go backend beside PyTorch eager on this CPU, same thread count, back to back, in one
# run: the reference transformer training step, the physics DiT training step and its sampling,
# autoregressive KV-cache decoding, and tokenizer encode+decode. It prints each pair and the
# ratio (PyTorch time / wfm time: above 1, wfm is faster), and writes every result as JSON into
# OUT_DIR.
#
#   bash bench/cpu-compare.sh [OUT_DIR]          (default out/cpu-compare)
#
# Settings (environment): THREADS (default: all cores, nproc), TORCH_THREADS (PyTorch's own,
# default THREADS: on the 2-core VM PyTorch 1.13 with OpenBLAS is fastest at 1 thread, its
# 2-thread steps up to 3x slower, so compare at each side's best: TORCH_THREADS=1), WFM (a wfm binary; default: build
# one here with GOEXPERIMENT=simd), PYTHON (default /usr/bin/python3, Debian's python3-torch),
# STEPS (timed training steps, default 5), EVALS (sampling evaluations, default 10), REPS
# (tokenizer repetitions, default 5), ISA=avx2 (on an AVX-512 machine, approximate an AVX2-only
# one: wfm with GOMLX_GO_SIMD_AVX512=0, PyTorch with OpenBLAS's Haswell kernels,
# DNNL_MAX_CPU_ISA=AVX2 and ATEN_CPU_CAPABILITY=avx2; Go's own simd code may still use 512-bit
# vectors, so this is not a real AVX2 machine).
#
# PyTorch runs with OpenBLAS's own CPU detection (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
# for its commands only: this workplace sets them for old OpenBLAS builds, and they force slower
# kernels); the script prints the kernel it then uses. Debian's python3-torch links the system
# libblas.so.3: with only the reference BLAS installed its matmuls are 20x slower, so the
# script refuses to compare unless an optimized BLAS (libopenblas0-pthread) provides it.
# Where torch is missing it says so and stops; it never runs inside `go test`.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/out/cpu-compare}
threads=${THREADS:-$(nproc)}
tthreads=${TORCH_THREADS:-$threads}
py=${PYTHON:-/usr/bin/python3}
steps=${STEPS:-5}; evals=${EVALS:-10}; reps=${REPS:-5}
mkdir -p "$out"

if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "cpu-compare: no PyTorch in $py (Debian: apt-get install python3-torch libopenblas0-pthread); nothing compared" >&2
  exit 0
fi
torchpy() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$@"; }
if [ "${ISA:-}" = avx2 ]; then
  export GOMLX_GO_SIMD_AVX512=0
  torchpy() { env OPENBLAS_CORETYPE=Haswell DNNL_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 "$py" "$@"; }
fi
blas=$(torchpy -c 'import ctypes
try:
    l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p
    print("OpenBLAS " + l.openblas_get_corename().decode())
except OSError:
    print("none")')
if [ "$blas" = none ] && readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null | grep -q '/blas/libblas'; then
  echo "cpu-compare: PyTorch would use the reference BLAS (install libopenblas0-pthread); not a fair comparison" >&2
  exit 1
fi

wfm=${WFM:-}
if [ -z "$wfm" ]; then
  wfm=$out/wfm
  (cd "$here" && GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd go build -o "$wfm" ./cmd/wfm) || exit 1
fi
export GOMAXPROCS=$threads
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "cpu-compare: $cpu${ISA:+ (ISA=$ISA)}, wfm $threads threads, pytorch $tthreads threads, $(date -u +%Y-%m-%d); torch $("$py" -c 'import torch; print(torch.__version__)') with $blas; $("$wfm" version)"

# run NAME CMD...: CMD's JSON (stdout) into OUT/NAME.json; its log on failure.
run() {
  local name=$1; shift
  if ! "$@" >"$out/$name.json" 2>"$out/$name.log"; then
    echo "cpu-compare: $name failed:" >&2; tail -5 "$out/$name.log" >&2; return 1
  fi
}

cd "$here"
# 1. Reference transformer training step (bench-10m, 4 x 256 tokens).
run wfm-transformer "$wfm" --backend go --json bench --preset bench-10m --steps "$steps"
run torch-transformer torchpy bench/torch/transformer_bench.py --preset bench-10m --device cpu --threads "$tthreads" --steps "$steps" --json
# 2. Physics DiT (the committed phys-v2w's shape, batch 8, latent 9x16x16, 64 text tokens):
#    training step, then sampling evaluations.
run wfm-dit "$wfm" --backend go --json bench diffusion --config diffusion/pretrained/phys-v2w --batch 8 --latent 9,16,16 \
  --context-len 64 --steps "$steps" --sample-evals "$evals" --config-out "$out/phys-dit.json"
run torch-dit torchpy bench/torch/dit_bench.py --config "$out/phys-dit.json" --batch 8 --latent 9,16,16 --context-len 64 \
  --steps "$steps" --warmup 1 --sample-evals "$evals" --device cpu --mode eager --threads "$tthreads" --json
# 3. Autoregressive decoding (the small preset, 64,000 codes, random weights): one 8x8 latent
#    frame of a 64x64 clip as context, then 3 more frames (192 tokens) one token per step with
#    the KV cache, greedy; batch 1 and 4.
for b in 1 4; do
  run "wfm-ar-b$b" "$wfm" --backend go --json bench autoregressive --preset small --batch "$b" --context 64 --new 192 \
    --dump-config "$out/ar-small.json"
  run "torch-ar-b$b" torchpy bench/torch/ar_decode_bench.py --config "$out/ar-small.json" --batch "$b" --context 64 \
    --new 192 --device cpu --threads "$tthreads" --json
done
# 4. Tokenizer encode + decode of a 17-frame 64x64 clip: the committed cv4x4x4-tiny and the
#    Cosmos-shaped cv8x8x8-tiny.
for tok in cv4x4x4-tiny cv8x8x8-tiny; do
  src=(--preset "$tok")
  [ -f "tokenizer/pretrained/$tok.json" ] && src=(--config "tokenizer/pretrained/$tok.json")
  run "wfm-$tok" "$wfm" --backend go --json bench tokenizer "${src[@]}" --frames 17 --res 64x64 --reps "$reps" \
    --config-out "$out/$tok.json"
  run "torch-$tok" torchpy bench/torch/tokenizer_bench.py --config "$out/$tok.json" --frames 17 --res 64x64 --reps "$reps" \
    --threads "$tthreads" --json
done

"$py" - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def row(what, w, t, unit="s"):
    if w is None or t is None:
        print(f"{what:34s} {'-':>10s} {'-':>10s}   (missing)")
        return
    print(f"{what:34s} {w:10.4f} {t:10.4f}   {t / w:5.2f}x")
print(f"{'':34s} {'wfm':>10s} {'pytorch':>10s}   pytorch/wfm (time)")
wt, tt = load("wfm-transformer"), load("torch-transformer")
if wt:
    r = wt["result"]
    row("transformer step (s)", r["median_step_seconds"], tt and tt["median_step_s"])
    if wt.get("matmul_ceiling"):
        ceil = wt["matmul_ceiling"]["gflops"]
        print(f"{'  wfm step / bare-matmul ceiling':34s} {r['gflops']:.1f} / {ceil:.1f} GFLOP/s = {100 * r['gflops'] / ceil:.0f}%")
wd, td = load("wfm-dit"), load("torch-dit")
if wd:
    r = wd["result"]
    row("physics DiT step (s)", r["median_step_seconds"], td and td["step_s_median"])
    w_eval = 1 / r["sample_evals_per_second"] if r.get("sample_evals_per_second") else None
    t_eval = 1 / td["sample_evals_per_s"] if td and td.get("sample_evals_per_s") else None
    row("DiT sampling (s per evaluation)", w_eval, t_eval)
for b in (1, 4):
    w, t = load(f"wfm-ar-b{b}"), load(f"torch-ar-b{b}")
    row(f"AR decode batch {b} (ms/token)", w and w["result"]["ms_per_token"], t and t["ms_per_token"])
for tok in ("cv4x4x4-tiny", "cv8x8x8-tiny"):
    w, t = load("wfm-" + tok), load("torch-" + tok)
    wr = w and w["result"]
    row(f"{tok} encode+decode (s/clip)", wr and wr["encode"]["seconds_per_clip"] + wr["decode"]["seconds_per_clip"],
        t and t["encode"]["s_per_clip"] + t["decode"]["s_per_clip"])
EOF
