import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { decodeImage } from "../../src/image/decode.ts";
import { createDetector } from "../../src/detector.ts";
import { DocedgeError } from "../../src/errors.ts";
import { concat, ihdr, makePng, PNG_SIGNATURE, pngChunk, scanlines, truncatedPng } from "../support/png.ts";
import { settledRss } from "../support/gc.ts";
import { SAMPLE } from "./helpers.ts";

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<DocedgeError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof DocedgeError, `expected a DocedgeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

test("abort is honoured while a stream read is pending", async () => {
  const keepAlive = setInterval(() => {}, 1000); // AbortSignal.timeout's timer does not hold the process
  try {
    let cancelled = false;
    const never = new ReadableStream<Uint8Array>({
      pull: () => new Promise(() => {}),
      cancel: () => {
        cancelled = true;
      },
    });
    const started = Date.now();
    await rejectsWith(decodeImage(never, undefined, AbortSignal.timeout(200)), "ABORTED");
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.ok(cancelled, "the stream was cancelled");
  } finally {
    clearInterval(keepAlive);
  }
});

test("a flood of empty chunks is refused instead of spinning", async () => {
  let pulls = 0;
  const empties = new ReadableStream<Uint8Array>({
    pull(c) {
      pulls++;
      c.enqueue(new Uint8Array(0));
    },
  });
  await rejectsWith(decodeImage(empties), "INVALID_INPUT", /empty chunks/);
  assert.ok(pulls < 5000, `${pulls} pulls`);
});

test("many 1-byte chunks are reassembled exactly", async () => {
  const png = makePng({ width: 3, height: 2, bitDepth: 8, colorType: 0, rows: [new Uint8Array([0, 128, 255]), new Uint8Array([1, 2, 3])] });
  let at = 0;
  const trickle = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at < png.length) c.enqueue(png.slice(at, ++at));
      else c.close();
    },
  });
  const image = await decodeImage(trickle);
  assert.deepEqual(Array.from(image.data.filter((_, i) => i % 4 === 0)), [0, 128, 255, 1, 2, 3]);
});

test("locked, used, detached and failing inputs are typed errors with the original as cause", async () => {
  const locked = new ReadableStream<Uint8Array>();
  locked.getReader();
  await rejectsWith(decodeImage(locked), "INVALID_INPUT", /locked/);

  const used = new Response(new Uint8Array([1, 2, 3]));
  await used.arrayBuffer();
  await rejectsWith(decodeImage(used), "INVALID_INPUT", /already read/);

  const detached = new ArrayBuffer(16);
  structuredClone(detached, { transfer: [detached] });
  await rejectsWith(decodeImage(detached), "INVALID_INPUT");

  const original = new Error("the disk went away");
  const failing = new ReadableStream<Uint8Array>({
    pull(c) {
      c.error(original);
    },
  });
  const error = await rejectsWith(decodeImage(failing), "INVALID_INPUT", /stream failed/);
  assert.equal(error.cause, original);
});

test("a Response with a non-2xx status is an error, not decoded", async () => {
  const jpeg = readFileSync(SAMPLE);
  await rejectsWith(decodeImage(new Response(jpeg, { status: 404 })), "INVALID_INPUT", /status 404/);
  assert.equal((await decodeImage(new Response(jpeg))).width, 900);
});

test("a tiny pixel limit is reported in pixels, not as 0.0 MP", async () => {
  const error = await rejectsWith(decodeImage(readFileSync(SAMPLE), { maxPixels: 1 }), "IMAGE_TOO_LARGE");
  assert.match(error.message, /limit of 1 pixel\b/);
});

test("16-bit, palette and 1-bit grey PNGs decode to the right colours", async () => {
  const rgb16 = makePng({
    width: 2,
    height: 1,
    bitDepth: 16,
    colorType: 2,
    rows: [new Uint8Array([0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0xff, 0xff])],
  });
  assert.deepEqual(Array.from((await decodeImage(rgb16)).data), [255, 128, 0, 255, 0, 64, 255, 255]);

  const palette = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]);
  const pal4 = makePng({ width: 3, height: 1, bitDepth: 4, colorType: 3, palette, rows: [new Uint8Array([0x21, 0x00])] });
  assert.deepEqual(Array.from((await decodeImage(pal4)).data), [0, 0, 255, 255, 0, 255, 0, 255, 255, 0, 0, 255]);

  const gray1 = makePng({ width: 4, height: 1, bitDepth: 1, colorType: 0, rows: [new Uint8Array([0xa0])] });
  assert.deepEqual(Array.from((await decodeImage(gray1)).data.filter((_, i) => i % 4 === 0)), [255, 0, 255, 0]);
});

test("a PNG whose image data is too short for its claimed size is refused before decoding", async () => {
  const tiny = truncatedPng(4000, 4000);
  assert.ok(tiny.length < 200);
  await rejectsWith(decodeImage(tiny), "CORRUPT_IMAGE", /cannot hold 4000x4000/);
});

test("PNG failures say what failed (never unwrap_throw)", async () => {
  const good = makePng({ width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [new Uint8Array([1, 2]), new Uint8Array([3, 4])] });
  const badCrc = good.slice();
  badCrc[40] ^= 0xff; // inside the IDAT payload
  await rejectsWith(decodeImage(badCrc), "CORRUPT_IMAGE", /CRC/);
  await rejectsWith(decodeImage(good.subarray(0, good.length - 6)), "CORRUPT_IMAGE", /truncated/);
  // Valid CRCs around a damaged zlib stream: only the codec can tell, and it says so in words.
  const junk = concat([PNG_SIGNATURE, ihdr(2, 2, 8, 0), pngChunk("IDAT", new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff, 1, 2, 3])), pngChunk("IEND", new Uint8Array(0))]);
  const error = await rejectsWith(decodeImage(junk), "CORRUPT_IMAGE", /image data/);
  assert.doesNotMatch(error.message, /unwrap/);
});

test("failed PNG decodes release their memory (a fresh codec instance after each failure)", async () => {
  // Random rows do not compress, so this passes the plausibility check and reaches the codec,
  // which allocates 2000x2000x4 before finding the data ends after 3 rows.
  const rows = Array.from({ length: 3 }, () => new Uint8Array(randomBytes(6000)));
  const broken = concat([PNG_SIGNATURE, ihdr(2000, 2000, 8, 2), pngChunk("IDAT", deflateSync(scanlines(rows))), pngChunk("IEND", new Uint8Array(0))]);
  const attempt = () => rejectsWith(decodeImage(broken), "CORRUPT_IMAGE");
  for (let i = 0; i < 3; i++) await attempt();
  const before = settledRss();
  for (let i = 0; i < 30; i++) await attempt();
  const grownMiB = (settledRss() - before) / 2 ** 20;
  // The package's own glue kept ~16 MB per failure: 30 failures would be ~480 MB.
  assert.ok(grownMiB < 100, `RSS grew ${grownMiB.toFixed(0)} MiB over 30 failed decodes`);
  const ok = makePng({ width: 2, height: 1, bitDepth: 8, colorType: 0, rows: [new Uint8Array([9, 99])] });
  assert.equal((await decodeImage(ok)).data[4], 99, "the codec still works afterwards");
});

test("animated WebP is UNSUPPORTED_FORMAT naming the feature", async () => {
  const vp8x = new Uint8Array(10);
  vp8x[0] = 0x02; // animation flag
  vp8x[4] = 99; // canvas 100 x 1 (24-bit minus-one fields)
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(8 + data.length + (data.length & 1));
    for (let i = 0; i < 4; i++) out[i] = type.charCodeAt(i);
    new DataView(out.buffer).setUint32(4, data.length, true);
    out.set(data, 8);
    return out;
  };
  const body = concat([new TextEncoder().encode("WEBP"), chunk("VP8X", vp8x), chunk("ANIM", new Uint8Array(6)), chunk("ANMF", new Uint8Array(16))]);
  const riff = concat([new TextEncoder().encode("RIFF"), new Uint8Array(new Uint32Array([body.length]).buffer), body]);
  await rejectsWith(decodeImage(riff), "UNSUPPORTED_FORMAT", /animated/);
});

test("a bad `wasm` option is refused without echoing the file, and poisons nothing", async () => {
  const garbage = new TextEncoder().encode("root:x:0:0:secret-content\n");
  const error = await rejectsWith(createDetector({ wasm: { jpeg: garbage } }), "INVALID_INPUT", /wasm\.jpeg/);
  assert.doesNotMatch(error.message, /root|secret|72 6f 6f 74/);
  const path = "/etc/hostname-does-not-matter";
  const byPath = await rejectsWith(createDetector({ wasm: { png: path } }), "INVALID_INPUT", /wasm\.png/);
  assert.doesNotMatch(byPath.message, /hostname-does-not-matter/);
  // A valid WASM module of the wrong codec is refused too.
  const pngWasm = readFileSync(new URL("../../node_modules/@jsquash/png/codec/pkg/squoosh_png_bg.wasm", import.meta.url));
  await rejectsWith(createDetector({ wasm: { jpeg: pngWasm } }), "INVALID_INPUT", /not the jpeg codec/);
  // JPEG and PNG decoding still work for everyone afterwards.
  assert.equal((await decodeImage(readFileSync(SAMPLE))).width, 900);
  const ok = makePng({ width: 1, height: 1, bitDepth: 8, colorType: 0, rows: [new Uint8Array([7])] });
  assert.equal((await decodeImage(ok)).data[0], 7);
});
