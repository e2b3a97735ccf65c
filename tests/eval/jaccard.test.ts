import { test } from "node:test";
import assert from "node:assert/strict";
import { jaccardIndex } from "../../src/geometry/jaccard.ts";
import { applyHomography, homographyFromQuads } from "../../src/geometry/homography.ts";
import type { Point, Quad } from "../../src/types.ts";

const rect: Quad = [[100, 50], [300, 50], [300, 150], [100, 150]];

test("identical quads score 1, a miss scores 0", () => {
  assert.equal(jaccardIndex(rect, rect), 1);
  assert.equal(jaccardIndex(rect, null), 0);
});

test("a rectangle shifted by a quarter of its width: IoU 0.75 / 1.25 = 0.6", () => {
  const shifted = rect.map(([x, y]) => [x + 50, y] as Point) as Quad;
  assert.ok(Math.abs(jaccardIndex(rect, shifted) - 0.6) < 1e-9);
});

test("a prediction inside the truth with half its area scores 0.5", () => {
  const half: Quad = [[100, 50], [200, 50], [200, 150], [100, 150]];
  assert.ok(Math.abs(jaccardIndex(rect, half) - 0.5) < 1e-9);
});

test("disjoint quads score 0", () => {
  const far = rect.map(([x, y]) => [x + 1000, y] as Point) as Quad;
  assert.equal(jaccardIndex(rect, far), 0);
});

test("measured after rectifying the true quad: the same relative error scores the same in any perspective", () => {
  // Truth and prediction in a rectified frame, then both seen through the same perspective.
  const truthR: Quad = [[0, 0], [210, 0], [210, 297], [0, 297]];
  const predR: Quad = [[10, 0], [220, 0], [220, 297], [10, 297]];
  const expected = (200 * 297) / (220 * 297);
  assert.ok(Math.abs(jaccardIndex(truthR, predR) - expected) < 1e-9);
  const H = homographyFromQuads(truthR, [[120, 80], [480, 110], [560, 700], [60, 650]]);
  assert.ok(H);
  const truthP = truthR.map((p) => applyHomography(H, p)) as Quad;
  const predP = predR.map((p) => applyHomography(H, p)) as Quad;
  assert.ok(Math.abs(jaccardIndex(truthP, predP) - expected) < 1e-9);
});

test("corner order of the prediction does not matter, a bow-tie is read as its quad", () => {
  const rotatedOrder: Quad = [rect[2], rect[3], rect[0], rect[1]];
  assert.ok(Math.abs(jaccardIndex(rect, rotatedOrder) - 1) < 1e-12);
  const bowtie: Quad = [rect[0], rect[2], rect[1], rect[3]];
  assert.ok(Math.abs(jaccardIndex(rect, bowtie) - 1) < 1e-12);
});

test("a prediction crossing the true quad's horizon scores near 0, not NaN", () => {
  const truth: Quad = [[200, 100], [300, 100], [400, 300], [100, 300]];
  // The horizon of this perspective is the line y = 0 (the sides meet at (250, 0)).
  const wild: Quad = [[-500, -400], [900, -400], [900, 300], [-500, 300]];
  const v = jaccardIndex(truth, wild);
  assert.ok(Number.isFinite(v) && v >= 0 && v < 0.05, `JI ${v}`);
});

test("non-finite input scores 0", () => {
  assert.equal(jaccardIndex(rect, [[NaN, 0], [1, 0], [1, 1], [0, 1]]), 0);
});
