#!/usr/bin/env bash
# Judge a fine-tuned run by the rule models/MODEL.md fixes for the wide-vNN runs: the final
# checkpoint, then its WiSE midpoint with the previous network, each exported by export.py's
# defaults and evaluated in this build beside the previous model and the shipped file.
#
#   training/judge.sh training/checkpoints/wide-v12.pt /tmp/judge-v12
#
# Reports already in the work folder are reused (the references can be evaluated while a run
# trains); delete one to redo it. Evaluates with the built CLI: run `npm run build` first. Prints
# the folder table, the photos that moved, and each candidate's verdict (plain, then jittered);
# exits 0 if some candidate passes both.
set -euo pipefail
checkpoint=${1:?usage: training/judge.sh CHECKPOINT.pt WORKDIR}
work=${2:?usage: training/judge.sh CHECKPOINT.pt WORKDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
base=training/checkpoints/teacher-fp32.onnx
# The previous model: the teacher's weights, weight-only int8, as shipped before the pruned network.
previous_commit=1c51a5c
datasets=${DOCEDGE_DATASETS:-../shared/datasets}
mkdir -p "$work"

[ -f "$work/prev.onnx" ] || git show "$previous_commit:models/docedge-int8.onnx" > "$work/prev.onnx"
cp models/docedge-int8.onnx "$work/shipped.onnx"
# export NAME CHECKPOINT: the candidate's int8 file as $work/NAME.onnx, unless already there.
export_candidate() {
  [ -f "$work/$1.onnx" ] && return 0
  python3 training/export.py --checkpoint "$2" --out "$work/$1"
  cp "$work/$1/docedge-int8.onnx" "$work/$1.onnx"
}
export_candidate end "$checkpoint"
[ -f "$work/mid.onnx" ] || python3 training/interpolate.py --base "$base" --checkpoint "$checkpoint" --alpha 0.5 --out "$work/mid.pt"
export_candidate mid "$work/mid.pt"

for name in prev shipped end mid; do
  [ -f "$work/$name.json" ] || node dist/src/cli/bin.js eval "$datasets" --no-baseline --json "$work/$name.json" --model "$work/$name.onnx" > /dev/null
  [ -f "$work/$name-jit.json" ] || node dist/src/cli/bin.js eval "$datasets" --no-baseline --jitter 4 --json "$work/$name-jit.json" --model "$work/$name.onnx" > /dev/null
done

python3 training/compare_evals.py prev="$work/prev.json" shipped="$work/shipped.json" end="$work/end.json" mid="$work/mid.json" --photos 0.02
python3 training/compare_evals.py --field jitter prev="$work/prev-jit.json" shipped="$work/shipped-jit.json" end="$work/end-jit.json" mid="$work/mid-jit.json"
passed=1
for name in end mid; do
  echo "== $name: plain"
  plain=0; python3 training/compare_evals.py --judge "$work/$name.json" --against "$work/prev.json" "$work/shipped.json" || plain=1
  echo "== $name: jittered"
  jit=0; python3 training/compare_evals.py --field jitter --judge "$work/$name-jit.json" --against "$work/prev-jit.json" "$work/shipped-jit.json" --min-mean references || jit=1
  if [ "$plain" = 0 ] && [ "$jit" = 0 ]; then echo "== $name passes (check the 1080p frame in npm run bench next)"; passed=0; break; fi
done
exit "$passed"
