"""Render a synthetic check set for the spiral side's coil check (src/quad/coil.ts): open spiral
notebooks drawn the v8 way, labelled out to the coil's ring line, and pages of v8's other families
with a ridge beside a side (a cover or folder, a sleeve's top edge, a pale wall, a desk with a
laptop's keyboard or boxes, marble veins, pens and cables) and no coil. Written as two folders in
the dev set's layout (each a labels.json beside its JPEGs), so that `docedge eval` scores them:

python3 training/coil_set.py --out /tmp/coilset [--n 150] [--size 640] [--seed 0]
node <build without the check>/src/cli/bin.js eval /tmp/coilset --no-baseline --json before.json
node dist/src/cli/bin.js eval /tmp/coilset --no-baseline --json after.json
python3 training/coil_set.py --report before.json after.json

("before" is any build without the coil check, e.g. `git worktree add /tmp/base a20a5fd && cd /tmp/base
&& ln -s $PWD/node_modules . && npm run build`, then its dist/.) The report counts, per folder, the
photos found, those whose corners the check moved (on the notebooks: its detection rate; on the
others: its false fires) and the mean JI before and after, on all photos and on the moved ones.

Why: the dev set holds 11 spiral notebooks; this measures the coil check's detection rate, its
false fires beside other ridges, and the JI it moves, on a few hundred scenes nobody tuned it on.
Labels are the canvas's exact quads (top-left first, clockwise, as the dev labels); a notebook's
notes name its bound side as "bound", the label's side from corner `bound` to the next, so that a
check can tell the coil's side from the other three.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import scenes  # noqa: E402
from synth import (AssetPools, background, degrade, held_against_pale, jpeg, lighting, open_spiral_notebook,  # noqa: E402
                   page_among_things, page_in_cover, page_in_sleeve, plain_page)

OTHER_FAMILIES = ("cover", "sleeve", "pale_side", "desk_laptop", "desk_boxy", "desk_machine", "marble", "pens")


def corners(outline: np.ndarray) -> np.ndarray:
    """A flat page's four corners from its outline (some families return it densely sampled along
    the sides): the polygon simplified until four vertices are left."""
    pts = np.asarray(outline, np.float32)[:, :2]
    if len(pts) == 4:
        return pts
    hull = cv2.convexHull(pts)
    eps = 0.002 * cv2.arcLength(hull, True)
    for _ in range(60):
        approx = cv2.approxPolyDP(hull, eps, True)
        if len(approx) <= 4:
            break
        eps *= 1.25
    if len(approx) != 4:
        raise ValueError(f"outline of {len(pts)} points does not simplify to a quad")
    return approx.reshape(4, 2)


def ordered(quad: np.ndarray) -> list[list[float]]:
    """Corners clockwise on screen from the one with the smallest x + y (the dev labels' order)."""
    q = corners(quad).astype(np.float64)
    c = q.mean(0)
    ang = np.arctan2(q[:, 1] - c[1], q[:, 0] - c[0])
    q = q[np.argsort(ang)]  # clockwise on screen (y down)
    k = int(np.argmin(q.sum(1)))
    return np.roll(q, -k, 0).round(2).tolist()


def notebook(rng: np.random.Generator, pools: AssetPools, g: int) -> tuple[np.ndarray, np.ndarray, dict]:
    canvas = background(rng, pools, g)
    quad, parts = open_spiral_notebook(rng, pools, canvas, False, look="v8")
    side = int(parts["side"])
    # The bound side in the label's order (ordered() rolls the corners): the side from the label's
    # corner at quad[side] to the next, so that a report can read the coil's side from the label.
    label, q = np.asarray(ordered(quad)), np.asarray(quad, np.float64)[:, :2]
    a, b = (int(np.argmin(np.hypot(*(label - q[k % 4]).T))) for k in (side, side + 1))
    bound = a if b == (a + 1) % 4 else b
    return canvas, quad, {"family": "spiral_v8", "side": side, "bound": bound}


def other(rng: np.random.Generator, pools: AssetPools, g: int, family: str) -> tuple[np.ndarray, np.ndarray, dict]:
    canvas = background(rng, pools, g)
    if family == "cover":
        quad, _ = page_in_cover(rng, pools, canvas, False)
    elif family == "sleeve":
        quad, _, _ = page_in_sleeve(rng, pools, canvas, False, curl=False)
    elif family == "pale_side":
        quad, _, _ = held_against_pale(rng, pools, canvas, False)
    elif family.startswith("desk_"):
        quad, _ = page_among_things(rng, pools, canvas, {"desk_laptop": "laptop", "desk_boxy": "boxy", "desk_machine": "machine"}[family])
    elif family == "marble":
        canvas, marble = scenes.marble_surface(rng, g)
        quad = plain_page(rng, pools, canvas, False, None, lambda q: scenes.veins_near(rng, canvas, marble, q))
    else:
        quad = plain_page(rng, pools, canvas, False, None, None)
        scenes.pens_and_cables(rng, canvas, quad)
    return canvas, quad, {"family": family}


def report(before_path: str, after_path: str) -> dict:
    """Per folder: photos, found (before), moved by the check, and mean JI before and after."""
    with open(before_path) as f:
        before = {(i["folder"], i["file"]): i for i in json.load(f)["images"]}
    with open(after_path) as f:
        after = json.load(f)["images"]
    out = {}
    for folder in sorted({i["folder"] for i in after}):
        rows = [(before[(i["folder"], i["file"])]["docedge"], i["docedge"]) for i in after if i["folder"] == folder]
        moved = [(b, a) for b, a in rows if b.get("quad") != a.get("quad")]
        ji = lambda r: float(r.get("ji", 0.0))  # noqa: E731
        out[folder] = {
            "photos": len(rows), "found": sum(1 for b, _ in rows if b["found"]), "moved": len(moved),
            "moved_up": sum(1 for b, a in moved if ji(a) > ji(b)), "moved_down": sum(1 for b, a in moved if ji(a) < ji(b)),
            "mean_ji": [round(float(np.mean([ji(b) for b, _ in rows])), 4), round(float(np.mean([ji(a) for _, a in rows])), 4)],
            "mean_ji_moved": [round(float(np.mean([ji(b) for b, _ in moved])), 4), round(float(np.mean([ji(a) for _, a in moved])), 4)] if moved else None,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", nargs=2, metavar=("BEFORE_JSON", "AFTER_JSON"), help="compare two `docedge eval --json` reports of the set")
    ap.add_argument("--out")
    ap.add_argument("--n", type=int, default=150, help="images per folder")
    ap.add_argument("--size", type=int, default=640, help="canvas side in pixels")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    args = ap.parse_args()
    if args.report:
        print(json.dumps(report(*args.report), indent=1))
        return
    if not args.out:
        ap.error("--out is required to render the set")
    pools = AssetPools.load(args.assets)
    rng = np.random.default_rng(args.seed)
    for folder in ("notebooks", "others"):
        os.makedirs(os.path.join(args.out, folder), exist_ok=True)
        labels = []
        for i in range(args.n):
            if folder == "notebooks":
                canvas, quad, info = notebook(rng, pools, args.size)
            else:
                canvas, quad, info = other(rng, pools, args.size, OTHER_FAMILIES[i % len(OTHER_FAMILIES)])
            img = jpeg(rng, degrade(rng, lighting(rng, canvas)))
            name = f"{i:03d}.jpg"
            cv2.imwrite(os.path.join(args.out, folder, name), np.ascontiguousarray(img[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 92])
            labels.append({"file": name, "width": args.size, "height": args.size, "quad": ordered(quad),
                           "tags": [info["family"]], "notes": json.dumps(info)})
        with open(os.path.join(args.out, folder, "labels.json"), "w") as f:
            json.dump(labels, f, indent=1)


if __name__ == "__main__":
    main()
