#!/usr/bin/env bash
# The GPU figures the open issues still ask for, in one script for a lent GPU machine (how such a
# machine runs commands: docs/notes.md, "The lent GPU machine's limits"). Prepare on the build machine:
#
#   bash scripts/gpu-figures.sh prepare
#
# (a compressed single-file publish without LibTorch, DuckDB or the plot libraries into
# .device/pipeline, the Brown corpus into data/brown, and the size against the 64 MiB the device
# takes), then run it there from the repository root with carry [".device/pipeline", "data/brown"]
# and a timeout of 600 s: `bash scripts/gpu-figures.sh`. The steps' limits add up to 570 s, most
# important first (a session's device time is 15 minutes, the machine's start included). It
# prints every figure and exits 1 when any step failed. Only 8 flat files come back from the
# device's $OUT, so the runs are written to $ARTIFACTS and $OUT gets the log and the figures'
# Arrow files (for `pipeline query` here).
#
# The PyTorch figures to set them against, on the same GPU, are a second call (no carry needed; 171 s on an H200, 2026-12-04):
#   set -o pipefail; PYTHONUNBUFFERED=1 timeout 430 python3 scripts/pytorch-reference.py --compile 2>&1 | tee $OUT/pytorch-reference.log
#
# Rehearsal on the CPU (a test runs it, so a CLI change cannot first break it on the GPU):
#   REHEARSAL=1 PIPELINE="dotnet src/Host/bin/Release/net10.0/pipeline.dll" OUT=/tmp/out bash scripts/gpu-figures.sh
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = prepare ]; then
  set -e
  rm -rf .device/pipeline
  dotnet publish src/Host -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
    -p:EnableCompressionInSingleFile=true -p:LibTorchPackage=none -o .device/pipeline
  rm -f .device/pipeline/libduckdb.so .device/pipeline/libSkiaSharp.so .device/pipeline/libHarfBuzzSharp.so .device/pipeline/*.pdb
  [ -d data/brown ] || dotnet run --project src/Host -c Release -- data brown --out data/brown
  tree=$(git ls-files -z | du -c --files0-from=- -k | tail -1 | cut -f1)
  carry=$(du -sk .device/pipeline data/brown | awk '{s += $1} END {print s}')
  total=$(( (tree + carry) / 1024 ))
  echo "the device takes the tree and the carried paths: ${total} MiB of 64 (carry [\".device/pipeline\", \"data/brown\"])"
  [ "$total" -lt 64 ] || { echo "too large for the device" >&2; exit 1; }
  exit 0
fi
OUT=${OUT:-/tmp/out}
ARTIFACTS=${ARTIFACTS:-/tmp/gpu-figures}
rm -rf "$ARTIFACTS"
mkdir -p "$OUT" "$ARTIFACTS"
exec > >(tee "$OUT/gpu-figures.log") 2>&1

if [ "${REHEARSAL:-0}" = 1 ]; then
  P=${PIPELINE:?set PIPELINE to the pipeline command}
  DEVICE=cpu
  SCALE=4   # the limits are the device's; a busy 2-core machine may take longer for the shrunk steps
  TRAIN="4M:2"; FUSED="4M:2"; SEQ=32; STEPS=1; PHASES=1   # model:batch
  BIG=4M; BIG_BATCH=4; BIG_ACCUM=2; BIG_STEPS=1
  VOCAB=512   # bf16 on the CPU is slow, and a 50,304-row embedding and head were most of each step
  # One task each, probed at the start and the end only, with few DAS pairs, in a 2-layer model: the probes' cost on
  # the CPU is the Fourier readout's forward over every operand pair, so fewer probe calls and layers shorten the rehearsal.
  PROBE_SETS=(--set train.steps=20
              --set 'probes={every: 0, das: {task: cmp_3e-3, layer: 1, steps: 5, batch_size: 16, train_pairs: 64, test_pairs: 32}, fourier: {task: add_3e-3, layer: 1}}'
              --set 'data.packing={seq_len: 32, batch_size: 4}' --set 'sweep.olmo.hidden=[16]' --set olmo.layers=2 --set olmo.eval_every=10)
else
  export LD_LIBRARY_PATH=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")/lib
  P=${PIPELINE:-.device/pipeline/pipeline}
  DEVICE=cuda
  SCALE=1
  TRAIN="20M:16 300M:8 1B:8"; FUSED="20M:16 1B:8"; SEQ=2048; STEPS=20; PHASES=5
  BIG=4B; BIG_BATCH=8; BIG_ACCUM=8; BIG_STEPS=5
  VOCAB=50304   # the paper's padded GPT-2 vocabulary, as the PyTorch figures were measured
  # The probes at the default cadence (every 500 steps, DAS 400 steps) on a GPU-scale step.
  PROBE_SETS=(--set train.steps=1000 --set 'probes={every: 500, das: {layer: 4}, fourier: {layer: 4}}'
              --set 'data.packing={seq_len: 256, batch_size: 64}' --set 'sweep.olmo.hidden=[64]')
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
fi

start=$SECONDS
failed=()
# step LIMIT_S COMMAND...: runs one measurement under a time limit; a failure is reported and the next step runs.
step() {
  local limit=$1; shift
  echo "== [$((SECONDS - start)) s] $*"
  timeout "$((limit * SCALE))" "$@"
  local rc=$?
  if [ $rc -ne 0 ]; then echo "!! exit $rc: $*"; failed+=("$*"); fi
}

# First, whether the device trains what the CPU trains (fp32 and bf16, the shared bf16 casts, the
# TorchScript kernels): the figures below mean nothing if it does not. Both elementwise paths.
step 20 $P bench parity --device $DEVICE --artifacts "$ARTIFACTS"
step 20 $P bench parity --device $DEVICE --fused-elementwise --artifacts "$ARTIFACTS"
# Issue 13: training speed with the fused AdamW and no host reads between logging steps, against
# PyTorch 2.11 eager on an H100 (453K / 123K / 48.0K tokens/s for 20M / 300M / 1B at seq 2048, bf16).
# Each prints its attention kernel (flash expected for bf16 on CUDA) and, after the figures, where a
# step's time goes (--phases: the device synchronised after each phase; not in the figures).
for m in $TRAIN; do
  step 60 $P bench train --model "${m%%:*}" --device $DEVICE --batch-size "${m##*:}" --seq-len $SEQ --vocab $VOCAB --steps $STEPS --precision bf16 \
    --phases $PHASES --artifacts "$ARTIFACTS"
done
# The 4B preset in micro-batches (memory: one 140 GB-class GPU).
step 150 $P bench train --model $BIG --device $DEVICE --batch-size $BIG_BATCH --grad-accumulation $BIG_ACCUM --seq-len $SEQ --vocab $VOCAB \
  --steps $BIG_STEPS --precision bf16 --phases 1 --artifacts "$ARTIFACTS"

# Issue 13: does fusing rotary and SwiGLU pay (olmo.fused_elementwise: TorchScript, LibTorch's CUDA fuser)?
# The same runs as above with it on: the launch-bound small model and the bandwidth-heavy large one.
for m in $FUSED; do
  step 60 $P bench train --model "${m%%:*}" --device $DEVICE --batch-size "${m##*:}" --seq-len $SEQ --vocab $VOCAB --steps $STEPS --precision bf16 \
    --fused-elementwise --artifacts "$ARTIFACTS"
done

# Issue 11: the probes on the device in bf16, and their cost as a share of the training steps.
step 80 $P bench probes pipelines/olmo-representations.yaml --profile cpu --device $DEVICE --set olmo.precision=bf16 \
  "${PROBE_SETS[@]}" --artifacts "$ARTIFACTS"

# The parity checks' verdicts are in the log; their records stay behind (8 files come back).
cp "$ARTIFACTS"/bench/train-*.arrow "$ARTIFACTS"/bench/probes-*.arrow "$OUT"/ 2>/dev/null
files=$(ls "$OUT" | wc -l)
[ "$files" -le 8 ] || echo "!! $files files in $OUT: the device brings back only 8 (fewer steps, or fewer records)"
echo "== [$((SECONDS - start)) s] done; in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
