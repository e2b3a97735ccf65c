import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeImage } from "../../src/image/decode.ts";
import { encodeJpeg, encodePng, encodeWebp } from "../../src/image/codecs.ts";
import { DocedgeError, type DocedgeErrorCode } from "../../src/errors.ts";
import { blockPattern } from "./helpers.ts";

const image = blockPattern(96, 64);

async function rejectsWith(p: Promise<unknown>, code: DocedgeErrorCode, label: string): Promise<DocedgeError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof DocedgeError, `${label}: expected DocedgeError, got ${String(error)}`);
    assert.equal(error.code, code, `${label}: ${error.message}`);
    return error;
  }
  assert.fail(`${label}: expected ${code}, but it resolved`);
}

/** Runs `fn`, asserting it took under `ms` and grew the heap by less than `mb`. */
async function quickAndSmall<T>(fn: () => Promise<T>, ms: number, mb: number, label: string): Promise<T> {
  const before = process.memoryUsage();
  const t = performance.now();
  const out = await fn();
  const took = performance.now() - t;
  const after = process.memoryUsage();
  const grew = (after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed) / 2 ** 20;
  assert.ok(took < ms, `${label}: took ${took.toFixed(1)} ms`);
  assert.ok(grew < mb, `${label}: grew ${grew.toFixed(1)} MB`);
  return out;
}

test("empty input: INVALID_INPUT", async () => {
  await rejectsWith(decodeImage(new Uint8Array(0)), "INVALID_INPUT", "empty Uint8Array");
  await rejectsWith(decodeImage(new ArrayBuffer(0)), "INVALID_INPUT", "empty ArrayBuffer");
  await rejectsWith(decodeImage(new Blob([])), "INVALID_INPUT", "empty Blob");
});

test("wrong argument types: INVALID_INPUT", async () => {
  for (const bad of [null, undefined, 42, "photo.jpg", {}, { data: [1, 2, 3], width: 1, height: 1 }]) {
    await rejectsWith(decodeImage(bad as unknown as Uint8Array), "INVALID_INPUT", `input ${JSON.stringify(bad)}`);
  }
  await rejectsWith(decodeImage({ data: new Uint8Array(10), width: 2, height: 2 }), "INVALID_INPUT", "RGBA length mismatch");
  await rejectsWith(decodeImage({ data: new Uint8Array(0), width: 0, height: 0 }), "INVALID_INPUT", "RGBA zero size");
});

test("non-image bytes: UNSUPPORTED_FORMAT", async () => {
  await rejectsWith(decodeImage(new TextEncoder().encode("%PDF-1.7 not an image at all")), "UNSUPPORTED_FORMAT", "pdf");
  await rejectsWith(decodeImage(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0])), "UNSUPPORTED_FORMAT", "gif");
  await rejectsWith(decodeImage(new Uint8Array([1])), "UNSUPPORTED_FORMAT", "one byte");
});

test("truncated JPEG, PNG and WebP: CORRUPT_IMAGE, quickly", async () => {
  const files = {
    jpeg: await encodeJpeg(image, { quality: 90 }),
    png: await encodePng(image),
    webp: await encodeWebp(image, { quality: 90 }),
  };
  for (const [name, bytes] of Object.entries(files)) {
    // The whole file once first: the time bound is for the failure path, not for compiling the
    // format's decoder on first use (tens of ms, more on a loaded machine).
    assert.equal((await decodeImage(bytes)).width, image.width, `${name} decodes whole`);
    for (const keep of [0.5, 0.9, bytes.length - 1]) {
      const n = keep < 1 ? Math.floor(bytes.length * keep) : keep;
      const cut = bytes.slice(0, n);
      await quickAndSmall(() => rejectsWith(decodeImage(cut), "CORRUPT_IMAGE", `${name} cut to ${n}/${bytes.length}`), 200, 16, name);
    }
    // Cut inside the header.
    await rejectsWith(decodeImage(bytes.slice(0, 20)), "CORRUPT_IMAGE", `${name} header only`);
  }
});

test("damaged JPEG data: CORRUPT_IMAGE from the decoder, and the decoder still works afterwards", async () => {
  const jpeg = await encodeJpeg(image, { quality: 90 });
  const bad = jpeg.slice();
  // Find the first DHT segment and scramble its code counts: libjpeg rejects the table.
  let i = 2;
  while (!(bad[i] === 0xff && bad[i + 1] === 0xc4)) i += 2 + ((bad[i + 2] << 8) | bad[i + 3]);
  for (let k = i + 5; k < i + 21; k++) bad[k] = 0xff;
  await rejectsWith(decodeImage(bad), "CORRUPT_IMAGE", "bad Huffman table");
  const ok = await decodeImage(jpeg);
  assert.equal(ok.width, 96);
});

/** Patch the claimed size of a real file to 100000 x 100000. */
function claimHuge(format: "jpeg" | "png" | "webp", bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  const dv = new DataView(b.buffer);
  if (format === "png") {
    dv.setUint32(16, 100_000);
    dv.setUint32(20, 100_000);
  } else if (format === "jpeg") {
    let i = 2;
    while (!(b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] <= 0xc2)) i += 2 + ((b[i + 2] << 8) | b[i + 3]);
    dv.setUint16(i + 5, 65_535); // JPEG's maximum: 65535 x 65535 = 4.3 gigapixels
    dv.setUint16(i + 7, 65_535);
  } else {
    // Rewrite as a VP8X container claiming a 100000 x 100000 canvas around the original chunk.
    const inner = b.subarray(12);
    const out = new Uint8Array(12 + 18 + inner.length);
    const odv = new DataView(out.buffer);
    out.set([0x52, 0x49, 0x46, 0x46], 0);
    odv.setUint32(4, out.length - 8, true);
    out.set([0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x58], 8);
    odv.setUint32(16, 10, true);
    const w = 100_000 - 1;
    out.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, w & 255, (w >> 8) & 255, (w >> 16) & 255], 24);
    out.set(inner, 30);
    return out;
  }
  return b;
}

test("headers claiming a huge image: IMAGE_TOO_LARGE, before any allocation", async () => {
  const files = {
    jpeg: await encodeJpeg(image, { quality: 90 }),
    png: await encodePng(image),
    webp: await encodeWebp(image, { quality: 90 }),
  } as const;
  for (const format of ["jpeg", "png", "webp"] as const) {
    const huge = claimHuge(format, files[format]);
    const err = await quickAndSmall(() => rejectsWith(decodeImage(huge), "IMAGE_TOO_LARGE", format), 100, 8, format);
    assert.match(err.message, /over the limit/);
  }
});

test("maxPixels and maxBytes limits", async () => {
  const png = await encodePng(image);
  await rejectsWith(decodeImage(png, { maxPixels: 96 * 64 - 1 }), "IMAGE_TOO_LARGE", "maxPixels");
  await decodeImage(png, { maxPixels: 96 * 64 });
  await rejectsWith(decodeImage(png, { maxBytes: png.length - 1 }), "IMAGE_TOO_LARGE", "maxBytes bytes");
  await rejectsWith(decodeImage(new Blob([png.slice()]), { maxBytes: 100 }), "IMAGE_TOO_LARGE", "maxBytes blob");
  await rejectsWith(decodeImage(image, { maxPixels: 100 }), "IMAGE_TOO_LARGE", "maxPixels RGBA");
  await rejectsWith(
    decodeImage(new Response(png.slice(), { headers: { "content-length": String(png.length) } }), { maxBytes: 100 }),
    "IMAGE_TOO_LARGE",
    "maxBytes response",
  );
});

test("an endless stream stops at maxBytes without reading on", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(64 * 1024));
    },
  });
  await rejectsWith(decodeImage(endless, { maxBytes: 1024 * 1024 }), "IMAGE_TOO_LARGE", "endless stream");
  assert.ok(pulled <= 20, `pulled ${pulled} chunks`);
});

test("an aborted signal: ABORTED", async () => {
  const png = await encodePng(image);
  const ac = new AbortController();
  ac.abort();
  await rejectsWith(decodeImage(png, undefined, ac.signal), "ABORTED", "aborted before decode");
});
