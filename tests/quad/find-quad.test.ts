import { test } from "node:test";
import assert from "node:assert/strict";
import { findQuad, findQuadDetailed } from "../../src/quad/find-quad.ts";
import { jaccardIndex } from "../../src/geometry/jaccard.ts";
import { DocedgeError } from "../../src/errors.ts";
import type { Point, Quad } from "../../src/types.ts";
import { addNoise, blankMap, cornerError, drawQuad, drawSegment } from "./synth.ts";

function rotated(cx: number, cy: number, w: number, h: number, deg: number): Quad {
  const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  const pts: Point[] = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
  return pts.map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c] as Point) as Quad;
}

/** The quad ordered like the finder's output (clockwise from the smallest x + y). */
function canonical(q: readonly Point[]): Quad {
  let start = 0;
  for (let k = 1; k < 4; k++) if (q[k][0] + q[k][1] < q[start][0] + q[start][1]) start = k;
  return [0, 1, 2, 3].map((k) => q[(start + k) % 4]) as Quad;
}

/**
 * Corner error against the truth, in the finder's order; when two corners tie for the smallest
 * x + y (a square turned 45 degrees), a sub-pixel shift decides which comes first, so either is fine.
 */
function orderedError(found: Quad, truth: readonly Point[]): number {
  const min = Math.min(...truth.map(([x, y]) => x + y));
  let best = Infinity;
  for (let s = 0; s < 4; s++) {
    if (truth[s][0] + truth[s][1] > min + 1) continue;
    best = Math.min(best, cornerError(found, [0, 1, 2, 3].map((k) => truth[(s + k) % 4])));
  }
  return best;
}

function expectCorners(truth: Quad, map = (() => { const m = blankMap(); drawQuad(m, truth); return m; })(), tol = 1, minConfidence = 0.8): void {
  const r = findQuad(map);
  assert.equal(r.found, true, "document found");
  assert.ok(r.quad);
  const err = orderedError(r.quad, canonical(truth));
  assert.ok(err < tol, `corner error ${err.toFixed(3)} px >= ${tol}`);
  assert.ok(r.confidence >= minConfidence && r.confidence <= 1, `confidence ${r.confidence}`);
}

test("clean axis-aligned rectangle: corners to well under a pixel", () => {
  expectCorners([[40.3, 30.7], [210.2, 35.1], [205.6, 220.4], [45.1, 215.9]]);
});

test("strong perspective (a trapezoid with 40-degree base angles)", () => {
  expectCorners([[95.5, 40.2], [165.3, 44.8], [241.7, 228.1], [18.9, 221.6]]);
});

test("rotation by 30 and by 45 degrees", () => {
  expectCorners(rotated(128, 130, 150, 110, 30));
  expectCorners(rotated(126, 127, 140, 120, 45));
});

test("a corner out of frame is placed outside the map where its two edges meet", () => {
  const truth: Quad = [[-30.4, 40.2], [200.1, 20.3], [220.6, 230.2], [30.3, 240.7]];
  const r = findQuad((() => { const m = blankMap(); drawQuad(m, truth); return m; })());
  assert.ok(r.found && r.quad);
  assert.ok(r.quad[0][0] < 0, "top-left corner left of the map");
  assert.ok(cornerError(r.quad, truth) < 1, `corner error ${cornerError(r.quad, truth)}`);
});

test("two corners out of frame (page cut by the right edge)", () => {
  const truth: Quad = [[50.2, 30.5], [290.4, 40.1], [280.7, 215.3], [45.6, 225.2]];
  const r = findQuad((() => { const m = blankMap(); drawQuad(m, truth); return m; })());
  assert.ok(r.found && r.quad);
  // The right side is invisible: the frame border stands in for it.
  const visible: Quad = [[50.2, 30.5], [256, 38.6], [256, 216.5], [45.6, 225.2]];
  assert.ok(jaccardIndex(visible, r.quad) > 0.97, `JI ${jaccardIndex(visible, r.quad)}`);
  assert.ok(Math.hypot(r.quad[0][0] - 50.2, r.quad[0][1] - 30.5) < 1);
  assert.ok(Math.hypot(r.quad[3][0] - 45.6, r.quad[3][1] - 225.2) < 1);
});

test("gaps in every edge (glare, occlusion) do not move the corners", () => {
  const truth: Quad = [[60.5, 50.5], [200.3, 58.2], [190.1, 210.7], [52.4, 200.2]];
  const m = blankMap();
  drawQuad(m, truth, { sideGaps: [[[0.2, 0.45]], [[0.5, 0.8]], [[0.1, 0.3], [0.6, 0.7]], [[0.3, 0.6]]] });
  // About 30% of the outline is missing, and the confidence says so.
  expectCorners(truth, m, 1, 0.6);
});

test("prefers the page over a table printed on it", () => {
  const page: Quad = [[30.5, 20.5], [225.3, 25.2], [220.1, 235.4], [35.2, 230.3]];
  const table: Quad = [[60.2, 60.4], [195.4, 62.3], [193.1, 160.2], [61.3, 158.5]];
  const m = blankMap();
  drawQuad(m, page, { strength: 0.7 });
  drawQuad(m, table, { strength: 0.95 });
  // Inner grid lines of the table, too.
  drawSegment(m, [60.7, 110.3], [194.2, 111.2]);
  drawSegment(m, [128.1, 61.3], [127.5, 159.4]);
  expectCorners(page, m);
});

test("prefers the page over the weaker edges of the table it lies on", () => {
  const page: Quad = [[70.5, 60.5], [190.3, 66.2], [185.1, 200.7], [64.4, 195.2]];
  const m = blankMap();
  drawQuad(m, [[-20, 15], [270, 10], [280, 250], [-15, 245]], { strength: 0.3 });
  drawQuad(m, page);
  expectCorners(page, m);
});

test("two papers side by side: one of them, not their hull", () => {
  const big: Quad = [[15.5, 40.5], [130.3, 35.2], [135.1, 215.7], [20.4, 220.2]];
  const small: Quad = [[150.2, 70.4], [240.3, 75.1], [236.2, 190.3], [148.1, 186.2]];
  const m = blankMap();
  drawQuad(m, big);
  drawQuad(m, small);
  const r = findQuad(m);
  assert.ok(r.found && r.quad);
  const e = Math.min(cornerError(r.quad, big), cornerError(r.quad, small));
  assert.ok(e < 1, `corner error ${e}`);
});

test("speckle noise around a document", () => {
  const truth: Quad = [[48.3, 35.6], [208.7, 41.2], [214.2, 219.8], [40.1, 212.5]];
  const m = blankMap();
  drawQuad(m, truth, { strength: 0.85 });
  addNoise(m, 7, 0.04, 0.9, 0.12);
  expectCorners(truth, m, 1.5);
});

test("an empty map is no document", () => {
  const r = findQuad(blankMap());
  assert.deepEqual(r, { found: false, quad: null, confidence: 0 });
});

test("pure noise is no document", () => {
  for (const seed of [1, 2, 3]) {
    const m = blankMap();
    addNoise(m, seed, 0.3, 1, 0.2);
    const r = findQuad(m);
    assert.equal(r.found, false, `seed ${seed}: confidence ${r.confidence}`);
    assert.ok(r.confidence < 0.5);
  }
});

test("a lone line or an open corner (L) is no document at the default threshold", () => {
  const m = blankMap();
  drawSegment(m, [20, 100], [230, 110]);
  drawSegment(m, [40, 30], [45, 220]);
  const r = findQuad(m);
  assert.equal(r.found, false, `confidence ${r.confidence}`);
  const line = blankMap();
  drawSegment(line, [20, 100], [230, 110]);
  assert.equal(findQuad(line).found, false);
});

test("a page cut by the bottom of the photo (three sides seen) is found", () => {
  const truth: Quad = [[40.5, 30.5], [215.3, 36.2], [225.1, 330.7], [30.4, 320.2]];
  const m = blankMap();
  drawQuad(m, truth);
  const r = findQuad(m);
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  assert.ok(Math.hypot(r.quad[0][0] - truth[0][0], r.quad[0][1] - truth[0][1]) < 1);
  assert.ok(Math.hypot(r.quad[1][0] - truth[1][0], r.quad[1][1] - truth[1][1]) < 1);
  assert.ok(Math.abs(r.quad[2][1] - 256) < 1e-6 && Math.abs(r.quad[3][1] - 256) < 1e-6, "bottom side on the frame border");
});

test("aspect: corners ordered as in the source photo, angles judged unstretched", () => {
  // A page rotated ~40 degrees in a 2:1 landscape photo, squeezed to a square map.
  const src = rotated(400, 200, 260, 200, 40);
  const truth = src.map(([x, y]) => [x * 256 / 800, y * 256 / 400] as Point) as Quad;
  const m = blankMap();
  drawQuad(m, truth);
  const r = findQuad(m, { aspect: 2 });
  assert.ok(r.found && r.quad);
  const srcOrder = canonical(src).map(([x, y]) => [x * 256 / 800, y * 256 / 400] as Point);
  assert.ok(cornerError(r.quad, srcOrder) < 1, `corner error ${cornerError(r.quad, srcOrder)}`);
});

test("threshold option decides found; confidence is unchanged", () => {
  const m = blankMap();
  drawQuad(m, [[40, 40], [200, 40], [200, 200], [40, 200]], { strength: 0.35 });
  const lo = findQuad(m, { threshold: 0.05 });
  const hi = findQuad(m, { threshold: 0.99 });
  assert.equal(lo.found, true);
  assert.equal(hi.found, false);
  assert.equal(hi.quad, null);
  assert.equal(lo.confidence, hi.confidence);
  assert.ok(lo.confidence < 0.9, "faint edges give lower confidence");
});

test("non-square maps work", () => {
  const m = blankMap(320, 200);
  const truth: Quad = [[50.5, 30.5], [270.2, 35.3], [265.1, 170.4], [55.3, 165.2]];
  drawQuad(m, truth);
  const r = findQuadDetailed(m);
  assert.ok(r.found && r.quad);
  assert.ok(cornerError(r.quad, truth) < 1);
  assert.ok(r.lines.length >= 4);
});

test("rejects malformed maps with a typed error", () => {
  assert.throws(() => findQuad({ data: new Float32Array(10), width: 4, height: 4 }), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
  assert.throws(() => findQuad(blankMap(), { aspect: -1 }), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
});

test("the warm-up map goes all the way to a quad (so a warm-up compiles what a detection runs)", async () => {
  const { warmUpMap } = await import("../../src/quad/warm-up.ts");
  const d = findQuadDetailed(warmUpMap());
  assert.equal(d.found, true, `confidence ${d.confidence}`);
  assert.ok(d.lines.length >= 4, `${d.lines.length} lines`);
});
