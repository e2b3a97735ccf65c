// The finder's judgement on synthetic maps: curved sides, background lines, nested quads, slivers
// and frame borders (issue 12). Each map is drawn the way the network marks boundaries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findQuad } from "../../src/quad/find-quad.ts";
import type { FloatMap, Point, Quad } from "../../src/types.ts";
import { blankMap, cornerError, drawQuad, drawSegment, type StrokeOptions } from "./synth.ts";

/** A side from a to b that bows out by `bow` px at its middle (a curled page), as a polyline. */
function drawBowed(m: FloatMap, a: Point, b: Point, bow: number, opts: StrokeOptions = {}): void {
  const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy);
  const nx = dy / len, ny = -dx / len;
  const n = 24;
  let prev = a;
  for (let i = 1; i <= n; i++) {
    const t = i / n, off = bow * 4 * t * (1 - t);
    const p: Point = [a[0] + dx * t + nx * off, a[1] + dy * t + ny * off];
    drawSegment(m, prev, p, opts);
    prev = p;
  }
}

test("a curved side: corners at the page's real corners, not on the chord's fit", () => {
  const page: Quad = [[50.5, 40.5], [200.3, 45.2], [205.1, 215.7], [45.4, 210.2]];
  const m = blankMap();
  drawSegment(m, page[0], page[1]);
  // The right side bows out by 5 px (a curled edge); the others are straight.
  drawBowed(m, page[1], page[2], 5);
  drawSegment(m, page[2], page[3]);
  drawSegment(m, page[3], page[0]);
  const r = findQuad(m);
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  for (const k of [1, 2]) {
    const e = Math.hypot(r.quad[k][0] - page[k][0], r.quad[k][1] - page[k][1]);
    assert.ok(e < 1.5, `corner ${k} is ${e.toFixed(2)} px from the page's corner`);
  }
});

test("a side borrowed from a background line below the page loses to the page's own side", () => {
  const page: Quad = [[60.5, 50.5], [190.3, 52.2], [188.1, 150.7], [62.4, 148.2]];
  const m = blankMap();
  drawQuad(m, page);
  // A folder's edge below the page, running across the whole photo, and the page's side lines
  // faintly continued down to it (shadows): the quad on the folder's edge must not win.
  drawSegment(m, [0, 185.5], [256, 189.5]);
  drawSegment(m, [188.1, 150.7], [187.4, 187], { strength: 0.3 });
  drawSegment(m, [62.4, 148.2], [63, 186], { strength: 0.3 });
  const r = findQuad(m);
  assert.ok(r.found && r.quad);
  assert.ok(cornerError(r.quad, page) < 1.5, `corner error ${cornerError(r.quad, page).toFixed(2)}`);
});

test("nested rectangles: a page inside its cover (thin band, weak spiral side) is the document", () => {
  const cover: Quad = [[30.5, 30.5], [226.3, 32.2], [224.1, 226.7], [32.4, 224.2]];
  const page: Quad = [[42.5, 41.5], [212.3, 43.2], [211.1, 214.7], [43.4, 213.2]];
  const m = blankMap();
  drawQuad(m, cover);
  drawSegment(m, page[0], page[1], { strength: 0.8 });
  drawSegment(m, page[1], page[2], { strength: 0.5, gaps: [[0.1, 0.2], [0.4, 0.5], [0.7, 0.8]] });
  drawSegment(m, page[2], page[3], { strength: 0.8 });
  drawSegment(m, page[3], page[0], { strength: 0.8 });
  const r = findQuad(m);
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  assert.ok(cornerError(r.quad, page) < 1.5, `corner error to the page ${cornerError(r.quad, page).toFixed(2)}`);
});

test("a sliver (short/long 0.12) is no document; a receipt (0.3) is one", () => {
  const sliver = blankMap();
  drawQuad(sliver, [[20.5, 110.5], [235.5, 112.5], [235.5, 138.5], [20.5, 136.5]]);
  const s = findQuad(sliver);
  assert.equal(s.found, false, `sliver confidence ${s.confidence}`);
  const receipt = blankMap();
  const q: Quad = [[95.5, 20.5], [160.5, 21.5], [160.5, 235.5], [95.5, 234.5]];
  drawQuad(receipt, q);
  const r = findQuad(receipt);
  assert.ok(r.found && r.quad, `receipt confidence ${r.confidence}`);
  assert.ok(cornerError(r.quad, q) < 1);
});

test("three sides that stop short of the frame (a screen, a shelf) are not a page cut by it", () => {
  const m = blankMap();
  drawSegment(m, [40.5, 50.5], [200.5, 52.5]);
  drawSegment(m, [40.5, 50.5], [42.5, 170.5]);
  drawSegment(m, [200.5, 52.5], [198.5, 172.5]);
  const r = findQuad(m);
  assert.equal(r.found, false, `confidence ${r.confidence}`);
});

test("a page really cut by the frame (its sides run into the border) is found with confidence", () => {
  const m = blankMap();
  // Three sides seen, the left and right ones running down to the bottom of the photo.
  const truth: Quad = [[40.5, 60.5], [215.3, 66.2], [222.1, 300], [34.4, 300]];
  drawQuad(m, truth);
  const r = findQuad(m);
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  assert.ok(r.confidence > 0.7, `confidence ${r.confidence}`);
  assert.ok(Math.hypot(r.quad[0][0] - 40.5, r.quad[0][1] - 60.5) < 1);
  assert.ok(Math.abs(r.quad[2][1] - 256) < 1e-6, "bottom side on the frame border");
});

test("a card whose fourth side is not among the line hypotheses is closed where its other sides stop", () => {
  const card: Quad = [[60.5, 70.5], [190.3, 80.2], [184.1, 150.7], [54.4, 140.2]];
  const m = blankMap();
  drawSegment(m, card[0], card[1]);
  drawSegment(m, card[2], card[3]);
  drawSegment(m, card[3], card[0]);
  // The right side is faint (a card's white edge on a white desk), and a desk's edge runs across
  // the photo: with four line hypotheses, the desk's edge takes the place of the card's side.
  drawSegment(m, card[1], card[2], { strength: 0.3 });
  drawSegment(m, [0, 215.5], [256, 222.5]);
  const r = findQuad(m, { maxLines: 4 });
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  assert.ok(cornerError(r.quad, card) < 1.5, `corner error ${cornerError(r.quad, card).toFixed(2)}`);
});

test("a line of print just inside a side does not pull the side off its own edge", () => {
  // The bottom side is marked faintly; a line of print (a signature line, a card's last text row)
  // runs 3.5 px inside it along part of its length, within the band the side's refit takes pixels
  // from. A refit pulled onto the print carries less of the side's ridge than the side itself.
  const page: Quad = [[63.5, 41.7], [194.4, 36.6], [194.7, 210.2], [46.5, 219.5]];
  const m = blankMap();
  for (let k = 0; k < 4; k++) drawSegment(m, page[k], page[(k + 1) % 4], { strength: k === 2 ? 0.5 : 0.95 });
  drawSegment(m, [104.0, 212.3], [56.6, 214.8]);
  const r = findQuad(m);
  assert.ok(r.found && r.quad);
  let err = Infinity;
  for (let s = 0; s < 4; s++) err = Math.min(err, cornerError(r.quad, [0, 1, 2, 3].map((k) => page[(s + k) % 4])));
  assert.ok(err < 1, `corner error ${err.toFixed(2)} px`);
});
