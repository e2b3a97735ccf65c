import { test } from "node:test";
import assert from "node:assert/strict";
import { attributeLoss, ANSWER_TOLERANCE, LINE_TOLERANCE } from "../../src/eval/attribution.ts";
import type { Line } from "../../src/quad/line.ts";
import type { Quad } from "../../src/types.ts";

// A page from (20, 16) to (100, 112) on a 128 x 128 map, its four sides as lines.
const truth: Quad = [[20, 16], [100, 16], [100, 112], [20, 112]];
const top: Line = { nx: 0, ny: 1, c: 16 }, right: Line = { nx: 1, ny: 0, c: 100 };
const bottom: Line = { nx: 0, ny: 1, c: 112 }, left: Line = { nx: 1, ny: 0, c: 20 };

test("the answer on the labelled sides is placement, whatever the hypotheses", () => {
  const a = attributeLoss(truth, [top, right, bottom], [[20.4, 16.3], [100.2, 15.8], [99.6, 112.5], [20.1, 111.7]], 128, 128);
  assert.equal(a.cause, "placement");
  assert.ok(a.answerGap && a.answerGap.every((g) => g <= ANSWER_TOLERANCE), JSON.stringify(a));
  assert.ok(a.lineGap[3] > LINE_TOLERANCE, "no hypothesis lay on the left side");
});

test("a labelled side with no hypothesis near it is the edge map's loss", () => {
  // The answer took an inner line (a spiral's page edge) for the labelled left side.
  const inner: Line = { nx: 1, ny: 0, c: 26 };
  const a = attributeLoss(truth, [top, right, bottom, inner], [[26, 16], [100, 16], [100, 112], [26, 112]], 128, 128);
  assert.equal(a.cause, "edge-map");
  assert.ok(Math.abs(a.lineGap[3] - 6) < 1e-9 && Math.abs((a.answerGap?.[3] ?? 0) - 6) < 1e-9, JSON.stringify(a));
  // With nothing found, the same map is still to blame.
  assert.equal(attributeLoss(truth, [top, right, bottom, inner], null, 128, 128).cause, "edge-map");
});

test("hypotheses on every side but an answer elsewhere is the line search's loss", () => {
  const table: Line = { nx: 0, ny: 1, c: 120 }; // a desk edge below the page
  const a = attributeLoss(truth, [top, right, bottom, left, table], [[20, 16], [100, 16], [100, 120], [20, 120]], 128, 128);
  assert.equal(a.cause, "line-search");
  assert.deepEqual(a.lineGap.map((g) => Math.round(g * 1e6) / 1e6), [0, 0, 0, 0]);
  assert.equal(a.answerGap?.[2], 8);
  // A slanted line through one end of a side does not lie on it: the farther end decides.
  const slant: Line = { nx: Math.SQRT1_2, ny: -Math.SQRT1_2, c: (20 - 112) * Math.SQRT1_2 };
  assert.equal(attributeLoss(truth, [top, right, bottom, slant], null, 128, 128).cause, "edge-map");
});

test("a side outside the frame is owed no line; one running out is judged on its visible part", () => {
  // The page runs off the left edge: its left side lies wholly outside, its top and bottom leave the frame.
  const off: Quad = [[-30, 16], [100, 16], [100, 112], [-30, 112]];
  const a = attributeLoss(off, [top, right, bottom], [[0, 16], [100, 16], [100, 112], [0, 112]], 128, 128);
  assert.equal(a.lineGap[3], 0);
  assert.equal(a.cause, "placement");
});
