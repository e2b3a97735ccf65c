import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeImage, decodeImageWithInfo } from "../../src/image/decode.ts";
import { readImageHeader } from "../../src/image/header.ts";
import { encodeJpeg, encodePng, encodeWebp } from "../../src/image/codecs.ts";
import { blockPattern, meanAbsDiff, storedFor, tagJpeg } from "./helpers.ts";

const upright = blockPattern(64, 40);

test("decodes JPEG, PNG and WebP to RGBA of the right size", async () => {
  const png = await encodePng(upright);
  const jpeg = await encodeJpeg(upright, { quality: 95 });
  const webpLossy = await encodeWebp(upright, { quality: 95 });
  const fromPng = await decodeImageWithInfo(png);
  assert.equal(fromPng.format, "png");
  assert.deepEqual([fromPng.image.width, fromPng.image.height], [64, 40]);
  assert.equal(meanAbsDiff(fromPng.image, upright), 0, "PNG is lossless");
  const fromJpeg = await decodeImageWithInfo(jpeg);
  assert.equal(fromJpeg.format, "jpeg");
  assert.ok(meanAbsDiff(fromJpeg.image, upright) < 6, "JPEG close to the original");
  const fromWebp = await decodeImageWithInfo(webpLossy);
  assert.equal(fromWebp.format, "webp");
  assert.ok(meanAbsDiff(fromWebp.image, upright) < 8, "WebP close to the original");
  assert.equal(fromWebp.image.data.length, 64 * 40 * 4);
});

test("every accepted input type gives the same pixels", async () => {
  const png = await encodePng(upright);
  const ab = png.slice().buffer;
  const variants: unknown[] = [
    png,
    ab,
    new Blob([ab], { type: "image/png" }),
    new Response(ab),
    new Response(ab).body,
    upright,
  ];
  for (const v of variants) {
    const img = await decodeImage(v as Uint8Array);
    assert.equal(meanAbsDiff(img, upright), 0, `input ${Object.prototype.toString.call(v)}`);
  }
});

test("stream input arriving in many chunks is reassembled", async () => {
  const png = await encodePng(upright);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < png.length; i += 97) c.enqueue(png.slice(i, i + 97));
      c.close();
    },
  });
  assert.equal(meanAbsDiff(await decodeImage(stream), upright), 0);
});

for (const littleEndian of [false, true]) {
  test(`EXIF orientations 1-8 (${littleEndian ? "Intel" : "Motorola"} byte order) give the upright image`, async () => {
    for (let o = 1; o <= 8; o++) {
      const stored = storedFor(upright, o);
      const jpeg = tagJpeg(await encodeJpeg(stored, { quality: 95 }), o, littleEndian);
      const header = readImageHeader(jpeg);
      assert.equal(header.orientation, o);
      assert.deepEqual([header.width, header.height], [stored.width, stored.height]);
      const { image, orientation } = await decodeImageWithInfo(jpeg);
      assert.equal(orientation, o);
      assert.deepEqual([image.width, image.height], [64, 40], `orientation ${o} size`);
      const diff = meanAbsDiff(image, upright);
      assert.ok(diff < 6, `orientation ${o}: mean abs diff ${diff.toFixed(2)}`);
    }
  });
}

test("a wrongly applied orientation would be detected by the comparison", async () => {
  // Guards the EXIF test itself: the pattern is not symmetric, so the un-rotated image differs.
  const stored = storedFor(upright, 3);
  assert.ok(meanAbsDiff(stored, upright) > 20);
});

test("PNG eXIf orientation is applied too", async () => {
  const stored = storedFor(upright, 6);
  const png = await encodePng(stored);
  // Insert an eXIf chunk (TIFF data of our APP1 segment, after "Exif\0\0") before IEND.
  const tiff = tagJpeg(new Uint8Array([0xff, 0xd8]), 6).subarray(2 + 4 + 6);
  const chunk = new Uint8Array(12 + tiff.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, tiff.length);
  chunk.set([0x65, 0x58, 0x49, 0x66], 4); // "eXIf"
  chunk.set(tiff, 8);
  const iend = png.length - 12;
  const tagged = new Uint8Array(png.length + chunk.length);
  tagged.set(png.subarray(0, iend), 0);
  tagged.set(chunk, iend);
  tagged.set(png.subarray(iend), iend + chunk.length);
  const { image, orientation } = await decodeImageWithInfo(tagged);
  assert.equal(orientation, 6);
  assert.equal(meanAbsDiff(image, upright), 0);
});
