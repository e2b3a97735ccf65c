import { test } from "node:test";
import assert from "node:assert/strict";
import { estimateAspect, naiveAspect, pageSize, snapRatio } from "../../src/scan/aspect.ts";
import type { Quad } from "../../src/types.ts";
import { photographQuad, rng } from "./synthetic.ts";

const W = 4000;
const H = 3000;
const deg = Math.PI / 180;

function shoot(pw: number, ph: number, pitch: number, yaw: number, roll: number, f: number, shiftX = 0): Quad {
  return photographQuad(pw, ph, {
    f, imageW: W, imageH: H, pitch: pitch * deg, yaw: yaw * deg, roll: roll * deg,
    distance: Math.max(pw, ph) * 2, shiftX,
  });
}

// Sizes that snap to nothing (1.515, 3.125) and two that would (A4, ID card), so snapping is off here.
const PAGES: Array<[string, number, number]> = [
  ["A4", 210, 297],
  ["odd 198x300", 198, 300],
  ["receipt 80x250", 80, 250],
  ["ID card landscape", 85.6, 53.98],
];
// Poses where both pairs of sides converge: f is observable from the vanishing points.
const STRONG: Array<[number, number, number, number]> = [
  [40, 25, 10, 4000],
  [60, 20, 0, 3000],
  [30, 30, 30, 5000],
  [35, -30, 15, 3200],
];

test("Zhang-He recovers the true ratio under strong two-axis perspective (exact corners)", () => {
  for (const [name, pw, ph] of PAGES) {
    for (const [pitch, yaw, roll, f] of STRONG) {
      const q = shoot(pw, ph, pitch, yaw, roll, f, 20);
      const est = estimateAspect(q, W, H, { snap: false });
      const truth = pw / ph;
      assert.equal(est.focalSource, "vanishing-points", `${name} ${pitch}/${yaw}/${roll}`);
      assert.ok(Math.abs(est.focal / f - 1) < 1e-6, `focal ${est.focal} vs ${f}`);
      assert.ok(Math.abs(est.ratio / truth - 1) < 1e-6, `${name}: ${est.ratio} vs ${truth}`);
    }
  }
});

test("with 2 px corner noise the ratio stays within 2.5 % while side averaging is off by up to 60 %", () => {
  const rand = rng(7);
  let worstNaive = 0;
  for (const [pitch, yaw, roll, f] of STRONG) {
    for (let t = 0; t < 40; t++) {
      const q = shoot(210, 297, pitch, yaw, roll, f).map(([x, y]) => [x + (rand() - 0.5) * 4, y + (rand() - 0.5) * 4]) as Quad;
      const truth = 210 / 297;
      const err = Math.abs(estimateAspect(q, W, H, { snap: false }).ratio / truth - 1);
      assert.ok(err < 0.025, `pose ${pitch}/${yaw}/${roll}: error ${(err * 100).toFixed(2)} %`);
      worstNaive = Math.max(worstNaive, Math.abs(naiveAspect(q) / truth - 1));
    }
  }
  assert.ok(worstNaive > 0.3, `side averaging should fail under this perspective (worst ${worstNaive})`);
});

test("fronto-parallel and nearly affine quads fall back to the prior focal length and stay right", () => {
  for (const [name, pw, ph] of PAGES) {
    const flat = estimateAspect(shoot(pw, ph, 0, 0, 12, 4000), W, H, { snap: false });
    assert.equal(flat.focalSource, "prior");
    assert.ok(Math.abs(flat.ratio / (pw / ph) - 1) < 1e-9, `${name} flat`);
    const slight = estimateAspect(shoot(pw, ph, 4, 3, 2, 4000), W, H, { snap: false });
    assert.ok(Math.abs(slight.ratio / (pw / ph) - 1) < 0.005, `${name} slight tilt: ${slight.ratio}`);
  }
});

test("one-axis tilt (f unobservable): prior focal length keeps the error far below side averaging", () => {
  // Only one vanishing point is finite, so f is not in the picture; the error then depends on how
  // far the real lens is from the 28 mm-equivalent prior. Lenses 24-35 mm equivalent, 45 degrees.
  const diag = Math.hypot(W, H);
  for (const mm of [24, 28, 35]) {
    const f = (diag * mm) / 43.27;
    for (const [pitch, yaw] of [[45, 0], [0, 45]]) {
      const q = shoot(210, 297, pitch, yaw, 0, f);
      const est = estimateAspect(q, W, H, { snap: false });
      const err = Math.abs(est.ratio / (210 / 297) - 1);
      const naive = Math.abs(naiveAspect(q) / (210 / 297) - 1);
      assert.equal(est.focalSource, "prior");
      assert.ok(err < 0.12 && err < naive / 2, `${mm} mm, tilt ${pitch}/${yaw}: ${err} vs naive ${naive}`);
    }
  }
});

test("snapping: only within 2 %, either orientation, receipts never snapped", () => {
  assert.equal(snapRatio(0.7).name, "A-series (A4)");
  assert.equal(snapRatio(0.7).ratio, 1 / Math.SQRT2);
  assert.equal(snapRatio(1.42).ratio, Math.SQRT2);
  assert.equal(snapRatio(0.78).name, "US Letter");
  assert.equal(snapRatio(1.58).name, "ID-1 card");
  assert.equal(snapRatio(0.66).name, null);
  assert.equal(snapRatio(0.32).name, null);
  assert.equal(snapRatio(0.66).ratio, 0.66);
  const est = estimateAspect(shoot(210, 297, 40, 25, 10, 4000), W, H);
  assert.equal(est.snappedTo, "A-series (A4)");
});

test("pageSize keeps the photo's resolution along the best-resolved side and caps at maxSize", () => {
  const q: Quad = [[100, 100], [900, 120], [880, 1300], [120, 1280]];
  const s = pageSize(q, 0.7, 5000);
  assert.ok(Math.abs(s.height - 1181) <= 1, `height ${s.height}`); // longest vertical side
  assert.ok(Math.abs(s.width / s.height - 0.7) < 0.002);
  const capped = pageSize(q, 0.7, 600);
  assert.equal(capped.height, 600);
  assert.equal(capped.width, 420);
});

test("a small quad whose sides meet a few widths away is not stretched without bound", () => {
  // Left and right sides parallel, top and bottom meeting 50 px to the left of a 10 px quad: read
  // literally, a 5:1 strip seen almost edge-on. The correction is capped at 2x the side average.
  const q: Quad = [[10, 10], [20, 10], [20, 22], [10, 20]];
  const est = estimateAspect(q, 300, 200, { snap: false });
  const naive = naiveAspect(q);
  assert.ok(est.ratio <= 2 * naive + 1e-9 && est.ratio >= naive / 2 - 1e-9, `ratio ${est.ratio} vs side average ${naive}`);
});
