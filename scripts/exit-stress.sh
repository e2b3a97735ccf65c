#!/usr/bin/env bash
# Runs `docedge detect - --json` on the sample N times and counts the runs that never exit
# (nodejs/node#54918, docs/cli.md): a run still alive after 20 s is a hang; gdb's stacks of its
# threads go to OUT/hang-N.txt (where gdb is installed) before it is killed. Extra arguments go to
# node, e.g. --max-semi-space-size=1, which makes the deadlock far more frequent.
#   scripts/exit-stress.sh N OUT [node flags...]     (after npm run build)
set -u
cd "$(dirname "$0")/.."
N=$1; OUT=$2; shift 2
mkdir -p "$OUT"
hangs=0
for i in $(seq 1 "$N"); do
  node "$@" dist/src/cli/bin.js detect - --json --threads 1 < sample/sample.jpg > "$OUT/stdout" 2>&1 &
  pid=$!; ticks=0
  while kill -0 "$pid" 2>/dev/null && [ "$ticks" -lt 200 ]; do sleep 0.1; ticks=$((ticks + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    hangs=$((hangs + 1))
    echo "stdout so far: $(wc -c < "$OUT/stdout") bytes" > "$OUT/hang-$i.txt"
    command -v gdb >/dev/null && gdb -p "$pid" -batch -ex "thread apply all bt 25" >> "$OUT/hang-$i.txt" 2>&1
    kill -9 "$pid"
    echo "run $i: hang, stacks in $OUT/hang-$i.txt"
  fi
  wait "$pid" 2>/dev/null
done
echo "$hangs of $N runs hung"
