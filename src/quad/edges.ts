import type { FloatMap } from "../types.ts";

/** Edge pixels of a probability map with their local line orientation. */
export interface EdgePixels {
  count: number;
  /** The map's width: pixels lie in [0, width] x [0, height]. */
  width: number;
  /** Pixel centres in map coordinates, in scan order. */
  x: Float32Array;
  y: Float32Array;
  /** Edge probability, used as the vote weight. */
  w: Float32Array;
  /** Angle of the local line normal in [0, pi), from the structure tensor. */
  normal: Float32Array;
  /** Coherence of the structure tensor in [0, 1]: 1 on a straight line, 0 on blobs and corners. */
  coherence: Float32Array;
  /** The probability cut that was actually used (raised when too many pixels pass). */
  threshold: number;
  /**
   * The same pixels grouped by normal angle, so a refit visits only pixels that can agree with its
   * line: bin b (normal in [b, b + 1) * pi / ANGLE_BINS, coherent pixels only) holds entries
   * binStart[b] .. binStart[b + 1]); the incoherent pixels, which agree with any line, are
   * binStart[ANGLE_BINS] .. count. Within a bin, scan order: y never decreases, so a refit finds
   * the rows its band crosses by bisection. Copied out, not indexed, so a refit reads memory in
   * order.
   */
  byAngle: AngleOrder;
  binStart: Int32Array;
}

/** Edge pixels in EdgePixels.byAngle's order, with their normals as unit vectors. */
export interface AngleOrder {
  x: Float32Array;
  y: Float32Array;
  w: Float32Array;
  normalX: Float32Array;
  normalY: Float32Array;
}

/** Normal-angle bins of EdgePixels.byAngle (5 degrees each). */
export const ANGLE_BINS = 36;
/** Pixels with coherence above this have an orientation a line must agree with. */
export const COHERENT = 0.5;

/**
 * Collect pixels with probability >= threshold. When more than maxCount pass (a noisy or
 * washed-out map), the cut rises to the quantile that keeps about maxCount of them: it bounds the
 * finder's work on any input, and the strongest responses are the ones worth voting with.
 */
export function extractEdges(map: FloatMap, threshold: number, maxCount: number): EdgePixels {
  const { data, width: W, height: H } = map;
  const n = W * H;
  let cut = threshold;
  // One pass collects the candidates and, once there are too many and the cut has to rise,
  // histograms them; the second visits only those.
  const bins = 1024;
  const span = 1 - cut + 1e-9;
  if (candBuf.length < n) candBuf = new Int32Array(n);
  const cand = candBuf;
  const hist = histBuf;
  const bin = (v: number): number => {
    const b = Math.floor(((v - threshold) / span) * bins);
    return b >= bins ? bins - 1 : b;
  };
  let candidates = 0, i = 0;
  for (; i < n && candidates <= maxCount; i++) if (data[i] >= cut) cand[candidates++] = i;
  let count = candidates;
  if (count > maxCount) {
    hist.fill(0);
    for (let j = 0; j < candidates; j++) hist[bin(data[cand[j]])]++;
    for (; i < n; i++) {
      const v = data[i];
      if (v >= cut) {
        cand[candidates++] = i;
        hist[bin(v)]++;
      }
    }
    // The lowest bin edge that keeps at most maxCount pixels.
    let acc = 0;
    let b = bins - 1;
    for (; b >= 0; b--) {
      if (acc + hist[b] > maxCount) break;
      acc += hist[b];
    }
    cut = threshold + ((b + 1) / bins) * span;
    count = acc;
  }
  const cap = Math.min(count, maxCount);
  const b = pixelBuffers(cap);
  const out: EdgePixels = {
    count: 0,
    width: W,
    x: b[0].subarray(0, cap),
    y: b[1].subarray(0, cap),
    w: b[2].subarray(0, cap),
    normal: b[3].subarray(0, cap),
    coherence: b[4].subarray(0, cap),
    threshold: cut,
    byAngle: {
      x: b[5].subarray(0, cap),
      y: b[6].subarray(0, cap),
      w: b[7].subarray(0, cap),
      normalX: b[8].subarray(0, cap),
      normalY: b[9].subarray(0, cap),
    },
    binStart: new Int32Array(ANGLE_BINS + 2),
  };
  const normalX = b[10], normalY = b[11];
  const { x: outX, y: outY, w: outW, normal: outNormal, coherence: outCoherence } = out;
  const { gx, gy, stamp, generation } = gradientScratch(W * H);
  let k = 0;
  for (let j = 0; j < candidates && k < cap; j++) {
    const idx = cand[j];
    const v = data[idx];
    if (!(v >= cut)) continue;
    const y = (idx / W) | 0, x = idx - y * W;
    // Structure tensor of the gradient over a 3x3 window (5x5 support with Sobel's): the
    // gradient vanishes on a ridge's crest but is strong on its flanks, and both flanks agree
    // on the normal. Gradients are computed only around edge pixels, each once per call.
    const x0 = x < 1 ? 0 : x - 1, x1 = x + 1 >= W ? W - 1 : x + 1;
    const y0 = y < 1 ? 0 : y - 1, y1 = y + 1 >= H ? H - 1 : y + 1;
    let jxx = 0, jxy = 0, jyy = 0;
    for (let yy = y0; yy <= y1; yy++) {
      const row = yy * W;
      for (let xx = x0; xx <= x1; xx++) {
        const i = row + xx;
        if (stamp[i] !== generation) sobelAt(data, W, H, xx, yy, gx, gy, i, stamp, generation);
        const a = gx[i], b = gy[i];
        jxx += a * a; jxy += a * b; jyy += b * b;
      }
    }
    const tr = jxx + jyy;
    const dxy = jxx - jyy;
    const r = Math.sqrt(dxy * dxy + 4 * jxy * jxy);
    outX[k] = x + 0.5;
    outY[k] = y + 0.5;
    outW[k] = v;
    // The normal's angle phi in [0, pi) is half the angle of (dxy, 2 jxy); its cosine and sine
    // follow from the half-angle formulas, without trigonometric calls.
    let phi = 0.5 * Math.atan2(2 * jxy, dxy);
    if (phi < 0) phi += Math.PI;
    if (phi >= Math.PI) phi -= Math.PI;
    outNormal[k] = phi;
    const c2 = r > 0 ? dxy / r : 1;
    normalX[k] = (jxy < 0 ? -1 : 1) * Math.sqrt(Math.max(0, (1 + c2) / 2));
    normalY[k] = Math.sqrt(Math.max(0, (1 - c2) / 2));
    outCoherence[k] = tr > 1e-12 ? Math.min(1, r / tr) : 0;
    k++;
  }
  out.count = k;
  groupByAngle(out, normalX, normalY);
  return out;
}

/** Counting sort of the pixels into normal-angle bins (incoherent ones last), stable in scan order. */
function groupByAngle(e: EdgePixels, normalX: Float32Array, normalY: Float32Array): void {
  const { count, x, y, w, normal, coherence, binStart: start } = e;
  if (binOfBuf.length < count) binOfBuf = new Uint8Array(count);
  const binOf = binOfBuf;
  start.fill(0);
  for (let i = 0; i < count; i++) {
    let b = ANGLE_BINS;
    if (coherence[i] > COHERENT) {
      b = Math.floor((normal[i] / Math.PI) * ANGLE_BINS);
      if (b >= ANGLE_BINS) b = ANGLE_BINS - 1;
    }
    binOf[i] = b;
    start[b + 1]++;
  }
  for (let b = 0; b <= ANGLE_BINS; b++) start[b + 1] += start[b];
  const fill = start.slice(0, ANGLE_BINS + 1);
  const { x: tx, y: ty, w: tw, normalX: tnx, normalY: tny } = e.byAngle;
  for (let i = 0; i < count; i++) {
    const j = fill[binOf[i]]++;
    tx[j] = x[i]; ty[j] = y[i]; tw[j] = w[i];
    tnx[j] = normalX[i]; tny[j] = normalY[i];
  }
}

/** Sobel gradient at one pixel (edges replicated), stored and stamped as computed. */
function sobelAt(
  data: Float32Array, W: number, H: number, x: number, y: number,
  gx: Float32Array, gy: Float32Array, i: number, stamp: Uint32Array, generation: number,
): void {
  const ym = (y > 0 ? y - 1 : 0) * W, y0 = y * W, yp = (y < H - 1 ? y + 1 : y) * W;
  const xm = x > 0 ? x - 1 : 0, xp = x < W - 1 ? x + 1 : x;
  const a = data[ym + xm], b = data[ym + x], c = data[ym + xp];
  const d = data[y0 + xm], f = data[y0 + xp];
  const g = data[yp + xm], h = data[yp + x], k = data[yp + xp];
  gx[i] = c + 2 * f + k - a - 2 * d - g;
  gy[i] = g + 2 * h + k - a - 2 * b - c;
  stamp[i] = generation;
}

function gradientScratch(n: number): { gx: Float32Array; gy: Float32Array; stamp: Uint32Array; generation: number } {
  if (gxBuf.length < n) {
    gxBuf = new Float32Array(n);
    gyBuf = new Float32Array(n);
    stampBuf = new Uint32Array(n);
    generationCounter = 0;
  }
  generationCounter = (generationCounter + 1) >>> 0;
  if (generationCounter === 0) { stampBuf.fill(0); generationCounter = 1; }
  return { gx: gxBuf, gy: gyBuf, stamp: stampBuf, generation: generationCounter };
}

// Reused between calls: the finder runs per frame and must not churn the garbage collector with
// map-sized arrays each time. A slot's gradient is valid when its stamp equals this call's
// generation, so nothing needs clearing between calls.
let gxBuf = new Float32Array(0);
let gyBuf = new Float32Array(0);
let stampBuf = new Uint32Array(0);
let generationCounter = 0;
const histBuf = new Uint32Array(1024);
let candBuf = new Int32Array(0);
// The pixels' arrays (EdgePixels' ten and two for the normals in scan order), reused: an
// EdgePixels is valid until the next extractEdges call, which the finder never makes while it
// holds one.
let pixelBuf: Float32Array[] = [];

function pixelBuffers(n: number): Float32Array[] {
  if (pixelBuf.length === 0 || pixelBuf[0].length < n) pixelBuf = Array.from({ length: 12 }, () => new Float32Array(n));
  return pixelBuf;
}
let binOfBuf = new Uint8Array(0);
