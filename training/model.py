"""MobileNetV2-style HED edge network (docedge's variant of the seed design).

Changes from the seed, and why:
- The full-resolution stage is one 3x3 conv to 8 channels (the seed used two, 3 then 6): full
  resolution is where ORT-web spends most of its time, and one layer gives the side output the
  same 3x3 receptive field for the fine localisation it is there for.
- Side outputs are upsampled by transposed convs initialised to bilinear interpolation, so the
  untrained network starts from a sensible upsampling instead of noise.
- Input normalisation (x * 2 - 1 on [0, 1] RGB) lives inside the network so callers only scale
  bytes by 1/255.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin: int, cout: int, k: int = 3, stride: int = 1, groups: int = 1, act: bool = True,
            bn: bool = True) -> nn.Sequential:
    # Without BatchNorm the conv carries a bias and an Identity keeps the layer indices, so the
    # state dict has the same keys as a BatchNorm-folded network's (what the exported ONNX holds).
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=not bn),
        nn.BatchNorm2d(cout) if bn else nn.Identity(),
    ]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depthwise, linear 1x1 project, residual when shapes allow."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int = 6, bn: bool = True,
                 hidden: int | None = None):
        super().__init__()
        # hidden: the expansion conv's width when it is not cin * expand (a pruned block).
        hidden = cin * expand if hidden is None else hidden
        if expand == 1 and hidden != cin:
            raise ValueError(f"a block without expansion has {cin} hidden channels, not {hidden}")
        # expand 1: no expansion conv (MobileNetV2's first block), the depthwise conv reads the input.
        expansion = [conv_bn(cin, hidden, 1, bn=bn)] if expand > 1 else []
        self.body = nn.Sequential(
            *expansion,
            conv_bn(hidden, hidden, 3, stride, groups=hidden, bn=bn),
            conv_bn(hidden, cout, 1, act=False, bn=bn),
        )
        self.use_res = stride == 1
        # The seed matches channels with a 1x1 conv on the shortcut when they differ.
        self.shortcut = None
        if self.use_res and cin != cout:
            self.shortcut = conv_bn(cin, cout, 1, act=False, bn=bn)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        if not self.use_res:
            return y
        return y + (x if self.shortcut is None else self.shortcut(x))


def bilinear_kernel(factor: int) -> torch.Tensor:
    size = 2 * factor
    center = factor - 0.5
    og = torch.arange(size, dtype=torch.float32)
    filt = 1 - torch.abs(og - center) / factor
    return filt[:, None] * filt[None, :]


class SideOutput(nn.Module):
    def __init__(self, cin: int, factor: int, bn: bool = True):
        super().__init__()
        self.score = nn.Sequential(nn.Conv2d(cin, 1, 1, bias=not bn), nn.BatchNorm2d(1) if bn else nn.Identity())
        self.factor = factor
        if factor > 1:
            self.up = nn.ConvTranspose2d(1, 1, 2 * factor, factor, padding=factor // 2, bias=False)
            with torch.no_grad():
                self.up.weight.copy_(bilinear_kernel(factor)[None, None])
        else:
            self.up = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.score(x)
        return y if self.up is None else self.up(y)


class EdgeNet(nn.Module):
    """Returns fused logits and, in training, the five side logits.

    batchnorm=False builds the network as it is after BatchNorm folding (biased convs, no
    normalisation): the shape in which a shipped ONNX model's weights can be trained further.

    stages (optional) makes a cheaper network with the same interface (five side outputs at
    1/1 .. 1/16, one fused map): one entry per scale 1/2 .. 1/16, each [out channels, blocks,
    expansion of the first block, expansion of the others] (an expansion of 1 drops the 1x1
    expansion conv). Without it the network is the shipped one, module for module, so existing
    checkpoints load. Checkpoints store these arguments as "arch"; ARCHS names the candidates.

    hidden (optional): every inverted-residual block's expanded width, in order, where it is not
    the block's input channels times its expansion: what training/prune.py makes from a trained
    network by keeping each block's most used hidden channels.
    """

    # (out channels, blocks, stride of first block) per scale 1/2 .. 1/16
    STAGES = ((16, 2, 2), (24, 2, 2), (32, 3, 2), (64, 3, 2))

    def __init__(self, width0: int = 8, expand: int = 4, batchnorm: bool = True,
                 stages: list[list[int]] | None = None, hidden: list[int] | None = None):
        super().__init__()
        bn = batchnorm
        if stages is None:
            stages = [[cout, n, expand, expand] for cout, n, _ in self.STAGES]
        if len(stages) != len(self.STAGES):
            raise ValueError(f"stages: {len(self.STAGES)} entries (scales 1/2 .. 1/16), got {len(stages)}")
        self.stem = conv_bn(3, width0, 3, 1, bn=bn)
        n_blocks = sum(s[1] for s in stages)
        if hidden is not None and len(hidden) != n_blocks:
            raise ValueError(f"hidden: one width per block ({n_blocks}), got {len(hidden)}")
        built = []
        cin = width0
        k = 0
        for cout, n, expand_first, expand_rest in stages:
            blocks = []
            for i in range(n):
                blocks.append(InvertedResidual(cin, cout, 2 if i == 0 else 1, expand_first if i == 0 else expand_rest, bn,
                                               None if hidden is None else hidden[k]))
                cin = cout
                k += 1
            built.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(built)
        self.sides = nn.ModuleList(
            [SideOutput(width0, 1, bn)] + [SideOutput(s[0], 2 ** (i + 1), bn) for i, s in enumerate(stages)]
        )
        self.fuse = nn.Conv2d(5, 1, 1)
        with torch.no_grad():
            self.fuse.weight.fill_(0.2)
            self.fuse.bias.fill_(0.0)

    def forward(self, image: torch.Tensor):
        x = self.stem(image * 2.0 - 1.0)
        feats = [x]
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        h, w = image.shape[-2:]
        sides = []
        for f, side in zip(feats, self.sides):
            s = side(f)
            if s.shape[-2] != h or s.shape[-1] != w:
                s = s[..., :h, :w]
            sides.append(s)
        fused = self.fuse(torch.cat(sides, 1))
        if self.training:
            return fused, sides
        return fused


class ExportWrapper(nn.Module):
    """Inference graph: probabilities after the sigmoid, as the SDK expects."""

    def __init__(self, net: EdgeNet):
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(image))


# Cheaper candidates (issue 14: the shipped network's ~8 ms WASM inference holds up three speed
# targets). Each keeps the five HED side outputs and the 128x128 output; models/MODEL.md has their
# multiply-adds and measured WASM inference time against the shipped network.
ARCHS: dict[str, dict] = {
    "shipped": {},
    # two blocks at 1/2 (no expansion in the first, which reads the full-resolution stem), then expansions 2-4
    "wide2": {"stages": [[16, 2, 1, 2], [24, 2, 2, 3], [32, 2, 3, 4], [64, 2, 4, 4]]},
    # one block at 1/2, two per later stage, expansions 3-4
    "lite": {"stages": [[16, 1, 1, 1], [24, 2, 3, 3], [32, 2, 3, 4], [64, 2, 4, 4]]},
    # as lite, one block at 1/4
    "short": {"stages": [[16, 1, 1, 1], [24, 1, 3, 3], [32, 2, 3, 4], [64, 2, 4, 4]]},
    # as lite, expansions 2-3
    "lean": {"stages": [[16, 1, 1, 1], [24, 2, 2, 3], [32, 2, 3, 3], [64, 2, 3, 3]]},
}


def count_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def count_macs(net: nn.Module, size: int = 128) -> dict[str, int]:
    """Multiply-adds of one inference at size x size, split as the WASM profile splits time:
    1x1 convs, depthwise convs, the other convs (stem 3x3, side-output upsampling)."""
    macs = {"conv1x1": 0, "depthwise": 0, "other": 0}
    hooks = []

    def hook(module: nn.Module, _inp, out: torch.Tensor) -> None:
        w = module.weight
        per_output = w.shape[1] * w.shape[2] * w.shape[3] if isinstance(module, nn.Conv2d) else w.shape[2] * w.shape[3] / (module.stride[0] * module.stride[1]) * w.shape[0]
        n = int(out.shape[1] * out.shape[2] * out.shape[3] * per_output)
        if isinstance(module, nn.Conv2d) and module.groups > 1:
            macs["depthwise"] += n
        elif isinstance(module, nn.Conv2d) and w.shape[2] == 1:
            macs["conv1x1"] += n
        else:
            macs["other"] += n

    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            hooks.append(m.register_forward_hook(hook))
    was = net.training
    net.eval()
    with torch.no_grad():
        net(torch.zeros(1, 3, size, size))
    net.train(was)
    for h in hooks:
        h.remove()
    macs["total"] = sum(macs.values())
    return macs
