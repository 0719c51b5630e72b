#!/usr/bin/env bash
# The runner inside the GPU bundle (scripts/gpu-bundle copies it to alexnet-gpu/run.sh). On a Linux machine with
# only the NVIDIA driver and CUDA libraries (no JDK, Maven or network) it runs, with the bundled Java runtime:
#   doctor; the CUDA parity suite (every op and a training step, each tier on its own, against the CPU backend);
#   `bench-gemm` (own SGEMM kernels, and cuBLAS where its tier loads) next to PyTorch's cuBLAS at the same shapes;
#   `bench --layers` at batch 128 for each tier configuration next to PyTorch on the same GPU; a short
#   `train --backend cuda` on the bundled images;
# and prints a summary table. Every step has a time limit and its log under the results directory.
#
#   ./run.sh [--lib-dir DIR]... [--no-discover] [--results DIR] [--python PY] [--only STEPS] [--batch N] [--tf32]
#
# CUDA libraries: LD_LIBRARY_PATH, plus each --lib-dir, plus (unless --no-discover) the directories of every
# libcudnn*.so.9, libcublas*.so.1[23] and CUDA runtime library found on the machine (e.g. inside PyTorch's
# Python environment). Tier 1 needs only the driver (libcuda.so.1); tier 2 (JCublas 12.6) needs libcublas.so.12:
# where only CUDA 13's libcublas.so.13 exists, the bundled compat/libcublas.so.12 (alexnet-cuda/compat/cublas12)
# forwards the calls the tier makes to it, and the summary says so. Tier 3 needs libcudnn.so.9.
# --only takes a comma list of: doctor,parity,gemm,bench,torch,train (default: all). --tf32 adds the TF32 runs of
# ours and PyTorch's benchmark (fp32 only by default).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
results="$here/results"
discover=1
python=""
only="doctor,parity,gemm,bench,torch,train"
batch=128
tf32=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lib-dir) export LD_LIBRARY_PATH="$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; shift 2;;
    --no-discover) discover=0; shift;;
    --results) results="$2"; shift 2;;
    --python) python="$2"; shift 2;;
    --only) only="$2"; shift 2;;
    --batch) batch="$2"; shift 2;;
    --tf32) tf32=1; shift;;
    -h|--help) sed -n 2,18p "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$results"
want() { [[ ",$only," == *",$1,"* ]]; }
java="$here/jre/bin/java"
# cuDNN's candidate algorithms and the chosen ones go to the logs.
jvm=(--add-modules=jdk.incubator.vector -Xmx16g -Xss4m -Dorg.slf4j.simpleLogger.log.io.github.alexnetjava.cuda.CudnnTier=debug)
# Fonts for curves.png where the machine has no fontconfig setup: the bundled font directory.
if [[ -f "$here/fonts.conf" ]]; then
  sed "s|@FONTDIR@|$here/jre/lib/fonts|" "$here/fonts.conf" > "$results/fonts.conf"
  export FONTCONFIG_FILE="$results/fonts.conf"
fi
jar="$here/lib/alexnet.jar"
declare -a summary=()
note() { summary+=("$(printf '%-34s %s' "$1" "$2")"); echo "   -> $1: $2"; }

# step NAME SECONDS CMD...: runs CMD with a time limit, stdout+stderr to results/NAME.log; returns its status.
step() {
  local name="$1" limit="$2"; shift 2
  echo "== $name (limit ${limit}s): $*"
  local t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$results/$name.log" 2>&1
  local rc=$?
  echo "   $name: exit $rc after $((SECONDS - t0)) s"
  [[ $rc -eq 124 || $rc -eq 137 ]] && echo "   $name: TIMED OUT" >> "$results/$name.log"
  return $rc
}

{
  echo "date: $(date -u +%FT%TZ)"
  uname -a
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 || echo "(no nvidia-smi)"
} | tee "$results/machine.txt"

if [[ $discover -eq 1 ]]; then
  dirs="$(find /opt /usr /home /root /srv /workspace \( -path "$here" \) -prune -o \
    \( -name 'libcudnn.so.9*' -o -name 'libcublas.so.1[23]*' -o -name 'libcublasLt.so.1[23]*' \
       -o -name 'libnvrtc.so.1[23]*' -o -name 'libnvJitLink.so.1[23]*' -o -name 'libcudart.so.1[23]*' \) \
    -print 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd: -)"
  [[ -n "$dirs" ]] && export LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
has_lib() { local d; IFS=: read -ra ds <<< "${LD_LIBRARY_PATH:-}"; for d in "${ds[@]}" /usr/lib/x86_64-linux-gnu /usr/lib64; do
  compgen -G "$d/$1" > /dev/null && return 0; done; return 1; }
cublas_note="libcublas.so.12 found"
if ! has_lib 'libcublas.so.12*'; then
  if has_lib 'libcublas.so.13*' && [[ -f "$here/compat/libcublas.so.12" ]]; then
    export LD_LIBRARY_PATH="$here/compat:$LD_LIBRARY_PATH"
    cublas_note="no libcublas.so.12: tier 2 runs through compat/libcublas.so.12 -> libcublas.so.13"
  else
    cublas_note="no libcublas.so.12 (and no libcublas.so.13 for the compat library): tier 2 cannot load"
  fi
fi
echo "== LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}" | tee -a "$results/machine.txt"
echo "== cuBLAS: $cublas_note" | tee -a "$results/machine.txt"
note "cuBLAS library" "$cublas_note"

if [[ -z "$python" ]]; then
  for p in python3 /opt/torch/.venv/bin/python3 python /usr/bin/python3; do
    if command -v "$p" > /dev/null && "$p" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
        2> /dev/null; then python="$p"; break; fi
  done
fi
[[ -n "$python" ]] && echo "== PyTorch: $python ($("$python" -c 'import torch; print(torch.__version__)'))" \
  | tee -a "$results/machine.txt"

if want doctor; then
  step doctor 90 "$java" "${jvm[@]}" -jar "$jar" doctor
  rc=$?
  cat "$results/doctor.log"
  note "doctor" "exit $rc; $(grep -E 'Tier|tier' "$results/doctor.log" | sed 's/^ *//' | cut -c1-60 | paste -sd';' -)"
fi

if want parity; then
  # One JVM per tier, with synchronous launches so a kernel fault names its launch and cannot hide another tier.
  for pm in "kernels:KERNELS:" "cublas:CUBLAS,CUBLAS_TF32:" "cudnn:CUDNN:" \
            "cudnn-find:CUDNN:-Dalexnet.cuda.cudnn.benchmark=true" "split:SPLIT:"; do
    name="parity-${pm%%:*}"; rest="${pm#*:}"; modes="${rest%%:*}"; props="${rest#*:}"
    # shellcheck disable=SC2086
    step "$name" 240 env CUDA_LAUNCH_BLOCKING=1 "$java" "${jvm[@]}" $props -Dalexnet.cuda.parity.modes="$modes" \
      -jar "$here/lib/junit-platform-console-standalone.jar" execute \
      --class-path "$here/test-classes:$jar" --select-package io.github.alexnetjava.cuda \
      --details=tree --disable-banner --reports-dir "$results/junit-$name"
    rc=$?
    checks="$(grep -c '\[cuda parity\]' "$results/$name.log")"
    worst="$(grep -E '\[cuda parity\]' "$results/$name.log" | grep -v ' 0\.00e+00' | grep -o 'rel [0-9.e+-]*' \
      | sort -t' ' -k2 -g | tail -1)"
    grep -E "tests (successful|failed|aborted)" "$results/$name.log"
    grep -E "✘|exceeds|Exception:" "$results/$name.log" | head -30
    note "$name ($modes)" "$([[ $rc -eq 0 ]] && echo passed || echo "FAILED (exit $rc)"); $checks checks, worst ${worst:-rel 0}; $(grep -E 'tests (successful|failed|aborted)' \
      "$results/$name.log" | tr -s ' []' ' ' | paste -sd, -)"
  done
fi

# Tier configurations of the bench: name and system properties.
configs=("kernels:-Dalexnet.cuda.cublas=false -Dalexnet.cuda.cudnn=false"
         "kernels+cudnn:-Dalexnet.cuda.cublas=false"
         "cublas+cudnn:"
         "cublas+cudnn-find:-Dalexnet.cuda.cudnn.benchmark=true"
         "cublas+cudnn+transforms:-Dalexnet.cuda.cudnn.transforms=true"
         "cublas+cudnn-find+transforms:-Dalexnet.cuda.cudnn.benchmark=true -Dalexnet.cuda.cudnn.transforms=true")
[[ $tf32 -eq 1 ]] && configs+=("cublas+cudnn-find+tf32:-Dalexnet.cuda.tf32=true -Dalexnet.cuda.cudnn.benchmark=true")

if want bench; then
  for cfg in "${configs[@]}"; do
    name="${cfg%%:*}"; props="${cfg#*:}"
    # shellcheck disable=SC2086
    step "bench-$name" 180 "$java" "${jvm[@]}" $props -jar "$jar" bench --backend cuda --model alexnet \
      --batch "$batch" --warmup 3 --iters 10 --layers --json
    rc=$?
    t="$(grep -E '^train:' "$results/bench-$name.log" | head -1 | tr -s ' ')"
    i="$(grep -E '^inference:' "$results/bench-$name.log" | head -1 | tr -s ' ')"
    d="$(grep -o 'cuda ([^)]*)' "$results/bench-$name.log" | head -1)"
    note "ours $name b$batch" "$([[ $rc -eq 0 ]] && echo "$t | $i | $d" || echo "FAILED (exit $rc): $(tail -2 "$results/bench-$name.log" | tr '\n' ' ')")"
  done
fi

if want bench; then
  # The paper's two-tower split as two logical devices on GPU 0 (transfers staged through the host).
  step bench-split 180 "$java" "${jvm[@]}" -Dalexnet.cuda.deviceMap=0,0 -jar "$jar" bench --backend cuda \
    --model alexnet --batch "$batch" --devices 2 --warmup 2 --iters 5 --json
  rc=$?
  note "ours split 2 towers on 1 GPU b$batch" "$([[ $rc -eq 0 ]] && grep -E '^(train|inference):' "$results/bench-split.log" | tr -s ' ' | paste -sd'|' - || echo "FAILED (exit $rc): $(tail -2 "$results/bench-split.log" | tr '\n' ' ')")"
fi

if want torch && [[ -n "$python" ]]; then
  variants=("fp32:" "fp32-cudnn-benchmark:--cudnn-benchmark")
  [[ $tf32 -eq 1 ]] && variants+=("tf32-cudnn-benchmark:--tf32 --cudnn-benchmark")
  for v in "${variants[@]}"; do
    name="${v%%:*}"; flags="${v#*:}"
    # shellcheck disable=SC2086
    step "torch-$name" 240 env PYTHONUNBUFFERED=1 "$python" "$here/scripts/bench_pytorch.py" --device cuda \
      --batch "$batch" --warmup 3 --iters 10 --layers --json $flags
    rc=$?
    t="$(grep -E '^train:' "$results/torch-$name.log" | head -1 | tr -s ' ')"
    i="$(grep -E '^inference:' "$results/torch-$name.log" | head -1 | tr -s ' ')"
    note "pytorch $name b$batch" "$([[ $rc -eq 0 ]] && echo "$t | $i" || echo "FAILED (exit $rc): $(tail -2 "$results/torch-$name.log" | tr '\n' ' ')")"
  done
fi

if want gemm; then
  step gemm-own 180 "$java" "${jvm[@]}" -Dalexnet.cuda.cublas=false -Dalexnet.cuda.cudnn=false -jar "$jar" \
    bench-gemm --backend cuda --batch "$batch" --warmup 3 --iters 20 --json
  note "bench-gemm own kernels" "exit $?"
  grep -E '^(gemm|conv|fc)' "$results/gemm-own.log"
  # Ablations of the own kernels' launch plan (GemmPlan): one block per multiprocessor; no split-K.
  step gemm-own-1block 120 "$java" "${jvm[@]}" -Dalexnet.cuda.cublas=false -Dalexnet.cuda.cudnn=false \
    -Dalexnet.cuda.gemm.twoBlocks=false -jar "$jar" bench-gemm --backend cuda --batch "$batch" --warmup 3 --iters 20 --json
  note "bench-gemm own, 1 block/SM" "exit $?"
  step gemm-own-nosplit 120 "$java" "${jvm[@]}" -Dalexnet.cuda.cublas=false -Dalexnet.cuda.cudnn=false \
    -Dalexnet.cuda.gemm.split=1 -jar "$jar" bench-gemm --backend cuda --batch "$batch" --warmup 3 --iters 20 --json
  note "bench-gemm own, no split-K" "exit $?"
  step gemm-cublas 120 "$java" "${jvm[@]}" -Dalexnet.cuda.cudnn=false -jar "$jar" \
    bench-gemm --backend cuda --batch "$batch" --warmup 3 --iters 20 --json
  note "bench-gemm cublas tier" "exit $? ($(grep -o 'GEMM: [^,]*' "$results/gemm-cublas.log" | head -1))"
  if [[ -n "$python" ]]; then
    # PyTorch's cuBLAS timed once, each of ours set beside it.
    variants=(own own-1block own-nosplit cublas)
    ours=()
    for v in "${variants[@]}"; do ours+=(--ours "$results/gemm-$v.log"); done
    step gemm-torch 180 env PYTHONUNBUFFERED=1 "$python" "$here/scripts/bench_gemm_pytorch.py" --device cuda \
      --batch "$batch" --warmup 3 --iters 20 "${ours[@]}" --json
    grep -vE '^\{|^bench_gemm' "$results/gemm-torch.log"
    for v in "${variants[@]}"; do
      note "gemm $v / cuBLAS(torch)" "$(grep -A16 "^== ours: .*gemm-$v.log" "$results/gemm-torch.log" \
        | grep -E '^all shapes' | tr -s ' ')"
    done
  fi
fi

if want train; then
  step train 180 "$java" "${jvm[@]}" -jar "$jar" train --backend cuda --data "$here/data/fashion-mini" \
    --model alexnet-small --epochs 2 --out "$results/train-run" --progress lines --json
  rc=$?
  note "train --backend cuda" "$([[ $rc -eq 0 ]] && tail -1 "$results/train.log" || echo "FAILED (exit $rc): $(tail -3 "$results/train.log" | tr '\n' ' ')")"
fi

{
  echo
  echo "================ summary ================"
  grep -iE 'nvidia|h100|h200' "$results/machine.txt" | grep -v -e LD_LIBRARY -e 'not found' | head -2
  printf '%s\n' "${summary[@]}"
  echo "(logs in $results)"
} | tee "$results/summary.txt"
