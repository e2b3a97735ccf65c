"""Average the weights of a run's cycle endpoints (stochastic weight averaging).

python3 training/average.py --out /tmp/swa.pt training/checkpoints/wide-v13.pt \
    training/checkpoints/wide-v13b.pt training/checkpoints/wide-v13c.pt
python3 training/export.py --checkpoint /tmp/swa.pt --out /tmp/swa

Why: a run continued in segments is a run with a cyclic learning rate (each segment restarts the
cosine and decays it to 5%), and the networks at the ends of such cycles lie around one basin; their
mean sits nearer its centre, where the loss is flatter and held-out data fares better than at any
single endpoint (Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
Generalization", 2018). Measured here, single pages swing by 0.05-0.15 JI between the ends of
wide-v13b and wide-v13c while their folder means hold (models/MODEL.md).

Only networks without BatchNorm are averaged: a mean of weights needs its own normalisation
statistics, which this tool does not recompute. The result is a checkpoint in train.py's format
(weights only, no optimiser state) that export.py and interpolate.py take like any other.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from interpolate import interpolate  # noqa: E402
from model import EdgeNet  # noqa: E402


def average(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The tensor-by-tensor mean of networks with the same tensors; integer tensors come from the last.

    A running mean: the k-th network is interpolated in at 1/k, so interpolate.py's checks (same
    tensors, same shapes) refuse a different network here too.
    """
    if len(states) < 2:
        raise SystemExit("average at least two checkpoints")
    mean = states[0]
    for k, state in enumerate(states[1:], 2):
        mean = interpolate(mean, state, 1.0 / k)
    return mean


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoints", nargs="+", help="train.py checkpoints of one network, oldest first")
    ap.add_argument("--out", required=True, help="the averaged checkpoint (.pt)")
    args = ap.parse_args()
    ckpts = [torch.load(path, map_location="cpu", weights_only=False) for path in args.checkpoints]
    for path, ckpt in zip(args.checkpoints, ckpts):
        if ckpt.get("arch", {}).get("batchnorm", True):
            raise SystemExit(f"{path} trains with BatchNorm; its averaged weights would need new statistics")
    last = ckpts[-1]
    state = {"model": average([ckpt["model"] for ckpt in ckpts]), "arch": last.get("arch", {}),
             "size": last["size"], "images_seen": last["images_seen"], "mix": last.get("mix"),
             "based_on": last.get("based_on"), "averaged": list(args.checkpoints)}
    EdgeNet(**state["arch"]).load_state_dict(state["model"])  # the mean is a network this code builds
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(state, args.out)
    print(f"wrote {args.out}: the mean of {len(args.checkpoints)} checkpoints", flush=True)


if __name__ == "__main__":
    main()
