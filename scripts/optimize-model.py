#!/usr/bin/env python3
"""Write models/docedge-int8.opt.onnx and its sidecar (`npm run build:model-opt`).

The shipped int8 model stores its weights as int8 with Cast/Mul dequantisation, and ONNX Runtime
folds those and fuses Conv+activation every time a session is created: in a new process that
runs in WASM code not yet optimised by the engine, and was about half of session creation. This
does the same graph optimisation once, offline, with the same ONNX Runtime version as the
onnxruntime-web docedge pins, then rewrites the result into an equal graph that onnxruntime-web
runs faster (scripts/graph_rewrites.py), checked against the graph before the rewrite on real
photos; Node, Bun and Deno load it with optimisation disabled.
The sidecar names the source model's SHA-256: docedge uses the optimised file only when it
matches the int8 model next to it, so a retrained model never meets a stale optimised copy.

Needs: python3 with onnx and onnxruntime == the pinned onnxruntime-web version
(pip install onnxruntime==1.30.0); opencv-python for the photo check (else random images only).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from model_optimizer import ROOT, optimize_int8  # noqa: E402

SOURCE = ROOT / "models" / "docedge-int8.onnx"
TARGET = ROOT / "models" / "docedge-int8.opt.onnx"
SIDECAR = ROOT / "models" / "docedge-int8.opt.json"

try:
    report = optimize_int8(SOURCE, TARGET, SIDECAR)
except RuntimeError as error:
    sys.exit(str(error))
print(f"wrote {TARGET.relative_to(ROOT)} ({report['bytes']} bytes, rewrites {report['rewrites']}, "
      f"max |diff| {report['max_abs_diff']:.2g} vs ONNX Runtime's graph) and {SIDECAR.relative_to(ROOT)}")
