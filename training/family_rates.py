"""How often networks take a synthetic family's scenes for a document: `--n` fresh samples of each
named family (drawn by `make_sample`, the training path, at `--size` px), written as PNGs, then
`docedge detect --json --model` over them; prints per family and network the share found and the
mean confidence.

python3 training/family_rates.py --model prev=prev.onnx --model end=end.onnx [--family organiser tray desk other page] [--n 150] [--seed 1234] [--size 256]

Needs the built CLI (`npm run build`). A measurement beside the dev eval, which alone decides:
whether a family shows the weakness a real photo shows (the previous network takes its scenes, a
fine-tune moves them), before and after a run trains on it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from synth import V9_MIX, V10_MIX, AssetPools, Mix, make_sample  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each family as a mix that draws nothing else: v6's desk families, v9's other non-documents, v9's
# pages, and v10's two holder families one at a time.
FAMILIES: dict[str, Mix] = {
    "desk": replace(V9_MIX, negative=1.0, desk_negative=1.0),
    "other": replace(V9_MIX, negative=1.0, desk_negative=0.0),
    "page": replace(V9_MIX, negative=0.0),
    "organiser": replace(V10_MIX, negative=1.0, holder_negative=1.0, holder_families=("organiser",)),
    "tray": replace(V10_MIX, negative=1.0, holder_negative=1.0, holder_families=("tray",)),
}


def draw_family(pools: AssetPools, family: str, n: int, seed: int, size: int, out: str) -> list[str]:
    """Writes the family's n samples as PNGs in `out`; returns their paths. A non-document family
    that drew a document would measure nothing, so it fails loudly instead."""
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        img, _, outline = make_sample(rng, pools, size, mix=FAMILIES[family])
        if (outline is None) != (family != "page"):
            raise AssertionError(f"{family} sample {i} {'has no' if outline is None else 'has a'} document")
        paths.append(os.path.join(out, f"{family}-{i:03d}.png"))
        cv2.imwrite(paths[-1], cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return paths


def rates(results: list[dict]) -> tuple[float, float]:
    """The share of images with a document found, and the mean confidence."""
    return (sum(bool(r["found"]) for r in results) / len(results),
            sum(float(r["confidence"]) for r in results) / len(results))


def detect(model: str, paths: list[str]) -> list[dict]:
    cli = os.path.join(ROOT, "dist", "src", "cli", "bin.js")
    done = subprocess.run(["node", cli, "detect", "--json", "--model", model, *paths],
                          check=True, capture_output=True, text=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", action="append", required=True, help="NAME=path.onnx, repeatable")
    ap.add_argument("--family", nargs="+", choices=sorted(FAMILIES), default=["organiser", "tray", "desk", "other", "page"])
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    args = ap.parse_args()
    models = dict(m.split("=", 1) for m in args.model)
    pools = AssetPools.load(args.assets)
    print(f"{'family':<10} " + " ".join(f"{name:>16}" for name in models) + "   (found %, mean confidence)")
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.family:
            paths = draw_family(pools, family, args.n, args.seed, args.size, tmp)
            cells = []
            for path in models.values():
                found, conf = rates(detect(path, paths))
                cells.append(f"{100 * found:>9.0f}% {conf:>5.2f}")
            print(f"{family:<10} " + " ".join(cells))
            for p in paths:
                os.remove(p)


if __name__ == "__main__":
    main()
