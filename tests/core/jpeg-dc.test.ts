import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decodeImage } from "../../src/image/decode.ts";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { benchPhotos } from "../support/bench-photos.ts";
import { SAMPLE, blockPattern, readBytes } from "./helpers.ts";
import { crop, damagedAt, fixture, largestSide, sameBothWays, seeded } from "./jpeg-both-ways.ts";

// wasm/jpeg/dc.c decodes a progressive JPEG at 1/8 from its DC scans without libjpeg; libjpeg
// decoding the same DC scans (`libjpeg: true`) is the reference, byte for byte.

/** [start, end) of each SOS segment's entropy-coded data whose spectral start is 0 (a DC scan). */
function dcScans(b: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 2;
  while (i + 3 < b.length && b[i + 1] !== 0xd9) {
    const header = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    let end = header;
    if (b[i + 1] === 0xda) {
      while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && (b[end + 1] < 0xd0 || b[end + 1] > 0xd7))) end++;
      if (b[i + 5 + 2 * b[i + 4]] === 0) out.push([header, end]);
    }
    i = end;
  }
  return out;
}

test("committed progressive fixtures (4:4:0, 4:2:0 and 4:2:2, DC scans per component with two refinements, restart intervals, grayscale 2x2, Adobe YCbCr, 16-bit tables): the DC decoder's 1/8 is libjpeg's byte for byte", async () => {
  const ours = ["dc-440.jpg", "dc-420-separate.jpg", "dc-420-separate-rst5.jpg", "dc-422-rst1.jpg", "dc-gray-2x2-rst3.jpg", "dc-adobe-ycc.jpg", "dc-q1-16bit.jpg"];
  for (const name of ours) assert.equal(await sameBothWays(fixture(name), name), true, `${name} is decoded by dc.c`);
  // 4:1:1 and RGB are left to libjpeg, which gives the same pixels as before.
  for (const name of ["dc-411.jpg", "dc-rgb.jpg"]) assert.equal(await sameBothWays(fixture(name), name), false, `${name} falls back to libjpeg`);
});

test("mozjpeg's progressive files at odd sizes and qualities: the DC decoder's 1/8 is libjpeg's byte for byte", async () => {
  const sample = await decodeImage(readBytes(SAMPLE));
  const sizes: Array<[number, number]> = [[1, 1], [7, 9], [17, 33], [100, 75], [257, 131], [sample.width, sample.height - 5]];
  for (const [w, h] of sizes) {
    for (const quality of [10, 75, 98]) {
      const bytes = await encodeJpeg(crop(sample, w, h), { quality });
      assert.equal(await sameBothWays(bytes, `${w}x${h} q${quality}`), true, `${w}x${h} q${quality} is decoded by dc.c`);
    }
  }
  const pattern = await encodeJpeg(blockPattern(333, 222), { quality: 60 });
  assert.equal(await sameBothWays(pattern, "block pattern"), true);
});

test("the 12 MP progressive bench file (made on first use, as the benches make it): the DC decoder's 1/8 is libjpeg's byte for byte", async () => {
  const bytes = new Uint8Array(readFileSync((await benchPhotos()).progressive));
  assert.equal(await sameBothWays(bytes, "12 MP"), true);
});

test("damaged DC scans (cut short, bits flipped, bytes overwritten) give exactly what libjpeg gives: the DC decoder hands every doubtful stream to it", async () => {
  const files = [fixture("dc-420-separate-rst5.jpg"), fixture("dc-422-rst1.jpg"), fixture("dc-gray-2x2-rst3.jpg"), await encodeJpeg(blockPattern(90, 70), { quality: 80 })];
  const next = seeded(7);
  let dcDecoded = 0;
  let cases = 0;
  for (const file of files) {
    const scans = dcScans(file);
    assert.ok(scans.length > 0, "the file has DC scans");
    for (const [start, end] of scans) {
      for (let k = 0; k < 12; k++) {
        const at = start + next(end - start);
        for (const [kind, bytes] of damagedAt(file, at, next)) {
          if (await sameBothWays(bytes, `${kind} at ${at}`)) dcDecoded++;
          cases++;
        }
      }
    }
  }
  // Some damage leaves a valid stream (a flipped bit inside a value): those dc.c still decodes.
  assert.ok(dcDecoded > 0 && dcDecoded < cases, `${dcDecoded} of ${cases} decoded by dc.c`);
});

test("libjpeg's largest side (65500) decodes by the DC decoder; one pixel more is libjpeg's error, as before", async () => {
  await largestSide("progressive");
});
