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

/**
 * Stretch RGBA pixels to `outW` x `outH` and write the model input: float32, planar CHW, RGB in
 * [0, 1]. Each output pixel is the mean of its box of source pixels (area averaging, with box
 * edges on whole pixels when shrinking); one pass over the source, memory O(outW).
 *
 * @example
 * ```ts
 * const tensor = resizeToTensor({ data, width: 1920, height: 1080 }, 128, 128); // 3*128*128 floats
 * ```
 */
export function resizeToTensor(
  image: RgbaImage,
  outW: number,
  outH: number,
  out: Float32Array = new Float32Array(3 * outW * outH),
): Float32Array {
  const { data, width: w, height: h } = image;
  // Whole-pixel boxes need every box to hold a pixel, and the packed sums below hold up to 257
  // pixels per lane; 32-bit words need an aligned view.
  if (w >= outW && h >= outH && w <= MAX_BOX * outW && data.byteOffset % 4 === 0) return boxSumsToTensor(image, outW, outH, out);
  return areaToTensor(image, outW, outH, out);
}

const MAX_BOX = 256;

/** Box edges [edges[o], edges[o+1]) for `dst` boxes over `src` pixels (src >= dst: none empty). */
function boxEdges(src: number, dst: number): Int32Array {
  const edges = new Int32Array(dst + 1);
  for (let o = 0; o <= dst; o++) edges[o] = Math.floor((o * src) / dst);
  return edges;
}

/**
 * Rows summed per output row at least. A 1080p frame shrunk to 128 rows has boxes 8.4 rows tall;
 * summing every second row of them (4+ rows a box, still a low-pass filter) halves the memory the
 * pass reads, and memory, not arithmetic, is what it waits for: summing the 8.3 MB frame took
 * 5.4x as long as summing its first half here (the half stays in cache; one process, 31 runs).
 */
const MIN_ROWS_PER_BOX = 4;

/**
 * The shrinking case, which is every camera frame and photo: integer box sums. Each pixel is one
 * 32-bit word (little-endian RGBA); `v & 0x00ff00ff` holds R and B in two 16-bit lanes and
 * `(v >>> 8) & 0x00ff00ff` G (and A), so one add sums two channels: a box row of up to 257
 * pixels cannot carry out of its lane. Boxes taller than 2 * MIN_ROWS_PER_BOX rows are sampled
 * every `step` rows. Normalisation (1 / (255 * pixels summed)) is applied once per output value.
 */
function boxSumsToTensor(image: RgbaImage, outW: number, outH: number, out: Float32Array): Float32Array {
  const { data, width: w, height: h } = image;
  const px = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const xe = boxEdges(w, outW);
  const ye = boxEdges(h, outH);
  const plane = outW * outH;
  const accR = new Int32Array(outW);
  const accG = new Int32Array(outW);
  const accB = new Int32Array(outW);
  const step = Math.max(1, Math.floor(h / outH / MIN_ROWS_PER_BOX));
  for (let oy = 0; oy < outH; oy++) {
    accR.fill(0);
    accG.fill(0);
    accB.fill(0);
    const y0 = ye[oy];
    const y1 = ye[oy + 1];
    // Centre the sampled rows in the box.
    const first = y0 + (((y1 - y0 - 1) % step) >> 1);
    let rows = 0;
    for (let y = first; y < y1; y += step) {
      rows++;
      const row = y * w;
      let p = row + xe[0];
      for (let ox = 0; ox < outW; ox++) {
        const end = row + xe[ox + 1];
        let rb = 0;
        let ga = 0;
        for (; p < end; p++) {
          const v = px[p];
          rb = (rb + (v & 0xff00ff)) | 0;
          ga = (ga + ((v >>> 8) & 0xff00ff)) | 0;
        }
        accR[ox] += rb & 0xffff;
        accB[ox] += rb >>> 16;
        accG[ox] += ga & 0xffff;
      }
    }
    const base = oy * outW;
    for (let ox = 0; ox < outW; ox++) {
      const k = 1 / (255 * rows * (xe[ox + 1] - xe[ox]));
      out[base + ox] = accR[ox] * k;
      out[plane + base + ox] = accG[ox] * k;
      out[2 * plane + base + ox] = accB[ox] * k;
    }
  }
  return out;
}

/**
 * Area averaging with fractional edges (every source pixel contributes by the area it shares with
 * each output cell): the general case, kept for enlarging. Separable and streaming: each source
 * row is reduced horizontally once, then added to the one or two output rows it overlaps.
 */
function areaToTensor(
  image: RgbaImage,
  outW: number,
  outH: number,
  out: Float32Array = new Float32Array(3 * outW * outH),
): Float32Array {
  const { data, width: w, height: h } = image;
  const xs = spansFor(w, outW);
  const ys = spansFor(h, outH);
  const plane = outW * outH;
  out.fill(0, 0, 3 * plane);
  // Horizontal sums of the current source row, interleaved RGB per output column.
  const row = new Float32Array(outW * 3);
  const { start: xStart, end: xEnd, headWeight: xHead, tailWeight: xTail } = xs;
  // Map each source row to the output row(s) it feeds, with weights.
  let oy = 0;
  const scaleY = h / outH;
  for (let y = 0; y < h; y++) {
    const rowBase = y * w * 4;
    for (let ox = 0; ox < outW; ox++) {
      let r = 0, g = 0, b = 0;
      const e = xEnd[ox];
      for (let p = rowBase + xStart[ox] * 4, pe = rowBase + e * 4; p < pe; p += 4) {
        r += data[p];
        g += data[p + 1];
        b += data[p + 2];
      }
      const hw = xHead[ox];
      if (hw > 0) {
        const p = rowBase + (xStart[ox] - 1) * 4;
        r += hw * data[p];
        g += hw * data[p + 1];
        b += hw * data[p + 2];
      }
      const tw = xTail[ox];
      if (tw > 0) {
        const p = rowBase + e * 4;
        r += tw * data[p];
        g += tw * data[p + 1];
        b += tw * data[p + 2];
      }
      const k = ox * 3;
      row[k] = r;
      row[k + 1] = g;
      row[k + 2] = b;
    }
    // Overlap of source row [y, y+1) with output rows [oy*scaleY, (oy+1)*scaleY).
    while (oy < outH - 1 && (oy + 1) * scaleY <= y + 1e-9) oy++;
    let cover = Math.min(y + 1, (oy + 1) * scaleY) - Math.max(y, oy * scaleY);
    accumulateRow(out, row, oy, cover, outW, plane);
    let next = oy + 1;
    while (next < outH && next * scaleY < y + 1 - 1e-9) {
      cover = Math.min(y + 1, (next + 1) * scaleY) - next * scaleY;
      accumulateRow(out, row, next, cover, outW, plane);
      next++;
    }
  }
  const norm = 1 / (255 * (w / outW) * (h / outH));
  for (let i = 0; i < 3 * plane; i++) out[i] *= norm;
  return out;
}

function accumulateRow(out: Float32Array, row: Float32Array, oy: number, weight: number, outW: number, plane: number): void {
  if (weight <= 0) return;
  const base = oy * outW;
  for (let ox = 0, k = 0; ox < outW; ox++, k += 3) {
    out[base + ox] += weight * row[k];
    out[plane + base + ox] += weight * row[k + 1];
    out[2 * plane + base + ox] += weight * row[k + 2];
  }
}
