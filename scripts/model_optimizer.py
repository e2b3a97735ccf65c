"""The server copy of an int8 model: ONNX Runtime's graph optimisation done offline, then the exact
rewrites of graph_rewrites.py, checked against the graph before them (scripts/optimize-model.py
for models/, training/export.py for a freshly exported model).
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import pathlib
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

import graph_rewrites

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Rewritten and ORT-optimised graphs must agree to float rounding (measured: ~2e-7).
TOLERANCE = 1e-5


def pinned_onnxruntime() -> str:
    return json.loads((ROOT / "package.json").read_text())["dependencies"]["onnxruntime-web"]


def check_images(size: int) -> list[np.ndarray]:
    """Real photos from the repository (the sample and the CC0 test fixtures), stretched to the model
    input as the SDK does, plus a few random images for inputs no photo has."""
    out = []
    paths = [ROOT / "sample" / "sample.jpg", *sorted(glob.glob(str(ROOT / "tests" / "core" / "fixtures" / "*.*g")))]
    try:
        import cv2

        for p in paths:
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is not None:
                img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)[:, :, ::-1]
                out.append(np.ascontiguousarray(img.transpose(2, 0, 1)[None].astype(np.float32) / 255.0))
    except ImportError:  # opencv is optional here: the random images still check the graph
        pass
    rng = np.random.default_rng(0)
    out += [rng.random((1, 3, size, size), dtype=np.float32) for _ in range(4)]
    return out


def max_difference(a_path: str, b_path: str, images: list[np.ndarray]) -> float:
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # as docedge loads them
    a = ort.InferenceSession(a_path, options, providers=["CPUExecutionProvider"])
    b = ort.InferenceSession(b_path, options, providers=["CPUExecutionProvider"])
    name = a.get_inputs()[0].name
    return max(float(np.abs(a.run(None, {name: x})[0] - b.run(None, {name: x})[0]).max()) for x in images)


def optimize_int8(source: pathlib.Path, target: pathlib.Path, sidecar: pathlib.Path) -> dict:
    """Write `target` (the optimised, rewritten graph) and `sidecar` (naming `source`'s SHA-256)."""
    if ort.__version__ != pinned_onnxruntime():
        raise RuntimeError(f"onnxruntime {ort.__version__} here, onnxruntime-web {pinned_onnxruntime()} pinned: "
                           f"pip install onnxruntime=={pinned_onnxruntime()}")
    with tempfile.TemporaryDirectory() as tmp:
        optimised = os.path.join(tmp, "optimised.onnx")
        options = ort.SessionOptions()
        # "extended", not "all": the extra level only adds layout changes for native CPUs; in the WASM
        # build a session at "extended" runs as fast as at "all" (measured in one process).
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = optimised
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        model, done = graph_rewrites.rewrite(onnx.load(optimised))
        onnx.save(model, str(target))
        size = model.graph.input[0].type.tensor_type.shape.dim[-1].dim_value
        diff = max_difference(optimised, str(target), check_images(size))
    if not diff < TOLERANCE:
        target.unlink()
        raise RuntimeError(f"the rewritten graph differs from ONNX Runtime's by {diff:.3g} (limit {TOLERANCE}): not written")
    sidecar.write_text(json.dumps({
        "source": source.name,
        "sourceSha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "onnxruntime": ort.__version__,
        "level": "extended",
        "rewrites": done,
    }, indent=2) + "\n")
    return {"bytes": target.stat().st_size, "rewrites": done, "max_abs_diff": diff}
