#!/bin/bash
# One segment of a planned training run on a lent GPU machine (the `device` tool's `run`), sized to
# end inside one 10-minute call with the checkpoint back under $OUT. The machine starts bare and
# reaches nothing: the working tree travels, the synthetic assets (ignored) must be carried:
#
#   run(command="bash training/device-segment.sh --resume training/checkpoints/NAME.pt --plan-minutes P",
#       carry=["training/assets"], timeout_s=600)
#
# Every argument goes to train.py (--resume or --init-*, the plan, the mix, the teacher). MINUTES
# (default 7) is the training budget: the rest of the call is the machine's start-up, the data
# workers' start and the copy back. The GPU makes the synthetic scenes' CPU side the bottleneck,
# so train.py uses one data worker per core but two. Back under $OUT: checkpoint.pt, train.log and
# the console output; commit the checkpoint as training/checkpoints/NAME.pt to resume it later.
set -euo pipefail
: "${OUT:?run this through the device tool (OUT is where files come back)}"
cd "$(dirname "$0")/.."
[ -d training/assets/backgrounds ] || { echo "training/assets is missing: name it in carry" >&2; exit 2; }
python3 -c 'import torch, cv2; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'
run="training/runs/device-$(date +%s)"
status=0
PYTHONUNBUFFERED=1 python3 training/train.py --out "$run" --minutes "${MINUTES:-7}" "$@" 2>&1 | tee "$OUT/train.out" || status=$?
for f in checkpoint.pt train.log; do [ -f "$run/$f" ] && cp "$run/$f" "$OUT/"; done
exit "$status"
