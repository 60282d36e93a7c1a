#!/usr/bin/env bash
# Issue 13's data-path figures on a many-core machine (the lent GPU machine's 16 cores; no GPU is used): `bench data` at 4
# threads and at every core, the stream parsing lines as it reads them and parsing them ahead on the thread pool, with the
# shards read alone beside each repeat (the ceiling that reading sets on the stream). Prepare as
# for the GPU figures (`bash scripts/gpu-figures.sh prepare`), then run it there from the repository root with carry
# [".device/pipeline", "data/brown"] and a timeout of 300 s: `bash scripts/data-figures.sh`. Rehearsal on the CPU:
#   PIPELINE="dotnet src/Host/bin/Release/net10.0/pipeline.dll" EPOCHS=2 OUT=/tmp/out bash scripts/data-figures.sh
# (a test runs it so). $OUT gets the log and each run's record flat, as the device returns them (data-ahead-0.arrow, ...).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}
ARTIFACTS=${ARTIFACTS:-/tmp/data-figures}
P=${PIPELINE:-.device/pipeline/pipeline}
EPOCHS=${EPOCHS:-20}   # Brown is 1.3 M tokens a pass: at tens of millions of tokens/s a measurement needs many passes
CORES=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)   # nproc obeys OMP_NUM_THREADS, which a caller may set to 1
THREADS=4; [ "$CORES" = 4 ] || THREADS="4,$CORES"   # a count given twice is refused
rm -rf "$ARTIFACTS"
mkdir -p "$OUT" "$ARTIFACTS"
exec > >(tee "$OUT/data-figures.log") 2>&1
echo "$CORES cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
failed=0
for ahead in 0 default; do
  flag=(); [ "$ahead" = default ] || flag=(--parse-ahead "$ahead")
  echo "== parse ahead: $ahead"
  timeout 140 $P bench data --source 'data/brown/*.json.gz' --threads "$THREADS" --epochs "$EPOCHS" "${flag[@]}" \
    --artifacts "$ARTIFACTS/ahead-$ahead" || failed=1
  cp "$ARTIFACTS/ahead-$ahead"/bench/data-*.arrow "$OUT/data-ahead-$ahead.arrow" || failed=1
done
exit $failed
