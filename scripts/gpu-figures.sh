#!/usr/bin/env bash
# The GPU figures the open issues still ask for, in one script for a lent GPU machine (see
# shared/docs/platform.md "Running on the lent GPU machine"). Prepare on the build machine:
#
#   dotnet publish src/Host -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#     -p:LibTorchPackage=none -o .device/pipeline
#   rm .device/pipeline/libduckdb.so .device/pipeline/libSkiaSharp.so .device/pipeline/libHarfBuzzSharp.so   # fit the carry limit
#   pipeline data brown                                     # data/brown, carried with the tree
#
# then run this script there with carry [".device/pipeline", "data/brown"]; it writes into $OUT
# (Arrow files to analyse here with `pipeline analyze` / `pipeline query`) and prints every figure.
set -uo pipefail
export LD_LIBRARY_PATH=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")/lib
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
P=.device/pipeline/pipeline
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader

# Issue 13: training speed with the fused AdamW and no host reads between logging steps, against
# PyTorch 2.11 eager on an H100 (453K / 123K / 48.0K tokens/s for 20M / 300M / 1B at seq 2048, bf16).
for m in 20M:16 300M:8 1B:8; do
  timeout 240 $P bench train --model ${m%%:*} --device cuda --batch-size ${m##*:} --seq-len 2048 --steps 20 --precision bf16 --artifacts "$OUT"
done
# The 4B preset in micro-batches (memory: one 140 GB-class GPU).
timeout 300 $P bench train --model 4B --device cuda --batch-size 8 --grad-accumulation 8 --seq-len 2048 --steps 5 --precision bf16 --artifacts "$OUT"

# Issue 11: the probes on CUDA in bf16, and their cost at the default cadence on a GPU-scale step.
timeout 600 $P bench probes pipelines/olmo-representations.yaml --profile cpu --device cuda \
  --set 'probes={every: 500, das: {layer: 4}, fourier: {layer: 4}}' --set train.steps=1000 \
  --set 'data.packing={seq_len: 256, batch_size: 64}' --set 'sweep.olmo.hidden=[64]' --artifacts "$OUT"
