import type { RgbaImage } from "../types.ts";

/**
 * One output column's (or row's) footprint in source pixels: the whole pixels [start, end) with
 * weight 1, plus partial pixels at either end. Precomputed once per size, so the inner loops are
 * integer-indexed sums.
 */
interface Spans {
  /** First source pixel with weight 1. */
  start: Int32Array;
  /** One past the last source pixel with weight 1. */
  end: Int32Array;
  /** Partial pixel before `start` (index start-1) and its weight; weight 0 when none. */
  headWeight: Float32Array;
  /** Partial pixel at `end` and its weight; weight 0 when none. */
  tailWeight: Float32Array;
}

/**
 * Area coverage of output cells of size src/dst. A source pixel may be split between two output
 * cells (the head of one, the tail of the previous). For upscaling (cell smaller than a pixel) a
 * cell lies inside one or two pixels and gets only partial weights.
 */
function computeSpans(src: number, dst: number): Spans {
  const scale = src / dst;
  const s: Spans = {
    start: new Int32Array(dst),
    end: new Int32Array(dst),
    headWeight: new Float32Array(dst),
    tailWeight: new Float32Array(dst),
  };
  for (let o = 0; o < dst; o++) {
    const x0 = o * scale;
    const x1 = Math.min(src, (o + 1) * scale);
    const i0 = Math.ceil(x0 - 1e-9);
    const i1 = Math.floor(x1 + 1e-9);
    if (i1 < i0) {
      // The cell lies within one source pixel.
      s.start[o] = i1;
      s.end[o] = i1;
      s.headWeight[o] = 0;
      s.tailWeight[o] = x1 - x0;
      continue;
    }
    s.start[o] = i0;
    s.end[o] = i1;
    s.headWeight[o] = i0 > 0 ? i0 - x0 : 0;
    s.tailWeight[o] = i1 < src ? x1 - i1 : 0;
    if (s.headWeight[o] < 1e-7) s.headWeight[o] = 0;
    if (s.tailWeight[o] < 1e-7) s.tailWeight[o] = 0;
  }
  return s;
}

const spansCache = new Map<string, Spans>();

function spansFor(src: number, dst: number): Spans {
  const key = `${src}:${dst}`;
  let s = spansCache.get(key);
  if (!s) {
    s = computeSpans(src, dst);
    if (spansCache.size > 64) spansCache.clear();
    spansCache.set(key, s);
  }
  return s;
}

/** Whether 32-bit words of `data` can be summed two channels per add (see `addWholeRow`): `w` is the width averaged. */
function packedView(image: RgbaImage, w: number, outW: number): Uint32Array | null {
  const { data } = image;
  return data.byteOffset % 4 === 0 && w <= 256 * outW ? new Uint32Array(data.buffer, data.byteOffset, image.width * image.height) : null;
}

/** A box of an image's pixels: columns [x0, x1), rows [y0, y1). */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The whole image as a box. */
export function wholeImage(image: RgbaImage): PixelBox {
  return { x0: 0, y0: 0, x1: image.width, y1: image.height };
}

/**
 * Add one source row's whole pixels to each output column's integer sums: `sums` holds per
 * column, R G B of the whole pixels, then of the head pixel, then of the tail pixel (9 numbers).
 * With a word view, a little-endian RGBA word masked with 0x00ff00ff holds R and B in two 16-bit
 * lanes, shifted by 8 it holds G (and A); up to 257 pixels cannot carry out of a lane.
 */
function addWholeRow(data: Uint8Array | Uint8ClampedArray, px: Uint32Array | null, rowWords: number, xs: Spans, sums: Float64Array): void {
  const { start, end, headWeight, tailWeight } = xs;
  for (let ox = 0, k = 0; ox < start.length; ox++, k += 9) {
    const s = start[ox];
    const e = end[ox];
    let r = 0, g = 0, b = 0;
    if (px !== null) {
      let rb = 0, ga = 0;
      for (let p = rowWords + s, pe = rowWords + e; p < pe; p++) {
        const v = px[p];
        rb = (rb + (v & 0xff00ff)) | 0;
        ga = (ga + ((v >>> 8) & 0xff00ff)) | 0;
      }
      r = rb & 0xffff;
      b = rb >>> 16;
      g = ga & 0xffff;
    } else {
      for (let p = (rowWords + s) * 4, pe = (rowWords + e) * 4; p < pe; p += 4) {
        r += data[p];
        g += data[p + 1];
        b += data[p + 2];
      }
    }
    sums[k] += r;
    sums[k + 1] += g;
    sums[k + 2] += b;
    if (headWeight[ox] > 0) {
      const p = (rowWords + s - 1) * 4;
      sums[k + 3] += data[p];
      sums[k + 4] += data[p + 1];
      sums[k + 5] += data[p + 2];
    }
    if (tailWeight[ox] > 0) {
      const p = (rowWords + e) * 4;
      sums[k + 6] += data[p];
      sums[k + 7] += data[p + 1];
      sums[k + 8] += data[p + 2];
    }
  }
}

/** One partly covered source row's cells: whole-pixel sums plus the weighted partial pixels, RGB per column. */
function rowCells(data: Uint8Array | Uint8ClampedArray, px: Uint32Array | null, rowWords: number, xs: Spans, sums: Float64Array, cells: Float64Array): void {
  sums.fill(0);
  addWholeRow(data, px, rowWords, xs, sums);
  foldColumns(sums, xs, cells);
}

/**
 * Each output column's RGB from its nine running sums (whole pixels, head column, tail column):
 * whole + head weight x head + tail weight x tail, in that order (area.c's order too).
 */
function foldColumns(sums: Float64Array, xs: Spans, cells: Float64Array): void {
  const { headWeight, tailWeight } = xs;
  for (let ox = 0, k = 0, c = 0; ox < headWeight.length; ox++, k += 9, c += 3) {
    const hw = headWeight[ox];
    const tw = tailWeight[ox];
    let r = sums[k];
    let g = sums[k + 1];
    let b = sums[k + 2];
    if (hw > 0) {
      r += hw * sums[k + 3];
      g += hw * sums[k + 4];
      b += hw * sums[k + 5];
    }
    if (tw > 0) {
      r += tw * sums[k + 6];
      g += tw * sums[k + 7];
      b += tw * sums[k + 8];
    }
    cells[c] = r;
    cells[c + 1] = g;
    cells[c + 2] = b;
  }
}

/**
 * Stretch RGBA pixels to `outW` x `outH` by area averaging (every source pixel contributes by the
 * area it shares with each output cell) and write the model input: float32, planar CHW, RGB in
 * [0, 1]. Per output row, the source rows it wholly covers are summed as integers (exact), the
 * partly covered rows at either end are weighted in doubles, and each cell is rounded to float
 * once, at the end. The decoder's WASM does the same arithmetic in the same order with SIMD
 * (wasm/jpeg/area.c, `modelInput` in area-wasm.ts): the two give bit-identical tensors. With
 * `box`, only those pixels are averaged, as if they were the image (the second look's crop,
 * without copying it out first).
 *
 * @example
 * ```ts
 * import { decodeImage, resizeToTensor } from "docedge";
 * const tensor = resizeToTensor(await decodeImage(jpegBytes), 128, 128); // 3*128*128 floats, planar RGB in [0, 1]
 * ```
 */
export function resizeToTensor(
  image: RgbaImage,
  outW: number,
  outH: number,
  out: Float32Array = new Float32Array(3 * outW * outH),
  box: PixelBox = wholeImage(image),
): Float32Array {
  const { data } = image;
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  // Source row y of the box starts at this word (pixel) of the image.
  const rowAt = (y: number): number => (box.y0 + y) * image.width + box.x0;
  const xs = spansFor(w, outW);
  const ys = spansFor(h, outH);
  const px = packedView(image, w, outW);
  const norm = areaNorm(w, h, outW, outH);
  const plane = outW * outH;
  const sums = new Float64Array(outW * 9);
  const scratch = new Float64Array(outW * 9);
  let headRow = new Float64Array(outW * 3);
  let tailRow = new Float64Array(outW * 3);
  const cells = new Float64Array(outW * 3);
  // A row split between two output rows is the tail of one and the head of the next: its cells
  // are computed once (they do not depend on the output row).
  let tailOf = -1;
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    const y0 = ys.start[oy];
    const y1 = ys.end[oy];
    for (let y = y0; y < y1; y++) addWholeRow(data, px, rowAt(y), xs, sums);
    const yh = ys.headWeight[oy];
    const yt = ys.tailWeight[oy];
    if (yh > 0) {
      if (tailOf === y0 - 1) {
        [headRow, tailRow] = [tailRow, headRow];
        tailOf = -1;
      } else {
        rowCells(data, px, rowAt(y0 - 1), xs, scratch, headRow);
      }
    }
    if (yt > 0 && tailOf !== y1) {
      rowCells(data, px, rowAt(y1), xs, scratch, tailRow);
      tailOf = y1;
    }
    // Per channel: whole pixels, head column, tail column, head row, tail row, in that order
    // (area.c adds them in the same order, so the two agree bit for bit).
    foldColumns(sums, xs, cells);
    for (let ox = 0, c = 0, o = oy * outW; ox < outW; ox++, c += 3, o++) {
      let r = cells[c];
      let g = cells[c + 1];
      let b = cells[c + 2];
      if (yh > 0) {
        r += yh * headRow[c];
        g += yh * headRow[c + 1];
        b += yh * headRow[c + 2];
      }
      if (yt > 0) {
        r += yt * tailRow[c];
        g += yt * tailRow[c + 1];
        b += yt * tailRow[c + 2];
      }
      out[o] = r * norm;
      out[plane + o] = g * norm;
      out[2 * plane + o] = b * norm;
    }
  }
  return out;
}

/** The factor that turns a cell's weighted sum into a mean in [0, 1]. */
export function areaNorm(w: number, h: number, outW: number, outH: number): number {
  return 1 / (255 * (w / outW) * (h / outH));
}

/** The spans of one axis, shared with the WASM version (cached per size). */
export function axisSpans(src: number, dst: number): Readonly<Spans> {
  return spansFor(src, dst);
}

export type { Spans };
