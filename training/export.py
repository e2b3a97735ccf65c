"""Fold BatchNorm, export ONNX (float32), and quantize to int8 (static, QDQ).

python3 training/export.py --checkpoint RUN/checkpoint.pt --out models/ [--calib-real DIR ...]
"""
from __future__ import annotations

import argparse
import copy
import glob
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from model import EdgeNet, ExportWrapper  # noqa: E402


def fold_batchnorm(net: nn.Module) -> nn.Module:
    """Fold every Conv2d followed by BatchNorm2d inside a Sequential into one Conv2d (inference only)."""
    net = copy.deepcopy(net).eval()
    for module in list(net.modules()):
        if not isinstance(module, nn.Sequential):
            continue
        children = list(module.children())
        i = 0
        while i < len(children) - 1:
            conv, bn = children[i], children[i + 1]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                fused = torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn)
                module[i] = fused
                module[i + 1] = nn.Identity()
            i += 1
    return net


def load_checkpoint(path: str) -> tuple[EdgeNet, dict]:
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    net = EdgeNet(**ckpt.get("arch", {}))
    net.load_state_dict(ckpt["model"])
    return net.eval(), ckpt


def export_fp32(net: EdgeNet, size: int, path: str) -> None:
    folded = ExportWrapper(fold_batchnorm(net)).eval()
    dummy = torch.rand(1, 3, size, size)
    with torch.no_grad():
        ref = ExportWrapper(net).eval()(dummy)
        got = folded(dummy)
    assert torch.allclose(ref, got, atol=1e-4), "BatchNorm folding changed the output"
    torch.onnx.export(folded, dummy, path, input_names=["image"], output_names=["edges"], opset_version=17,
                      do_constant_folding=True, dynamo=False)


def calibration_images(size: int, assets: str, real_dirs: list[str], n_synth: int = 64, seed: int = 7) -> list[np.ndarray]:
    import cv2
    from synth import AssetPools, make_sample

    out = []
    pools = AssetPools.load(assets)
    rng = np.random.default_rng(seed)
    for _ in range(n_synth):
        img, _, _ = make_sample(rng, pools, size)
        out.append(img)
    for d in real_dirs:
        for p in sorted(glob.glob(os.path.join(d, "*.jp*g"))):
            img = cv2.imread(p, cv2.IMREAD_COLOR)
            if img is not None:
                out.append(cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)[:, :, ::-1])
    return [np.ascontiguousarray(i.transpose(2, 0, 1)[None].astype(np.float32) / 255.0) for i in out]


def quantize_int8(fp32_path: str, int8_path: str, images: list[np.ndarray]) -> None:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.it = iter(images)

        def get_next(self):
            x = next(self.it, None)
            return None if x is None else {"image": x}

    pre = fp32_path + ".pre.onnx"
    quant_pre_process(fp32_path, pre, skip_symbolic_shape=True)
    quantize_static(pre, int8_path, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=__import__("onnxruntime.quantization", fromlist=["CalibrationMethod"]).CalibrationMethod.Percentile,
                    extra_options={"CalibPercentile": 99.99})
    os.remove(pre)


def compact_names(path: str) -> None:
    """Rename nodes and tensors to short ids: the exporter's long scoped names would otherwise
    be a large share of a model this small (and they say nothing a user needs)."""
    import onnx

    model = onnx.load(path)
    g = model.graph
    keep = {v.name for v in g.input} | {v.name for v in g.output}
    mapping: dict[str, str] = {}

    def short(name: str) -> str:
        if not name or name in keep:
            return name
        if name not in mapping:
            mapping[name] = f"t{len(mapping):x}"
        return mapping[name]

    used = {n for node in g.node for n in node.input} | {v.name for v in g.output}
    for node in [n for n in g.node if n.op_type == "Constant" and not any(o in used for o in n.output)]:
        g.node.remove(node)
    unused = [init for init in g.initializer if init.name not in used]
    for init in unused:  # left behind by Clip/Relu fusion; ORT warns about each one at load
        g.initializer.remove(init)
    for init in g.initializer:
        init.name = short(init.name)
    for vi in g.value_info:
        vi.name = short(vi.name)
    for i, node in enumerate(g.node):
        node.name = ""
        for k, n in enumerate(node.input):
            node.input[k] = short(n)
        for k, n in enumerate(node.output):
            node.output[k] = short(n)
    del g.value_info[:]
    model.doc_string = ""
    onnx.checker.check_model(model)
    onnx.save(model, path)


def compare(fp32_path: str, int8_path: str, images: list[np.ndarray]) -> dict:
    import onnxruntime as ort

    a = ort.InferenceSession(fp32_path, providers=["CPUExecutionProvider"])
    b = ort.InferenceSession(int8_path, providers=["CPUExecutionProvider"])
    diffs, agree = [], []
    for x in images:
        pa = a.run(None, {"image": x})[0]
        pb = b.run(None, {"image": x})[0]
        diffs.append(float(np.abs(pa - pb).mean()))
        ea, eb = pa > 0.5, pb > 0.5
        union = np.logical_or(ea, eb).sum()
        agree.append(float(np.logical_and(ea, eb).sum() / union) if union else 1.0)
    return {"mean_abs_diff": float(np.mean(diffs)), "max_mean_abs_diff": float(np.max(diffs)),
            "edge_iou_at_0.5": float(np.mean(agree))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    ap.add_argument("--calib-real", nargs="*", default=[])
    ap.add_argument("--name", default="docedge")
    args = ap.parse_args()
    net, ckpt = load_checkpoint(args.checkpoint)
    size = ckpt["size"]
    os.makedirs(args.out, exist_ok=True)
    fp32 = os.path.join(args.out, f"{args.name}-fp32.onnx")
    int8 = os.path.join(args.out, f"{args.name}-int8.onnx")
    export_fp32(net, size, fp32)
    images = calibration_images(size, args.assets, args.calib_real)
    quantize_int8(fp32, int8, images)
    compact_names(fp32)
    compact_names(int8)
    report = compare(fp32, int8, images)
    report.update(size=size, fp32_bytes=os.path.getsize(fp32), int8_bytes=os.path.getsize(int8),
                  int8_ratio=os.path.getsize(int8) / os.path.getsize(fp32))
    print(report)


if __name__ == "__main__":
    main()
