import { test } from "node:test";
import assert from "node:assert/strict";
import { cropRgba } from "../../src/image/crop.ts";
import { DocedgeError } from "../../src/errors.ts";
import { blockPattern } from "./helpers.ts";

test("cropRgba: each pixel of the box, from the same place in the source, nothing else", () => {
  const src = blockPattern(37, 23);
  const box = [5, 3, 30, 20] as const;
  const out = cropRgba(src, box);
  assert.equal(out.width, 25);
  assert.equal(out.height, 17);
  assert.equal(out.data.length, 25 * 17 * 4);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const to: number = (y * out.width + x) * 4;
      const from: number = ((y + 3) * src.width + x + 5) * 4;
      assert.deepEqual([...out.data.subarray(to, to + 4)], [...src.data.subarray(from, from + 4)], `pixel ${x},${y}`);
    }
  }
  // A copy: writing to it leaves the source alone.
  out.data[0] = (out.data[0] + 1) & 255;
  assert.notEqual(out.data[0], src.data[(3 * src.width + 5) * 4]);
  // The whole image is an exact copy; a one-pixel box is that pixel.
  assert.deepEqual([...cropRgba(src, [0, 0, 37, 23]).data], [...src.data]);
  const j = (22 * 37 + 36) * 4;
  assert.deepEqual([...cropRgba(src, [36, 22, 37, 23]).data], [...src.data.subarray(j, j + 4)]);
});

test("cropRgba: boxes outside the image, empty or fractional are refused with a typed error", () => {
  const src = blockPattern(16, 8);
  for (const box of [[0, 0, 17, 8], [-1, 0, 4, 4], [0, 0, 16, 9], [4, 4, 4, 6], [5, 2, 3, 6], [0.5, 0, 4, 4]] as const) {
    assert.throws(() => cropRgba(src, box), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT", box.join(","));
  }
});
