"""Interpolate a fine-tuned network's weights with the weights it started from (WiSE-FT).

python3 training/interpolate.py --base models/docedge-fp32.onnx --checkpoint training/runs/v6a/checkpoint.pt \
    --alpha 0.5 --out training/runs/v6a-wise50.pt
python3 training/export.py --checkpoint training/runs/v6a-wise50.pt --out /tmp/v6a-wise50

Why: every synthetic fine-tune of the shipped network since v3 gained on the scene families it added
and lost on real photos (models/MODEL.md). Fine-tunes that start from the same weights stay in one
basin, so the straight line between the two networks' weights holds networks that keep much of
both (Wortsman et al., "Robust fine-tuning of zero-shot models", 2022): measured here, halfway from
the shipped network to the v6 segment took the dev photos from 0.9508 (the segment) back above the
shipped network's mean JI, with 14/15 negatives where the segment rejected 11 ("Interpolated
networks" in models/MODEL.md, which also says why that is not shipped).

The result is a checkpoint in train.py's format (weights only: no optimiser state), which export.py
folds, exports and quantizes like any other.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from export import load_checkpoint, net_from_onnx  # noqa: E402


def interpolate(base: dict[str, torch.Tensor], tuned: dict[str, torch.Tensor], alpha: float) -> dict[str, torch.Tensor]:
    """(1 - alpha) * base + alpha * tuned, tensor by tensor; both must have the same tensors."""
    if base.keys() != tuned.keys():
        raise SystemExit(f"different networks: tensors only in one of them: {sorted(set(base) ^ set(tuned))[:6]}")
    out = {}
    for name, b in base.items():
        t = tuned[name]
        if b.shape != t.shape:
            raise SystemExit(f"different networks: {name} is {tuple(b.shape)} in the base, {tuple(t.shape)} in the checkpoint")
        out[name] = torch.lerp(b.float(), t.float(), alpha).to(t.dtype) if t.is_floating_point() else t.clone()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="the weights the fine-tune started from: an exported float32 "
                                                  "ONNX model (BatchNorm folded) or a train.py checkpoint")
    ap.add_argument("--checkpoint", required=True, help="the fine-tuned train.py checkpoint")
    ap.add_argument("--alpha", type=float, required=True, help="0: the base, 1: the checkpoint")
    ap.add_argument("--out", required=True, help="the interpolated checkpoint (.pt)")
    args = ap.parse_args()
    if not 0.0 <= args.alpha <= 1.0:
        raise SystemExit(f"--alpha {args.alpha}: a share in [0, 1]")
    tuned, ckpt = load_checkpoint(args.checkpoint)
    arch = ckpt.get("arch", {})
    if args.base.endswith(".onnx"):
        if arch.get("batchnorm", True):
            raise SystemExit(f"{args.checkpoint} trains with BatchNorm; an ONNX base has it folded: "
                             "interpolate with the checkpoint it started from instead")
        try:
            base = net_from_onnx(args.base, {k: v for k, v in arch.items() if k != "batchnorm"} or None)
        except ValueError as error:
            raise SystemExit(f"different networks: {error}") from error
    else:
        base, _ = load_checkpoint(args.base)
    state = {"model": interpolate(base.state_dict(), tuned.state_dict(), args.alpha), "arch": arch,
             "size": ckpt["size"], "images_seen": ckpt["images_seen"], "mix": ckpt.get("mix"),
             "based_on": ckpt.get("based_on"),
             "interpolated": {"base": args.base, "checkpoint": args.checkpoint, "alpha": args.alpha}}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(state, args.out)
    print(f"wrote {args.out}: {1 - args.alpha:g} x {args.base} + {args.alpha:g} x {args.checkpoint}", flush=True)


if __name__ == "__main__":
    main()
