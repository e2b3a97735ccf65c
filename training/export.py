"""Fold BatchNorm, export ONNX (float32), and quantize the weights to int8 (weight-only).

python3 training/export.py --checkpoint RUN/checkpoint.pt --out models/ [--agree-real DIR ...]
python3 training/export.py --from-onnx models/docedge-fp32.onnx --out models/   (re-quantize only)
"""
from __future__ import annotations

import argparse
import copy
import glob
import os
import shutil
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
    net = EdgeNet(**ckpt.get("arch", {}))  # arch {"batchnorm": False}: resumed from an ONNX model
    net.load_state_dict(ckpt["model"])
    return net.eval(), ckpt


def load_onnx_weights(net: EdgeNet, path: str) -> None:
    """Copy an exported (BatchNorm-folded) model's conv weights into a batchnorm=False EdgeNet.

    Convs are matched in execution order, which is the order the network registers them; the
    caller checks the result against onnxruntime, so a mismatch cannot pass silently.
    """
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    layers = [n for n in model.graph.node if n.op_type in ("Conv", "ConvTranspose")]
    convs = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    if len(layers) != len(convs):
        raise ValueError(f"{path}: {len(layers)} conv layers, the network has {len(convs)}")
    with torch.no_grad():
        for node, conv in zip(layers, convs):
            w = torch.from_numpy(inits[node.input[1]].copy())
            if w.shape != conv.weight.shape:
                raise ValueError(f"{path}: weight {tuple(w.shape)} where the network has {tuple(conv.weight.shape)}")
            conv.weight.copy_(w)
            has_bias = len(node.input) > 2 and node.input[2] in inits
            if has_bias != (conv.bias is not None):
                raise ValueError(f"{path}: bias mismatch at a {node.op_type}")
            if has_bias:
                conv.bias.copy_(torch.from_numpy(inits[node.input[2]].copy()))


def hidden_widths(path: str) -> list[int]:
    """Every inverted-residual block's hidden width in an exported model: its depthwise convs' widths."""
    import onnx

    model = onnx.load(path)
    inits = {i.name: i for i in model.graph.initializer}
    widths = []
    for node in model.graph.node:
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        if node.op_type == "Conv" and group > 1 and node.input[1] in inits:
            widths.append(int(inits[node.input[1]].dims[0]))
    return widths


def net_from_onnx(path: str, arch: dict | None = None) -> EdgeNet:
    """A trainable EdgeNet (no BatchNorm) holding the weights of an exported float32 model;
    `arch`: the EdgeNet arguments it was built with (training/model.py ARCHS); by default the
    shipped layout with the hidden widths the file has (so a pruned model loads too)."""
    import onnxruntime as ort

    if arch is None:
        arch = {"hidden": hidden_widths(path)}
    net = EdgeNet(**arch, batchnorm=False)
    load_onnx_weights(net, path)
    net.eval()
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    size = sess.get_inputs()[0].shape[-1]
    x = np.random.default_rng(0).random((1, 3, size, size), dtype=np.float32)
    with torch.no_grad():
        want = ExportWrapper(net)(torch.from_numpy(x)).numpy()
    got = sess.run(None, {"image": x})[0]
    if not np.allclose(got, want, atol=1e-4):
        raise ValueError(f"{path}: the rebuilt network differs from the ONNX model (max {np.abs(got - want).max():.2e})")
    return net


def export_fp32(net: EdgeNet, size: int, path: str) -> None:
    folded = ExportWrapper(fold_batchnorm(net)).eval()
    dummy = torch.rand(1, 3, size, size)
    with torch.no_grad():
        ref = ExportWrapper(net).eval()(dummy)
        got = folded(dummy)
    assert torch.allclose(ref, got, atol=1e-4), "BatchNorm folding changed the output"
    torch.onnx.export(folded, dummy, path, input_names=["image"], output_names=["edges"], opset_version=17,
                      do_constant_folding=True, dynamo=False)


def agreement_images(size: int, assets: str, real_dirs: list[str], n_synth: int = 64, seed: int = 7) -> list[np.ndarray]:
    """Images on which int8 and float32 outputs are compared (nothing is fitted to them)."""
    import cv2
    from synth import AssetPools, make_sample

    out = []
    if os.path.isdir(assets):
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


def quantize_weights_int8(fp32_path: str, int8_path: str, keep_float: frozenset[str] = frozenset()) -> None:
    """Store every Conv/ConvTranspose weight as int8, symmetric, one scale per output channel, and
    turn it back into float with Cast + Mul in the graph; activations stay float. Weights named in
    `keep_float` stay float32 (see choose_float_convs).

    Why weight-only: ORT-web's int8 kernels (static QDQ) ran 2.6-2.8x slower than its float32 ones.
    Why Cast + Mul and not DequantizeLinear: onnxruntime's constant folding leaves DequantizeLinear
    nodes alone (they are kept for its QDQ fusions), so 41 of them ran on every inference; Cast and
    Mul of constants fold into plain float weights when the session loads, so the optimised graph is
    the float32 model's, node for node, and so is its speed.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(fp32_path)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    # Output channels: Conv weights are [out, in/groups, kh, kw]; ConvTranspose weights are
    # [in, out/groups, kh, kw].
    out_axis = {"Conv": 0, "ConvTranspose": 1}
    new_nodes = []
    for node in g.node:
        if node.op_type in out_axis and len(node.input) > 1 and node.input[1] in inits and node.input[1] not in keep_float:
            name = node.input[1]
            w = numpy_helper.to_array(inits[name]).astype(np.float32)
            axis = out_axis[node.op_type]
            reduce = tuple(d for d in range(w.ndim) if d != axis)
            shape = [1] * w.ndim
            shape[axis] = -1
            amax = np.abs(w).max(axis=reduce)
            scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32).reshape(shape)
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            g.initializer.remove(inits.pop(name))
            g.initializer.extend([numpy_helper.from_array(q, name + "_q"), numpy_helper.from_array(scale, name + "_scale")])
            new_nodes.append(helper.make_node("Cast", [name + "_q"], [name + "_qf"], to=TensorProto.FLOAT))
            new_nodes.append(helper.make_node("Mul", [name + "_qf", name + "_scale"], [name]))
        new_nodes.append(node)
    del g.node[:]
    g.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, int8_path)


def conv_weight_names(path: str) -> list[str]:
    import onnx

    graph = onnx.load(path).graph
    inits = {i.name for i in graph.initializer}
    return [n.input[1] for n in graph.node
            if n.op_type in ("Conv", "ConvTranspose") and len(n.input) > 1 and n.input[1] in inits]


def choose_float_convs(fp32_path: str, images: list[np.ndarray], min_gain: float = 0.1,
                       max_ratio: float = 0.40, scratch: str | None = None) -> tuple[frozenset[str], list[dict]]:
    """The convs to leave in float32: greedily, the one whose float copy removes the most of the
    int8 model's disagreement with float32 (mean |dp| on `images`), while that removes at least
    `min_gain` of the all-int8 disagreement and the file stays within `max_ratio` of float32's.

    Why: one layer can carry a large share of the int8 error (the stem, 216 weights that see raw
    pixels, or the first depthwise conv, depending on the network) while costing a few hundred
    bytes in float; which one it is differs between trainings, so it is measured, not named.
    Returns the chosen weight names and one line per step (for the export report).
    """
    work = scratch or int8_scratch_path(fp32_path)
    fp32_bytes = os.path.getsize(fp32_path)
    chosen: set[str] = set()
    candidates = conv_weight_names(fp32_path)

    def measure(keep: set[str]) -> dict:
        quantize_weights_int8(fp32_path, work, frozenset(keep))
        r = compare(fp32_path, work, images)
        r["bytes"] = os.path.getsize(work)
        return r

    base = measure(chosen)
    steps = [{"float": [], "mean_abs_diff": base["mean_abs_diff"], "edge_iou_at_0.5": base["edge_iou_at_0.5"]}]
    current = base["mean_abs_diff"]
    while candidates:
        tries = [(measure(chosen | {c}), c) for c in candidates]
        best, name = min(tries, key=lambda t: t[0]["mean_abs_diff"])
        if current - best["mean_abs_diff"] < min_gain * base["mean_abs_diff"] or best["bytes"] > max_ratio * fp32_bytes:
            break
        chosen.add(name)
        candidates.remove(name)
        current = best["mean_abs_diff"]
        steps.append({"float": sorted(chosen), "mean_abs_diff": current, "edge_iou_at_0.5": best["edge_iou_at_0.5"]})
    if os.path.exists(work):
        os.remove(work)
    return frozenset(chosen), steps


def int8_scratch_path(fp32_path: str) -> str:
    return fp32_path[: -len(".onnx")] + ".choose.onnx"


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
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="training checkpoint: fold, export float32, quantize")
    src.add_argument("--from-onnx", help="an exported float32 model: quantize it only")
    ap.add_argument("--out", required=True)
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    ap.add_argument("--agree-real", nargs="*", default=[], help="photo folders to add to the agreement images")
    ap.add_argument("--name", default="docedge")
    ap.add_argument("--float-convs", default="auto",
                    help="convs whose weights stay float32: auto (choose_float_convs: the few that carry most of "
                         "the int8 error), none, or weight names of the compacted float32 model (t0,t4)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    fp32 = os.path.join(args.out, f"{args.name}-fp32.onnx")
    int8 = os.path.join(args.out, f"{args.name}-int8.onnx")
    if args.checkpoint:
        net, ckpt = load_checkpoint(args.checkpoint)
        export_fp32(net, ckpt["size"], fp32)
    elif os.path.abspath(args.from_onnx) != os.path.abspath(fp32):
        shutil.copyfile(args.from_onnx, fp32)
    compact_names(fp32)
    import onnx

    size = onnx.load(fp32).graph.input[0].type.tensor_type.shape.dim[-1].dim_value
    steps: list[dict] = []
    if args.float_convs == "auto":
        # Chosen on synthetic images only, so the real photos stay a test of the choice.
        keep, steps = choose_float_convs(fp32, agreement_images(size, args.assets, []))
    elif args.float_convs == "none":
        keep = frozenset()
    else:
        keep = frozenset(args.float_convs.split(","))
        unknown = keep - set(conv_weight_names(fp32))
        if unknown:
            ap.error(f"--float-convs: no conv weight named {', '.join(sorted(unknown))} in {fp32}")
    quantize_weights_int8(fp32, int8, keep)
    compact_names(int8)
    report = compare(fp32, int8, agreement_images(size, args.assets, args.agree_real))
    report.update(size=size, fp32_bytes=os.path.getsize(fp32), int8_bytes=os.path.getsize(int8),
                  int8_ratio=os.path.getsize(int8) / os.path.getsize(fp32), float_convs=sorted(keep), choice=steps)
    report["server_copy"] = write_server_copy(int8)
    print(report)


def write_server_copy(int8: str) -> str:
    """The int8 model's server copy (NAME-int8.opt.onnx + .opt.json, what `npm run build:model-opt`
    writes for models/): ONNX Runtime's optimisation done offline plus scripts/graph_rewrites.py,
    so a retrained model gets the faster graph without a separate step. Needs the onnxruntime
    version onnxruntime-web is pinned to; elsewhere it says so and the SDK falls back to the plain
    int8 model until the copy is built."""
    import pathlib

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
    from model_optimizer import optimize_int8

    source = pathlib.Path(int8)
    stem = source.name[: -len(".onnx")]
    try:
        done = optimize_int8(source, source.with_name(stem + ".opt.onnx"), source.with_name(stem + ".opt.json"))
    except RuntimeError as error:
        return f"not written: {error} (then run npm run build:model-opt)"
    return f"{stem}.opt.onnx ({done['bytes']} bytes, rewrites {done['rewrites']}, max |diff| {done['max_abs_diff']:.2g})"


if __name__ == "__main__":
    main()
