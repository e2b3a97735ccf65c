import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeImage } from "../../src/image/decode.ts";
import { modelInput } from "../../src/image/area-wasm.ts";
import { resizeToTensor } from "../../src/image/resize.ts";
import type { RgbaImage } from "../../src/types.ts";
import { SAMPLE, readBytes } from "./helpers.ts";

/**
 * The area average written the slow, obvious way: every output cell integrates the source over
 * its rectangle, each pixel weighted by the area it shares with the cell, in doubles.
 */
function reference(image: RgbaImage, outW: number, outH: number): Float64Array {
  const { data, width: w, height: h } = image;
  const out = new Float64Array(3 * outW * outH);
  const sx = w / outW;
  const sy = h / outH;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * sy;
    const y1 = (oy + 1) * sy;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sx;
      const x1 = (ox + 1) * sx;
      const acc = [0, 0, 0];
      for (let y = Math.floor(y0); y < Math.min(h, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(w, Math.ceil(x1)); x++) {
          const wgt = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          for (let c = 0; c < 3; c++) acc[c] += wgt * data[(y * w + x) * 4 + c];
        }
      }
      for (let c = 0; c < 3; c++) out[c * outW * outH + oy * outW + ox] = acc[c] / (255 * sx * sy);
    }
  }
  return out;
}

/** Pixels with structure at every scale (gradients, a sharp edge, per-pixel noise). */
function pattern(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const noise = (Math.imul(y * width + x, 2654435761) >>> 24) & 31;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = x > width / 3 && y > height / 3 ? 230 - noise : 20 + noise;
      data[i + 2] = (y * 7 + x * 3) & 255;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

const SIZES: Array<[number, number, number, number]> = [
  [1920, 1080, 128, 128], // a video frame: whole columns, split rows; in the WASM, 16 bands of source rows (area-wasm.ts)
  [450, 800, 128, 128], // the sample's detection decode
  [1000, 997, 131, 77], // split columns and rows everywhere, also where one band ends and the next begins
  [100, 77, 128, 128], // smaller than the model input: partial pixels only
  [129, 40, 128, 128],
  [3, 2, 4, 5],
  [40_000, 3, 128, 128], // 312 source columns per cell: past the packed sums' 256
  [5, 700, 4, 2], // 350 rows per cell: past the 16-bit row sums' 256
];

test("the area average matches the obvious integral, and the WASM and JavaScript versions agree bit for bit", async () => {
  for (const [w, h, ow, oh] of SIZES) {
    const image = pattern(w, h);
    const js = resizeToTensor(image, ow, oh);
    const wasm = await modelInput(image, ow, oh);
    const ref = reference(image, ow, oh);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(js[i] - ref[i]));
    assert.ok(worst < 1e-6, `${w}x${h} -> ${ow}x${oh}: JavaScript is ${worst} from the reference`);
    assert.deepEqual(wasm, js, `${w}x${h} -> ${ow}x${oh}: WASM and JavaScript differ`);
  }
});

test("a real photo's tensor is the same from WASM and JavaScript, also from an unaligned view", async () => {
  const photo = await decodeImage(readBytes(SAMPLE));
  const js = resizeToTensor(photo, 128, 128);
  assert.deepEqual(await modelInput(photo, 128, 128), js);
  // A view at an odd offset cannot use 32-bit words: the byte loop must give the same numbers.
  const shifted = new Uint8ClampedArray(photo.data.length + 1);
  shifted.set(photo.data, 1);
  const unaligned = { data: shifted.subarray(1), width: photo.width, height: photo.height };
  assert.deepEqual(resizeToTensor(unaligned, 128, 128), js);
  assert.deepEqual(await modelInput(unaligned, 128, 128), js);
});

test("a box of the image gives the tensor of those pixels copied out, from WASM and from JavaScript", async () => {
  const photo = await decodeImage(readBytes(SAMPLE));
  const boxes = [
    { x0: 0, y0: 0, x1: photo.width, y1: photo.height }, // the whole image
    { x0: 0, y0: 301, x1: photo.width, y1: 1207 }, // full rows: one copy per band
    { x0: 17, y0: 3, x1: 870, y1: 1590 }, // odd offsets: row by row, and no 32-bit words in JavaScript
    { x0: 400, y0: 700, x1: 470, y1: 760 }, // smaller than the model input
  ];
  for (const box of boxes) {
    const w = box.x1 - box.x0, h = box.y1 - box.y0;
    const data = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) data.set(photo.data.subarray(((box.y0 + y) * photo.width + box.x0) * 4, ((box.y0 + y) * photo.width + box.x1) * 4), y * w * 4);
    const copied = resizeToTensor({ data, width: w, height: h }, 128, 128);
    const name = `box ${JSON.stringify(box)}`;
    assert.deepEqual(resizeToTensor(photo, 128, 128, undefined, box), copied, `${name}: JavaScript`);
    assert.deepEqual(await modelInput(photo, 128, 128, box), copied, `${name}: WASM`);
  }
});
