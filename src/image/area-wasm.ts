import type { RgbaImage } from "../types.ts";
import { decoderInstance, releaseDecoder, type DecoderExports, type HeldPixels } from "./jpeg-wasm.ts";
import { areaNorm, axisSpans, resizeToTensor, wholeImage, type PixelBox, type Spans } from "./resize.ts";

/**
 * The model input from RGBA pixels: `resizeToTensor`'s area average, computed by the decoder's
 * WASM (wasm/jpeg/area.c, SIMD) when that module is loaded, else by the JavaScript one. Both do
 * the same arithmetic in the same order, so the tensor is the same either way (bit for bit).
 *
 * Why WASM: on a 1080p frame the JavaScript loop reads 8.3 MB a word at a time and was ~3.5 ms
 * (one Node process, alternating calls); the SIMD loop, including copying the frame into the
 * module's memory, takes a fraction of that (docs/performance.md). And a new process's first
 * detection runs it as baseline WASM rather than uncompiled JavaScript (~30 ms on a 450x800 image).
 *
 * `box`: average only those pixels, as if they were the image (the second look's crop, read in
 * place: copying it out first cost as much as averaging it).
 */
export async function modelInput(image: RgbaImage, outW: number, outH: number, box: PixelBox = wholeImage(image)): Promise<Float32Array> {
  if (!unavailable) {
    let x: DecoderExports | null = null;
    try {
      x = await decoderInstance();
    } catch {
      // No decoder WASM here (e.g. a browser without env.assetBase): JavaScript from now on.
      unavailable = true;
    }
    if (x !== null && x.dj_area !== undefined) {
      const out = areaInWasm(x, image, outW, outH, box);
      if (out !== null) return out;
    } else if (x !== null) {
      unavailable = true; // a caller's older decoder build without dj_area
    }
  }
  return resizeToTensor(image, outW, outH, undefined, box);
}

let unavailable = false;

/** Source bytes copied into the module per band: well inside a core's L2 cache (1 MB per core on
 * the Zen 4 measured here) while it is summed. 256 KB to 1 MB measured alike on a 1080p frame. */
const BAND_BYTES = 512 * 1024;

/** The exports the area average needs: the decoder module's (src/image/jpeg-wasm.ts), or any build
 * of wasm/jpeg/decoder.wasm loaded on its own (bench/area-builds.ts times two side by side). */
export type AreaModule = Pick<DecoderExports, "memory" | "dj_alloc" | "dj_free" | "dj_area" | "dj_area_rows">;

/** `areaInModule` on the shared decoder instance, which is dropped if the call threw. */
function areaInWasm(x: DecoderExports, image: RgbaImage, outW: number, outH: number, box: PixelBox): Float32Array | null {
  let failed = false;
  try {
    return areaInModule(x, image, outW, outH, box);
  } catch {
    failed = true;
    return null;
  } finally {
    releaseDecoder(x, failed);
  }
}

/**
 * The area average in WASM. With `dj_area_rows` the frame goes into the module's memory a band of
 * output rows at a time, each band summed right after its copy while it is still in cache: on a
 * 1080p frame 0.74-0.77x the time of copying the whole frame first and summing it (one Node
 * process, alternating calls; Bun 0.60x, Deno 0.64x; 4000x3000 pixels 0.57x), and the module
 * holds a band instead of a frame-sized block. The tensor is the same bit for bit (area.c: a
 * band's first row recomputes the split row the previous band ended on). An older build with
 * only `dj_area` gets the whole box in one block. Returns null when the module cannot (no memory,
 * or neither export); throws when the module does, leaving its block unfreed (the caller drops it).
 */
export function areaInModule(x: AreaModule, image: RgbaImage, outW: number, outH: number, box: PixelBox = wholeImage(image)): Float32Array | null {
  const rowsArea = x.dj_area_rows;
  const wholeArea = x.dj_area;
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  if ((rowsArea === undefined && wholeArea === undefined) || !fitsArea(w, h, outW, outH)) return null;
  const xs = axisSpans(w, outW);
  const ys = axisSpans(h, outH);
  const rowBytes = w * 4;
  const bands = rowsArea === undefined ? [{ oy0: 0, oy1: outH, first: 0, rows: h }] : bandsOf(ys, outH, h, rowBytes);
  const bandBytes = Math.max(...bands.map((b) => b.rows)) * rowBytes;
  const floats = 3 * outW * outH;
  // One block: the band (or the whole image), the two axes' spans (4 arrays of 4-byte numbers each), the output.
  const spanBytes = 16 * (outW + outH);
  const src = x.dj_alloc(bandBytes + spanBytes + 4 * floats + 16);
  if (src === 0) return null;
  const at = (src + bandBytes + 3) & ~3;
  const xp = placeSpans(x.memory, xs, outW, at);
  const yp = placeSpans(x.memory, ys, outH, at + 16 * outW);
  const out = at + spanBytes;
  const norm = areaNorm(w, h, outW, outH);
  let summed = true;
  for (const b of bands) {
    // The module's memory does not grow while it runs here (its blocks are allocated above), so
    // the buffer read once per band stays valid.
    copyRows(image, box, b, new Uint8Array(x.memory.buffer, src, b.rows * rowBytes));
    const rc = rowsArea !== undefined
      ? rowsArea(src, b.first, w, outW, outH, b.oy0, b.oy1, ...xp, ...yp, norm, out)
      : wholeArea?.(src, w, h, outW, outH, ...xp, ...yp, norm, out) ?? -1;
    if (rc !== 0) {
      summed = false;
      break;
    }
  }
  const result = summed ? new Float32Array(x.memory.buffer.slice(out, out + 4 * floats)) : null;
  x.dj_free(src);
  return result;
}

/** Whether area.c's integer sums hold a cell of this size: each channel's sum stays under 2^31
 * (it converts them as signed). Past that (8.4 M pixels a cell), the JavaScript loop averages. */
function fitsArea(w: number, h: number, outW: number, outH: number): boolean {
  return (Math.ceil(w / outW) + 1) * (Math.ceil(h / outH) + 1) * 255 < 2 ** 31;
}

/** One axis's spans into the module's memory at `base` (4 arrays of n 4-byte numbers); their addresses. */
function placeSpans(memory: WebAssembly.Memory, s: Readonly<Spans>, n: number, base: number): number[] {
  new Int32Array(memory.buffer, base, n).set(s.start);
  new Int32Array(memory.buffer, base + 4 * n, n).set(s.end);
  new Float32Array(memory.buffer, base + 8 * n, n).set(s.headWeight);
  new Float32Array(memory.buffer, base + 12 * n, n).set(s.tailWeight);
  return [base, base + 4 * n, base + 8 * n, base + 12 * n];
}

/**
 * The model input of pixels a decode left in the decoder's memory (jpeg-wasm.ts `decodeJpegHeld`),
 * averaged where they lie: no copy out to JavaScript and back in (a 12 MP photo's 500x375 decode:
 * 750 KB each way, and its garbage). The same tensor as `modelInput` on the copied-out pixels, bit
 * for bit (one band holding every row is what area.c's banding reproduces). null when the module
 * cannot (an older build without dj_area, or no memory): the caller copies the pixels out instead.
 */
export function heldModelInput(held: HeldPixels, outW: number, outH: number): Float32Array | null {
  const { x, at: src, width: w, height: h } = held;
  const area = x.dj_area;
  if (area === undefined || !fitsArea(w, h, outW, outH)) return null;
  const floats = 3 * outW * outH;
  const spanBytes = 16 * (outW + outH);
  let failed = false;
  try {
    const block = x.dj_alloc(spanBytes + 4 * floats);
    if (block === 0) return null;
    const xp = placeSpans(x.memory, axisSpans(w, outW), outW, block);
    const yp = placeSpans(x.memory, axisSpans(h, outH), outH, block + 16 * outW);
    const out = block + spanBytes;
    const rc = area(src, w, h, outW, outH, ...xp, ...yp, areaNorm(w, h, outW, outH), out);
    const tensor = rc === 0 ? new Float32Array(x.memory.buffer.slice(out, out + 4 * floats)) : null;
    x.dj_free(block);
    return tensor;
  } catch {
    // A trap leaves the block unfreed: the instance is dropped (the pixels stay readable for the copy).
    failed = true;
    return null;
  } finally {
    releaseDecoder(x, failed);
  }
}

/** A band's rows of the box into the module's memory: one copy when the box is as wide as the image. */
function copyRows(image: RgbaImage, box: PixelBox, b: Band, to: Uint8Array): void {
  const rowBytes = (box.x1 - box.x0) * 4;
  const first = ((box.y0 + b.first) * image.width + box.x0) * 4;
  if (box.x0 === 0 && box.x1 === image.width) {
    to.set(image.data.subarray(first, first + b.rows * rowBytes));
    return;
  }
  const stride = image.width * 4;
  for (let r = 0; r < b.rows; r++) to.set(image.data.subarray(first + r * stride, first + r * stride + rowBytes), r * rowBytes);
}

interface Band {
  /** Output rows [oy0, oy1). */
  oy0: number;
  oy1: number;
  /** The source rows they read: [first, first + rows). */
  first: number;
  rows: number;
}

/** Consecutive output rows grouped so each group's source rows fill about BAND_BYTES. */
function bandsOf(ys: Readonly<Spans>, outH: number, h: number, rowBytes: number): Band[] {
  const firstRow = (oy: number): number => (ys.headWeight[oy] > 0 ? ys.start[oy] - 1 : ys.start[oy]);
  const endRow = (oy: number): number => Math.min(h, ys.tailWeight[oy] > 0 ? ys.end[oy] + 1 : ys.end[oy]);
  const bands: Band[] = [];
  let oy0 = 0;
  while (oy0 < outH) {
    const first = firstRow(oy0);
    let oy1 = oy0 + 1;
    while (oy1 < outH && (endRow(oy1) - first) * rowBytes <= BAND_BYTES) oy1++;
    bands.push({ oy0, oy1, first, rows: endRow(oy1 - 1) - first });
    oy0 = oy1;
  }
  return bands;
}
