import { test } from "node:test";
import assert from "node:assert/strict";
import { imageJitter, JITTER_CROPS, jitterBoxes, keepsInside, MAX_JITTER, summariseJitter, widestSpreads } from "../../src/eval/jitter.ts";
import type { EvalImage, JitterLook, MethodResult } from "../../src/eval/types.ts";
import type { Quad } from "../../src/types.ts";

test("jitterBoxes: the fixed list in order, whole pixels, each cutting two sides that meet at a corner", () => {
  assert.equal(JITTER_CROPS.length, MAX_JITTER);
  const boxes = jitterBoxes(900, 1600, MAX_JITTER);
  assert.deepEqual(boxes.slice(0, 4), [
    [27, 48, 900, 1600], // top-left, 3%
    [0, 0, 855, 1520], // bottom-right, 5%
    [0, 48, 873, 1600], // top-right, 3%
    [45, 0, 900, 1520], // bottom-left, 5%
  ]);
  for (const [x0, y0, x1, y1] of boxes) {
    // Two sides kept, two cut: the frame moves and shrinks, its aspect stays the photo's (to a pixel).
    assert.equal([x0 === 0, y0 === 0, x1 === 900, y1 === 1600].filter(Boolean).length, 2);
    assert.ok(Math.abs((x1 - x0) / (y1 - y0) - 900 / 1600) < 2 / 1600);
  }
  assert.equal(new Set(boxes.map((b) => b.join(","))).size, MAX_JITTER, "no crop twice");
  assert.deepEqual(jitterBoxes(900, 1600, 2), boxes.slice(0, 2));
  assert.deepEqual(jitterBoxes(20, 10, 1), [[1, 1, 20, 10]], "at least one pixel is cut");
});

test("keepsInside: every corner at least the margin inside the box", () => {
  const quad: Quad = [[30, 50], [870, 60], [860, 1500], [40, 1490]];
  assert.equal(keepsInside([27, 48, 900, 1600], quad, 0), true);
  assert.equal(keepsInside([27, 48, 900, 1600], quad, 3), false, "corner 0 is 2 px under the top");
  assert.equal(keepsInside([0, 0, 855, 1520], quad, 0), false, "corner 1 is right of the box");
  assert.equal(keepsInside([0, 0, 900, 1600], quad, 9), true);
});

const result = (ji: number | null, found = true): MethodResult => ({
  found,
  quad: null,
  ji,
  cornerError: null,
  correct: ji === null ? !found : ji >= 0.9,
  ms: 0,
});
const look = (ji: number | null, found = true): JitterLook => ({ crop: [0, 0, 1, 1], found, quad: null, confidence: 1, ji, correct: ji === null ? !found : ji >= 0.9, ms: 1 });
const skipped: JitterLook = { crop: [0, 0, 1, 1], skipped: true };

test("imageJitter: the original counts as a look, skipped crops do not", () => {
  const j = imageJitter(result(0.95), [look(0.97), skipped, look(0.6), look(0)]);
  assert.equal(j.of, 4);
  assert.equal(j.correct, 2);
  assert.ok(Math.abs((j.meanJI ?? -1) - (0.95 + 0.97 + 0.6 + 0) / 4) < 1e-12);
  const neg = imageJitter(result(null, false), [look(null, false), look(null, true)]);
  assert.deepEqual([neg.meanJI, neg.correct, neg.of], [null, 2, 3]);
});

function image(file: string, truth: boolean, original: MethodResult, looks: JitterLook[]): EvalImage {
  return {
    folder: "f",
    file,
    width: 1,
    height: 1,
    truth: truth ? [[0, 0], [1, 0], [1, 1], [0, 1]] : null,
    tags: [],
    docedge: original,
    timings: { decode: 0, preprocess: 0, inference: 0, quad: 0, refine: 0, total: 0 },
    jitter: imageJitter(original, looks),
  };
}

test("summariseJitter and widestSpreads: folder numbers and the photos whose looks disagree", () => {
  const images = [
    image("steady.jpg", true, result(0.98), [look(0.97), skipped]),
    image("flips.jpg", true, result(0.96), [look(0.5), look(0.95)]),
    image("neg-always.jpg", false, result(null, false), [look(null, false), look(null, false)]),
    image("neg-once.jpg", false, result(null, false), [look(null, true), look(null, false)]),
  ];
  const s = summariseJitter(images);
  assert.ok(s);
  assert.ok(Math.abs((s.meanJI ?? -1) - ((0.98 + 0.97) / 2 + (0.96 + 0.5 + 0.95) / 3) / 2) < 1e-12);
  assert.equal(s.positives, 2);
  assert.equal(s.allLooksJI90, 1);
  assert.equal(s.negatives, 2);
  assert.equal(s.negativeLooksRejected, 5 / 6);
  assert.equal(s.negativesAlwaysRejected, 1);
  assert.deepEqual([s.looks, s.skipped], [7, 1]);
  // Without jitter there is nothing to summarise.
  assert.equal(summariseJitter([{ ...images[0], jitter: undefined }]), null);

  const spreads = widestSpreads(images, 5);
  assert.deepEqual(
    spreads.map((r) => [r.file, r.min, r.max, `${r.correct}/${r.of}`]),
    [
      ["neg-once.jpg", null, null, "2/3"],
      ["flips.jpg", 0.5, 0.96, "2/3"],
      ["steady.jpg", 0.97, 0.98, "2/2"],
    ],
  );
});
