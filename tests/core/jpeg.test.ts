import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { decodeForDetection, decodeImage, decodeImageWithInfo } from "../../src/image/decode.ts";
import { decodeJpegWasm, MAX_JPEG_SCANS } from "../../src/image/jpeg-wasm.ts";
import { modelInput } from "../../src/image/area-wasm.ts";
import { applyOrientation } from "../../src/image/orientation.ts";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { DocedgeError } from "../../src/errors.ts";
import type { RgbaImage } from "../../src/types.ts";
import { SAMPLE, blockPattern, meanAbsDiff, readBytes, tagJpeg } from "./helpers.ts";
import { concatBytes as concat } from "../../src/runtime/bytes.ts";

const fixture = (name: string): Uint8Array => readBytes(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DocedgeError, `a DocedgeError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

/** Segments of a JPEG as [marker, start, end) with the entropy-coded data counted into its SOS. */
function segments(b: Uint8Array): Array<{ marker: number; start: number; end: number }> {
  const out: Array<{ marker: number; start: number; end: number }> = [];
  let i = 2;
  while (i + 1 < b.length) {
    const marker = b[i + 1];
    if (marker === 0xd9) break;
    let end = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (marker === 0xda) {
      while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && (b[end + 1] < 0xd0 || b[end + 1] > 0xd7))) end++;
    }
    out.push({ marker, start: i, end });
    i = end;
  }
  return out;
}


test("CMYK and YCCK JPEGs (Adobe APP14, inverted as Photoshop writes them) decode to the RGB they were made from", async () => {
  const source = await decodeImage(fixture("source.png"));
  for (const name of ["cmyk-adobe.jpg", "ycck-adobe.jpg"]) {
    const img = await decodeImage(fixture(name));
    const diff = meanAbsDiff(img, source);
    // q95 JPEG of four channels: a few levels of loss; a wrong conversion (not inverted, K ignored) is off by ~100.
    assert.ok(diff < 4, `${name}: mean abs difference ${diff.toFixed(2)} from the source RGB`);
  }
});

test("arithmetic-coded JPEG decodes (libjpeg-turbo's arithmetic decoder is built in)", async () => {
  const img = await decodeImage(fixture("arithmetic.jpg"));
  const diff = meanAbsDiff(img, await decodeImage(fixture("source.png")));
  assert.ok(diff < 4, `mean abs difference ${diff.toFixed(2)}`);
});

test("reduced-scale decode: 1/2, 1/4, 1/8 sizes round up, and each is the box average of the full decode", async () => {
  const full = await decodeImage(readBytes(SAMPLE));
  for (const scale of [2, 4, 8] as const) {
    const small = await decodeJpegWasm(readBytes(SAMPLE), { scale, fast: true });
    assert.deepEqual([small.width, small.height], [Math.ceil(full.width / scale), Math.ceil(full.height / scale)]);
    const diff = meanAbsDiff(small, boxDown(full, scale));
    assert.ok(diff < 4, `1/${scale}: ${diff.toFixed(2)} from the box-averaged full decode`);
  }
});

test("a progressive JPEG at 1/8 (its AC scans left out) is pixel-identical to decoding every scan", async () => {
  // @jsquash's mozjpeg writes progressive JPEGs.
  const progressive = await encodeJpeg(await decodeImage(readBytes(SAMPLE)), { quality: 90 });
  assert.ok(segments(progressive).filter((s) => s.marker === 0xda).length > 1, "the encoder wrote a progressive file");
  const eighth = await decodeJpegWasm(progressive, { scale: 8, fast: true });
  assert.deepEqual(eighth.data, (await decodeJpegWasm(progressive, { scale: 8, fast: true, allScans: true })).data);
  // And the same as a file with the AC scans stripped by hand.
  const dcOnly = concat([
    progressive.subarray(0, 2),
    ...segments(progressive)
      .filter((s) => !(s.marker === 0xda && progressive[s.start + 5 + 2 * progressive[s.start + 4]] > 0))
      .map((s) => progressive.subarray(s.start, s.end)),
    new Uint8Array([0xff, 0xd9]),
  ]);
  const fromDcOnly = await decodeJpegWasm(dcOnly, { scale: 8, fast: true });
  assert.deepEqual(eighth.data, fromDcOnly.data);
  assert.ok(meanAbsDiff(eighth, boxDown(await decodeJpegWasm(progressive), 8)) < 4, "and it is the image");
});

test("a progressive scan bomb (its last scan repeated 1000 times) is refused before decoding", async () => {
  const progressive = await encodeJpeg(blockPattern(3000, 3000), { quality: 50 });
  const segs = segments(progressive);
  const last = segs.filter((s) => s.marker === 0xda).at(-1)!;
  const scan = progressive.subarray(last.start, last.end);
  const bomb = concat([progressive.subarray(0, last.end), ...Array.from({ length: 1000 }, () => scan), new Uint8Array([0xff, 0xd9])]);
  await rejects(decodeImage(bomb), "IMAGE_TOO_LARGE", new RegExp(`scans, over the limit of ${MAX_JPEG_SCANS}`));
  // The decoder is usable afterwards (the trapped instance was replaced).
  const ok = await decodeImage(progressive);
  assert.equal(ok.width, 3000);
});

test("lossless, hierarchical and 12-bit JPEGs are UNSUPPORTED_FORMAT naming the feature", async () => {
  const jpeg = await encodeJpeg(blockPattern(64, 48), { quality: 90 });
  const sof = segments(jpeg).find((s) => s.marker >= 0xc0 && s.marker <= 0xc2)!;
  const withMarker = (m: number): Uint8Array => {
    const b = jpeg.slice();
    b[sof.start + 1] = m;
    return b;
  };
  await rejects(decodeImage(withMarker(0xc3)), "UNSUPPORTED_FORMAT", /lossless/);
  await rejects(decodeImage(withMarker(0xc5)), "UNSUPPORTED_FORMAT", /hierarchical/);
  const twelve = jpeg.slice();
  twelve[sof.start + 4] = 12;
  await rejects(decodeImage(twelve), "UNSUPPORTED_FORMAT", /12-bit/);
});

test("a header claiming far more pixels than the file can code is CORRUPT_IMAGE before any decoding", async () => {
  const jpeg = await encodeJpeg(blockPattern(64, 48), { quality: 90 });
  const sof = segments(jpeg).find((s) => s.marker >= 0xc0 && s.marker <= 0xc2)!;
  const b = jpeg.slice();
  b.set([0x27, 0x10, 0x27, 0x10], sof.start + 5); // 10000 x 10000
  await rejects(decodeImage(b), "CORRUPT_IMAGE", /cannot be coded in \d+ bytes/);
});

test("libjpeg errors are CORRUPT_IMAGE with libjpeg's message, and 50 failures in a row leave the decoder working", async () => {
  const jpeg = await encodeJpeg(blockPattern(64, 48), { quality: 90 });
  const sos = segments(jpeg).find((s) => s.marker === 0xda)!;
  const broken = jpeg.slice();
  broken[sos.start + 6] = 0x33; // the first component's Huffman tables -> 3 and 3, never defined
  for (let i = 0; i < 50; i++) await rejects(decodeImage(broken), "CORRUPT_IMAGE", /^JPEG: .*table/i);
  const { image, format } = await decodeImageWithInfo(jpeg);
  assert.equal(format, "jpeg");
  assert.ok(meanAbsDiff(image, blockPattern(64, 48)) < 6);
});

/** Mean of each scale x scale box (partial boxes at the right and bottom edges). */
function boxDown(img: RgbaImage, scale: number): RgbaImage {
  const w = Math.ceil(img.width / scale);
  const h = Math.ceil(img.height / scale);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let yy = y * scale; yy < Math.min(img.height, (y + 1) * scale); yy++) {
        for (let xx = x * scale; xx < Math.min(img.width, (x + 1) * scale); xx++) {
          const p = (yy * img.width + xx) * 4;
          for (let c = 0; c < 3; c++) sum[c] += img.data[p + c];
          n++;
        }
      }
      for (let c = 0; c < 3; c++) out[(y * w + x) * 4 + c] = sum[c] / n;
      out[(y * w + x) * 4 + 3] = 255;
    }
  }
  return { data: out, width: w, height: h };
}

test("a JPEG decoded for detection keeps its pixels in the decoder: the same upright pixels and tensor as copied out, orientations 1-8", async () => {
  const stored = await encodeJpeg(blockPattern(301, 203), { quality: 90 });
  const copied = await decodeJpegWasm(stored, { scale: 2, fast: true });
  for (let o = 1; o <= 8; o++) {
    const upright = applyOrientation(copied, o as 1);
    const seen = await decodeForDetection(tagJpeg(stored, o), 100);
    try {
      assert.deepEqual([seen.pixels.width, seen.pixels.height, seen.scale], [upright.width, upright.height, 2], `orientation ${o}: size`);
      // The whole image's tensor is averaged where the decoder left the pixels, before any copy out.
      const tensor = await seen.pixels.modelInput(64, 48);
      assert.deepEqual(tensor, await modelInput(upright, 64, 48), `orientation ${o}: tensor`);
      // peek() reads them where they lie (the coil check's few samples), the same pixels.
      const view = seen.pixels.peek();
      assert.deepEqual([view.width, view.height], [upright.width, upright.height], `orientation ${o}: peek's size`);
      assert.deepEqual(new Uint8ClampedArray(view.data), upright.data, `orientation ${o}: peek's pixels`);
      const box = { x0: 7, y0: 11, x1: upright.width - 5, y1: upright.height - 3 };
      assert.deepEqual(await seen.pixels.modelInput(32, 32, box), await modelInput(upright, 32, 32, box), `orientation ${o}: a box's tensor`);
      assert.deepEqual(seen.pixels.rgba().data, upright.data, `orientation ${o}: pixels`);
    } finally {
      seen.pixels.release();
      seen.pixels.release();
    }
  }
});
