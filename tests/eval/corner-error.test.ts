import { test } from "node:test";
import assert from "node:assert/strict";
import { cornerErrorPercent } from "../../src/eval/corner-error.ts";
import type { Quad } from "../../src/types.ts";

const truth: Quad = [[100, 50], [500, 60], [480, 380], [90, 370]];

test("corner error: mean corner distance in % of the image diagonal", () => {
  // One corner off by 3-4-5 px, the others exact: mean 1.25 px on a 600x800 image (diagonal 1000).
  const found: Quad = [[103, 54], [500, 60], [480, 380], [90, 370]];
  assert.ok(Math.abs((cornerErrorPercent(truth, found, 600, 800) ?? -1) - 0.125) < 1e-12);
  assert.equal(cornerErrorPercent(truth, truth, 600, 800), 0);
});

test("corner error: the same corners starting elsewhere in the cycle are no error; a miss is null", () => {
  const shifted: Quad = [truth[2], truth[3], truth[0], truth[1]];
  assert.equal(cornerErrorPercent(truth, shifted, 600, 800), 0);
  assert.equal(cornerErrorPercent(truth, null, 600, 800), null);
  assert.equal(cornerErrorPercent(null, truth, 600, 800), null);
});
