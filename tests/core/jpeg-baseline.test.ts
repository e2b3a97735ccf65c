import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { decodeForDetection, decodeImage } from "../../src/image/decode.ts";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { benchPhotos } from "../support/bench-photos.ts";
import { applyOrientation } from "../../src/image/orientation.ts";
import { decodeJpegWasm } from "../../src/image/jpeg-wasm.ts";
import { DATASETS, SAMPLE, blockPattern, datasetPhotos, readBytes, tagJpeg } from "./helpers.ts";
import { crop, damagedAt, fixture, largestSide, sameBothWays, seeded } from "./jpeg-both-ways.ts";

// wasm/jpeg/dc.c decodes a baseline (sequential) JPEG at 1/8 in one entropy pass: each block's DC,
// its AC symbols skipped, except where libjpeg's 2x2 IDCT of 4:2:0 chroma reads them. libjpeg's
// decode (`libjpeg: true`) is the reference, byte for byte.

/** The component sampling bytes of a file's SOF0/SOF1 (e.g. [0x22, 0x11, 0x11] for 4:2:0). */
function sampling(b: Uint8Array): number[] {
  for (let i = 2; i + 3 < b.length; i += 2 + ((b[i + 2] << 8) | b[i + 3])) {
    if (b[i + 1] === 0xc0 || b[i + 1] === 0xc1) return Array.from({ length: b[i + 9] }, (_, c) => b[i + 11 + 3 * c]);
  }
  return [];
}

/** [start, end) of the first scan's entropy-coded data. */
function scanData(b: Uint8Array): [number, number] {
  let i = 2;
  while (b[i + 1] !== 0xda) i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  const start = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
  let end = start;
  while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && (b[end + 1] < 0xd0 || b[end + 1] > 0xd7))) end++;
  return [start, end];
}

test("committed baseline fixtures (4:4:0, 4:2:0 with restarts, at quality 100 and with 16-bit tables, 4:2:2 with a restart every MCU, grayscale 2x2, Adobe YCbCr): dc.c's 1/8 is libjpeg's byte for byte", async () => {
  const ours = ["bl-440.jpg", "bl-420-rst5.jpg", "bl-420-q100.jpg", "bl-420-q1-16bit.jpg", "bl-422-rst1.jpg", "bl-gray-2x2-rst3.jpg", "bl-adobe-ycc.jpg"];
  for (const name of ours) assert.equal(await sameBothWays(fixture(name), name), true, `${name} is decoded by dc.c`);
  // 4:1:1, RGB, a scan per component and arithmetic coding are left to libjpeg: the same pixels as before.
  for (const name of ["bl-411.jpg", "bl-rgb.jpg", "bl-per-component.jpg", "arithmetic.jpg"]) {
    assert.equal(await sameBothWays(fixture(name), name), false, `${name} falls back to libjpeg`);
  }
  // The scan twice: libjpeg's error either way (dc.c gives up at the second SOS).
  const once = fixture("bl-420-rst5.jpg");
  const [start, end] = scanData(once);
  const sos = once.lastIndexOf(0xda, start) - 1;
  const twice = new Uint8Array([...once.subarray(0, end), ...once.subarray(sos, end), ...once.subarray(end)]);
  assert.equal(await sameBothWays(twice, "scan twice"), false);
});

test("mozjpeg's baseline files at odd sizes and qualities (4:2:0 below quality 90, 4:4:4 above): dc.c's 1/8 is libjpeg's byte for byte", async () => {
  const sample = await decodeImage(readBytes(SAMPLE));
  const sizes: Array<[number, number]> = [[1, 1], [7, 9], [17, 33], [100, 75], [257, 131], [sample.width, sample.height - 5]];
  const seen = new Set<string>();
  for (const [w, h] of sizes) {
    for (const quality of [10, 75, 98]) {
      const bytes = await encodeJpeg(crop(sample, w, h), { quality, progressive: false });
      seen.add(sampling(bytes).join(","));
      assert.equal(await sameBothWays(bytes, `${w}x${h} q${quality}`), true, `${w}x${h} q${quality} is decoded by dc.c`);
    }
  }
  assert.ok(seen.has("34,17,17") && seen.has("17,17,17"), `4:2:0 and 4:4:4 both seen: ${[...seen].join(" / ")}`);
  const pattern = await encodeJpeg(blockPattern(333, 222), { quality: 60, progressive: false });
  assert.equal(await sameBothWays(pattern, "block pattern"), true);
});

test("the 12 MP baseline bench file (made on first use, as the benches make it): dc.c's 1/8 is libjpeg's byte for byte", async () => {
  const bytes = new Uint8Array(readFileSync((await benchPhotos()).baseline));
  assert.equal(await sameBothWays(bytes, "12 MP baseline"), true);
});

test("the labelled photos (camera JPEGs, baseline 4:2:0): the 1/8 decode is libjpeg's byte for byte, by dc.c", async () => {
  // Detection decodes these (1.9 MP at most) at 1/2, not 1/8: here each goes through dc.c at 1/8 directly.
  const photos = readdirSync(DATASETS).flatMap((folder) => datasetPhotos(folder, 100));
  assert.ok(photos.length > 0, `photos in ${DATASETS}`);
  let byUs = 0;
  for (const path of photos) if (await sameBothWays(readBytes(path), path)) byUs++;
  // All of them today; a photo dc.c left to libjpeg would still have to come out the same.
  assert.ok(byUs > 0, `${byUs} of ${photos.length} decoded by dc.c`);
});

test("an EXIF-oriented baseline JPEG decoded for detection at 1/8: libjpeg's pixels turned upright, orientations 1-8", async () => {
  const stored = await encodeJpeg(crop(await decodeImage(readBytes(SAMPLE)), 613, 467), { quality: 80, progressive: false });
  const reference = await decodeJpegWasm(stored, { scale: 8, fast: true, libjpeg: true });
  for (let o = 1; o <= 8; o++) {
    const seen = await decodeForDetection(tagJpeg(stored, o), 50);
    try {
      assert.equal(seen.scale, 8);
      const upright = applyOrientation(reference, o as 1);
      assert.deepEqual(seen.pixels.rgba().data, upright.data, `orientation ${o}`);
    } finally {
      seen.pixels.release();
    }
  }
});

test("libjpeg's largest side (65500) decodes by dc.c as a baseline file too; one pixel more is libjpeg's error, as before", async () => {
  await largestSide("baseline");
});

test("damaged baseline files (cut short, bits flipped, bytes overwritten, in the scan and in the headers) give exactly what libjpeg gives: dc.c hands every doubtful stream to it", async () => {
  const files = [fixture("bl-420-rst5.jpg"), fixture("bl-422-rst1.jpg"), fixture("bl-gray-2x2-rst3.jpg"), await encodeJpeg(blockPattern(90, 70), { quality: 80, progressive: false })];
  const next = seeded(11);
  let decodedByUs = 0;
  let cases = 0;
  for (const file of files) {
    const [start, end] = scanData(file);
    for (let k = 0; k < 16; k++) {
      // Three in four in the entropy-coded data, the rest anywhere before it.
      const at = k % 4 === 3 ? 2 + next(start - 2) : start + next(end - start);
      for (const [kind, bytes] of damagedAt(file, at, next)) {
        if (await sameBothWays(bytes, `${kind} at ${at}`)) decodedByUs++;
        cases++;
      }
    }
  }
  // Some damage leaves a valid stream (a flipped bit inside a value): those dc.c still decodes.
  assert.ok(decodedByUs > 0 && decodedByUs < cases, `${decodedByUs} of ${cases} decoded by dc.c`);
});
