"""Make a cheaper network from a trained one by keeping each inverted-residual block's most used
hidden channels (structured pruning), as a starting point for `train.py --init-weights` with the
original as the distillation teacher.

python3 training/prune.py --onnx models/docedge-fp32.onnx --keep 0.5 --out training/runs/pruned.pt
python3 training/train.py --out training/runs/pruned --minutes 60 --init-weights training/runs/pruned.pt \
    --teacher models/docedge-fp32.onnx --distill 0.5 --lr 3e-4 --threads 1 --workers 1

Why pruning rather than a smaller network from scratch: the cheaper candidates (model.py ARCHS)
start from nothing and, distilled on this CPU, reached 0.90 mean JI in the time the shipped network
needed 15x more of (models/MODEL.md). A pruned network starts from the shipped one's function: only
its least used hidden channels go, so fine-tuning has a small gap to close. The hidden channels are
what a block's three convs (1x1 expand, 3x3 depthwise, 1x1 project) spend nearly all their time
on, and pruning them leaves every block's inputs, outputs and residual sums as they were.

A hidden channel's use is the standard deviation of what it feeds the projection conv on synthetic
images times the norm of its projection weights; a dropped channel's mean goes into the
projection's bias, so the block's output loses only the channel's variation.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from model import EdgeNet, InvertedResidual, count_macs  # noqa: E402


def blocks_of(net: EdgeNet) -> list[InvertedResidual]:
    return [b for stage in net.stages for b in stage]


def block_convs(block: InvertedResidual) -> tuple[nn.Conv2d | None, nn.Conv2d, nn.Conv2d]:
    """(expansion or None, depthwise, projection) convs of a block."""
    layers = list(block.body)
    project = layers[-1][0]
    depthwise = layers[-2][0]
    expand = layers[0][0] if len(layers) == 3 else None
    return expand, depthwise, project


@torch.no_grad()
def channel_stats(net: EdgeNet, images: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per block, the mean and standard deviation of each hidden channel's input to the projection
    conv over every pixel of `images`."""
    acc: list[list[torch.Tensor | float]] = []
    hooks = []
    for i, block in enumerate(blocks_of(net)):
        _, _, project = block_convs(block)
        acc.append([torch.zeros(project.in_channels, dtype=torch.float64),
                    torch.zeros(project.in_channels, dtype=torch.float64), 0.0])

        def hook(_m: nn.Module, inp: tuple[torch.Tensor], _out: torch.Tensor, i: int = i) -> None:
            h = inp[0].double()
            acc[i][0] += h.sum(dim=(0, 2, 3))
            acc[i][1] += (h * h).sum(dim=(0, 2, 3))
            acc[i][2] += h.shape[0] * h.shape[2] * h.shape[3]

        hooks.append(project.register_forward_hook(hook))
    was = net.training
    net.eval()
    for start in range(0, images.shape[0], 16):
        net(images[start:start + 16])
    net.train(was)
    for h in hooks:
        h.remove()
    stats = []
    for total, squares, n in acc:
        mean = total / n
        stats.append((mean.float(), (squares / n - mean * mean).clamp_min(0).sqrt().float()))
    return stats


def kept_width(hidden: int, keep: float, multiple: int = 8) -> int:
    """keep x hidden rounded to a multiple of `multiple` (SIMD-friendly widths), at least one multiple."""
    return max(multiple, min(hidden, int(round(hidden * keep / multiple)) * multiple))


@torch.no_grad()
def prune(net: EdgeNet, arch: dict, keep: list[float], images: torch.Tensor) -> tuple[EdgeNet, dict, list[list[int]]]:
    """A batchnorm=False copy of `net` with each block's hidden width cut to keep[block] of it.

    Returns the pruned network, its EdgeNet arguments and each block's kept channel indices (in
    their original order). Blocks without an expansion conv keep every channel (their depthwise
    conv reads the block's input). keep 1.0 everywhere reproduces the network exactly.
    """
    blocks = blocks_of(net)
    if len(keep) != len(blocks):
        raise ValueError(f"keep: one fraction per block ({len(blocks)}), got {len(keep)}")
    stats = channel_stats(net, images)
    widths, kept = [], []
    for block, (_, std), k in zip(blocks, stats, keep):
        expand, _, project = block_convs(block)
        hidden = project.in_channels
        if expand is None or k >= 1.0:
            idx = list(range(hidden))
        else:
            # What the block's output loses when a channel goes, once its mean is kept (below).
            use = std * project.weight.flatten(1).norm(dim=0)
            idx = sorted(torch.argsort(use, descending=True)[:kept_width(hidden, k)].tolist())
        widths.append(len(idx))
        kept.append(idx)
    new_arch = {k: v for k, v in arch.items() if k not in ("batchnorm", "hidden")}
    new_arch.update({"batchnorm": False, "hidden": widths})
    small = EdgeNet(**new_arch)
    small.load_state_dict({k: v for k, v in net.state_dict().items()
                           if not k.startswith("stages.")}, strict=False)
    for old, new, idx, (mean, _) in zip(blocks, blocks_of(small), kept, stats):
        sel = torch.tensor(idx)
        dropped = torch.tensor(sorted(set(range(mean.numel())) - set(idx)), dtype=torch.long)
        e_old, d_old, p_old = block_convs(old)
        e_new, d_new, p_new = block_convs(new)
        if e_old is not None:
            e_new.weight.copy_(e_old.weight[sel])
            e_new.bias.copy_(e_old.bias[sel])
        d_new.weight.copy_(d_old.weight[sel])
        d_new.bias.copy_(d_old.bias[sel])
        p_new.weight.copy_(p_old.weight[:, sel])
        # A dropped channel's average contribution moves into the projection's bias, so only its
        # variation around that average is lost.
        p_new.bias.copy_(p_old.bias + p_old.weight[:, dropped, 0, 0] @ mean[dropped])
        if old.shortcut is not None:
            new.shortcut.load_state_dict(old.shortcut.state_dict())
    return small.eval(), new_arch, kept


def keep_per_block(net: EdgeNet, keep: float, per_stage: str) -> list[float]:
    stage_keep = [float(v) for v in per_stage.split(",")] if per_stage else [keep] * len(net.stages)
    if len(stage_keep) != len(net.stages):
        raise SystemExit(f"--keep-stages: one fraction per stage ({len(net.stages)})")
    if not all(0.0 < k <= 1.0 for k in stage_keep):
        raise SystemExit("keep fractions are in (0, 1]")
    return [k for k, stage in zip(stage_keep, net.stages) for _ in stage]


def main() -> None:
    from export import net_from_onnx
    from train import fixed_validation

    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", default="models/docedge-fp32.onnx", help="the trained float32 model to prune")
    ap.add_argument("--keep", type=float, default=0.5, help="share of each block's hidden channels kept")
    ap.add_argument("--keep-stages", default="", help="one share per stage (1/2 .. 1/16), e.g. 0.5,0.5,0.75,1")
    ap.add_argument("--images", type=int, default=128, help="synthetic images that measure channel use")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    ap.add_argument("--out", required=True, help="checkpoint for train.py --init-weights")
    args = ap.parse_args()

    net = net_from_onnx(args.onnx)
    keep = keep_per_block(net, args.keep, args.keep_stages)
    images, _ = fixed_validation(args.assets, args.size, n=args.images, seed=45678)
    small, arch, _ = prune(net, {}, keep, images)
    with torch.no_grad():
        probe, _ = fixed_validation(args.assets, args.size, n=32, seed=56789)
        a, b = torch.sigmoid(net(probe)), torch.sigmoid(small(probe))
    before, after = count_macs(net, args.size), count_macs(small, args.size)
    report = {"hidden": arch["hidden"], "macs_before": before["total"], "macs_after": after["total"],
              "mean_abs_dp_before_finetuning": round(float((a - b).abs().mean()), 4)}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"model": small.state_dict(), "arch": arch, "images_seen": 0, "size": args.size,
                "pruned_from": os.path.basename(args.onnx), "keep": keep}, args.out)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
