#!/usr/bin/env python3
"""Write models/docedge-int8.opt.onnx and its sidecar (`npm run build:model-opt`).

The shipped int8 model stores its weights as int8 with Cast/Mul dequantisation, and ONNX Runtime
folds those and fuses Conv+activation every time a session is created: in a new process that
runs in WASM code not yet optimised by the engine, and was about half of session creation. This
does the same graph optimisation once, offline, with the same ONNX Runtime version as the
onnxruntime-web docedge pins; Node, Bun and Deno load the result with optimisation disabled.
The sidecar names the source model's SHA-256: docedge uses the optimised file only when it
matches the int8 model next to it, so a retrained model never meets a stale optimised copy.

Needs: python3 with onnxruntime == the pinned onnxruntime-web version (pip install onnxruntime==1.30.0).
"""
import hashlib
import json
import pathlib
import sys

import onnxruntime as ort

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "models" / "docedge-int8.onnx"
TARGET = ROOT / "models" / "docedge-int8.opt.onnx"
SIDECAR = ROOT / "models" / "docedge-int8.opt.json"

pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["onnxruntime-web"]
if ort.__version__ != pinned:
    sys.exit(f"onnxruntime {ort.__version__} here, onnxruntime-web {pinned} pinned: install onnxruntime=={pinned}")

options = ort.SessionOptions()
# "extended", not "all": the extra level only adds layout changes for native CPUs; in the WASM
# build a session at "extended" runs as fast as at "all" (measured in one process).
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
options.optimized_model_filepath = str(TARGET)
ort.InferenceSession(str(SOURCE), options, providers=["CPUExecutionProvider"])

SIDECAR.write_text(json.dumps({
    "source": SOURCE.name,
    "sourceSha256": hashlib.sha256(SOURCE.read_bytes()).hexdigest(),
    "onnxruntime": ort.__version__,
    "level": "extended",
}, indent=2) + "\n")
print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes) and {SIDECAR.relative_to(ROOT)}")
