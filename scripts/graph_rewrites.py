"""Exact rewrites of docedge's ONNX Runtime-optimised graph into forms onnxruntime-web's WASM
kernels run faster (used by scripts/optimize-model.py, hence by `npm run build:model-opt`).

Each rewrite computes the same function (the same sums in another order: outputs equal to float
rounding), matches its pattern strictly and leaves anything else alone, so it applies to any
model training/export.py produces and does nothing to a graph it does not recognise.

Why these (a per-operator profile of the optimised int8 model in onnxruntime-web 1.30, one WASM
thread, docs/performance-log.md, "Inference, per operator"): the convolutions are ~95% of inference and run in MLAS kernels no
graph rewrite reaches; what a rewrite can remove is the small operators around them, each a
kernel call plus a pass over its tensor:
- the HED side outputs' transposed convolutions (im2col GEMM + col2im per side), the Concat of
  the five maps and the 1x1 fuse conv;
- the residual Adds after the linear projections.
Tried and left out: folding the input normalisation (x * 2 - 1) into the first conv needs a Pad
with the value that normalises to 0 (for exact borders), and Pad cost as much as the Mul and Sub.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS = "com.microsoft"


class _Graph:
    """Just enough bookkeeping over an ONNX graph for pattern rewrites."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.g = model.graph
        self.inits = {i.name: i for i in self.g.initializer}
        self.counter = 0

    def const(self, name: str) -> np.ndarray | None:
        init = self.inits.get(name)
        return None if init is None else numpy_helper.to_array(init)

    def set_const(self, name: str, value: np.ndarray) -> str:
        value = np.ascontiguousarray(value.astype(np.float32))
        if name in self.inits:
            self.g.initializer.remove(self.inits[name])
        init = numpy_helper.from_array(value, name)
        self.g.initializer.append(init)
        self.inits[name] = init
        return name

    def replace_const(self, node: onnx.NodeProto, index: int, value: np.ndarray) -> None:
        """Give `node` a new constant input of its own: exporters share equal initializers between
        nodes (e.g. the biases of freshly folded BatchNorms), so changing one in place would change
        the others too."""
        node.input[index] = self.set_const(self.fresh("c"), value)

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"rw_{stem}_{self.counter}"

    def consumers(self, tensor: str) -> list[onnx.NodeProto]:
        return [n for n in self.g.node if tensor in n.input]

    def producer(self, tensor: str) -> onnx.NodeProto | None:
        for n in self.g.node:
            if tensor in n.output:
                return n
        return None

    def is_graph_output(self, tensor: str) -> bool:
        return any(o.name == tensor for o in self.g.output)

    def only_feeds(self, tensor: str, node: onnx.NodeProto) -> bool:
        users = self.consumers(tensor)
        return len(users) == 1 and users[0] is node and not self.is_graph_output(tensor)

    def drop_unused_initializers(self) -> None:
        used = {i for n in self.g.node for i in n.input}
        for name in [k for k in self.inits if k not in used]:
            self.g.initializer.remove(self.inits.pop(name))


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _is_conv(node: onnx.NodeProto) -> bool:
    return (node.op_type == "Conv" and node.domain in ("", "ai.onnx")) or (node.op_type == "FusedConv" and node.domain == MS)


def _activation(node: onnx.NodeProto) -> str:
    a = _attrs(node).get("activation")
    return "" if a is None else (a.decode() if isinstance(a, bytes) else a)


def _plain_2d(node: onnx.NodeProto) -> bool:
    a = _attrs(node)
    return (a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET") and all(d == 1 for d in a.get("dilations", [1, 1]))
            and len(a.get("kernel_shape", [0, 0])) == 2)


# --- 1. the HED head: transposed convs, Concat and fuse conv -> convs, DepthToSpace, Sum ----------

def _conv_transpose_as_conv(g: _Graph, node: onnx.NodeProto) -> list[onnx.NodeProto] | None:
    """A 1->1 channel ConvTranspose whose output is `stride` times its input (kernel - pads ==
    stride) as a 1->stride^2 channel Conv followed by DepthToSpace: output pixel (Y*s + a, X*s + b)
    sums the same kernel taps over the same input pixels, so the result is the same up to rounding.
    The Conv has a few taps per channel instead of col2im's scatter over a kernel^2-row matrix."""
    a = _attrs(node)
    w = g.const(node.input[1])
    if w is None or w.ndim != 4 or w.shape[0] != 1 or w.shape[1] != 1 or a.get("group", 1) != 1 or not _plain_2d(node):
        return None
    if "output_shape" in a or any(p != 0 for p in a.get("output_padding", [0, 0])):
        return None
    kh, kw = w.shape[2:]
    sy, sx = a.get("strides", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    if sy != sx or sy < 2 or kh - pt - pb != sy or kw - pl - pr != sx:
        return None
    s = sy
    bias = g.const(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(1, np.float32)
    if bias is None:
        return None

    def taps(k: int, p: int) -> tuple[int, int]:
        # Input offsets o (input index = output block index + o) any phase reads: ky = -o*s + phase + p.
        offs = [o for phase in range(s) for o in range(-k, k + 1) if 0 <= -o * s + phase + p < k]
        return min(offs), max(offs)

    oy0, oy1 = taps(kh, pt)
    ox0, ox1 = taps(kw, pl)
    conv_w = np.zeros((s * s, 1, oy1 - oy0 + 1, ox1 - ox0 + 1), np.float32)
    for py in range(s):
        for px in range(s):
            for oy in range(oy0, oy1 + 1):
                ky = -oy * s + py + pt
                if not 0 <= ky < kh:
                    continue
                for ox in range(ox0, ox1 + 1):
                    kx = -ox * s + px + pl
                    if 0 <= kx < kw:
                        conv_w[py * s + px, 0, oy - oy0, ox - ox0] = w[0, 0, ky, kx]
    wname = g.set_const(g.fresh("up_w"), conv_w)
    bname = g.set_const(g.fresh("up_b"), np.full(s * s, float(bias.reshape(-1)[0]), np.float32))
    phases = g.fresh("phases")
    conv = helper.make_node("Conv", [node.input[0], wname, bname], [phases], kernel_shape=list(conv_w.shape[2:]),
                            pads=[-oy0, -ox0, oy1, ox1], strides=[1, 1])
    d2s = helper.make_node("DepthToSpace", [phases], [node.output[0]], blocksize=s, mode="CRD")
    return [conv, d2s]


def rewrite_head(g: _Graph) -> bool:
    """sigmoid(fuse(concat(side_i))) -> sigmoid(sum(w_i * side_i) + b): the 1x1 fuse conv's
    weights are folded into each side's last linear op (its score conv, or its transposed conv),
    its bias into one side's bias; the transposed convs become Conv + DepthToSpace."""
    for fuse in list(g.g.node):
        if not (fuse.op_type == "FusedConv" and fuse.domain == MS and _activation(fuse) == "Sigmoid"):
            continue
        if _attrs(fuse).get("kernel_shape") != [1, 1] or _attrs(fuse).get("group", 1) != 1 or len(fuse.input) != 3:
            continue
        cat = g.producer(fuse.input[0])
        fw, fb = g.const(fuse.input[1]), g.const(fuse.input[2])
        if cat is None or cat.op_type != "Concat" or _attrs(cat).get("axis") != 1 or fw is None or fb is None:
            continue
        if fw.shape != (1, len(cat.input), 1, 1) or not g.only_feeds(cat.output[0], fuse):
            continue
        sides = [g.producer(t) for t in cat.input]
        ok = all(p is not None and g.only_feeds(t, cat) for p, t in zip(sides, cat.input))
        ok = ok and all((p.op_type == "Conv" and p.domain in ("", "ai.onnx") and len(p.input) == 3 and g.const(p.input[1]) is not None
                         and g.const(p.input[1]).shape[0] == 1 and g.const(p.input[2]) is not None)
                        or (p.op_type == "ConvTranspose" and g.const(p.input[1]) is not None and g.const(p.input[1]).shape[1] == 1)
                        for p in sides)
        if not ok:
            continue
        replaced = {}
        for p in sides:
            if p.op_type == "ConvTranspose":
                rep = _conv_transpose_as_conv(g, p)
                if rep is None:
                    break
                replaced[id(p)] = rep
        else:
            bias_done = False
            for i, p in enumerate(sides):
                wi = float(fw.reshape(-1)[i])
                target = p if p.op_type == "Conv" else replaced[id(p)][0]
                b = g.const(target.input[2]) * wi
                if not bias_done:
                    b = b + fb.reshape(-1)[0]
                    bias_done = True
                g.replace_const(target, 1, g.const(target.input[1]) * wi)
                g.replace_const(target, 2, b)
            total = g.fresh("logits")
            nodes = []
            for node in g.g.node:
                if node is cat:
                    continue
                if node is fuse:
                    nodes.append(helper.make_node("Sum", list(cat.input), [total]))
                    nodes.append(helper.make_node("Sigmoid", [total], [fuse.output[0]]))
                    continue
                nodes.extend(replaced.get(id(node), [node]))
            del g.g.node[:]
            g.g.node.extend(nodes)
            return True
    return False


# --- 2. residual Add after a linear conv -> the conv's summand input ------------------------------

def rewrite_residual_adds(g: _Graph) -> int:
    """Add(Conv(x), r) -> FusedConv(x, W, B, Z=r) with no activation: ONNX Runtime's CPU conv
    starts its output from Z and accumulates the GEMM onto it, so the separate pass over the
    tensor goes. Only for a conv without activation whose output feeds nothing but the Add."""
    count = 0
    while _fuse_one_residual_add(g):
        count += 1
    return count


def _fuse_one_residual_add(g: _Graph) -> bool:
    # One at a time: rebuilding the node list copies the protobuf nodes, so references go stale.
    for add in list(g.g.node):
        if add.op_type != "Add" or add.domain not in ("", "ai.onnx") or len(add.input) != 2:
            continue
        for k in (0, 1):
            conv = g.producer(add.input[k])
            other = add.input[1 - k]
            if conv is None or not _is_conv(conv) or len(conv.input) != 3 or g.const(other) is not None:
                continue
            if conv.op_type == "FusedConv" and _activation(conv) not in ("", "Identity"):
                continue
            if not g.only_feeds(conv.output[0], add) or other == add.input[k]:
                continue
            attrs = {k2: v for k2, v in _attrs(conv).items() if k2 not in ("activation", "activation_params")}
            fused = helper.make_node("FusedConv", [*conv.input, other], [add.output[0]], domain=MS, **attrs)
            # The summand must exist before the conv runs: put the fused node where the Add was.
            nodes = [n for n in g.g.node if n is not conv]
            nodes[[i for i, n in enumerate(nodes) if n is add][0]] = fused
            del g.g.node[:]
            g.g.node.extend(nodes)
            return True
    return False


def rewrite(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict]:
    """All rewrites, in place; returns the model and what was done."""
    g = _Graph(model)
    done = {"head": rewrite_head(g), "residual_adds": rewrite_residual_adds(g)}
    g.drop_unused_initializers()
    onnx.checker.check_model(model)
    return model, done
