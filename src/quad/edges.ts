import type { FloatMap } from "../types.ts";

/** Edge pixels of a probability map with their local line orientation. */
export interface EdgePixels {
  count: number;
  /** Pixel centres in map coordinates. */
  x: Float32Array;
  y: Float32Array;
  /** Edge probability, used as the vote weight. */
  w: Float32Array;
  /** Angle of the local line normal in [0, pi), from the structure tensor. */
  normal: Float32Array;
  /** The same normal as a unit vector. */
  normalX: Float32Array;
  normalY: Float32Array;
  /** Coherence of the structure tensor in [0, 1]: 1 on a straight line, 0 on blobs and corners. */
  coherence: Float32Array;
  /** The probability cut that was actually used (raised when too many pixels pass). */
  threshold: number;
}

/**
 * Collect pixels with probability >= threshold. When more than maxCount pass (a noisy or
 * washed-out map), the cut rises to the quantile that keeps about maxCount of them: it bounds the
 * finder's work on any input, and the strongest responses are the ones worth voting with.
 */
export function extractEdges(map: FloatMap, threshold: number, maxCount: number): EdgePixels {
  const { data, width: W, height: H } = map;
  const n = W * H;
  let cut = threshold;
  // One pass counts the candidates and histograms them, in case the cut has to rise.
  const bins = 1024;
  const hist = histBuf;
  hist.fill(0);
  const span = 1 - cut + 1e-9;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v >= cut) {
      count++;
      const b = Math.floor(((v - threshold) / span) * bins);
      hist[b >= bins ? bins - 1 : b]++;
    }
  }
  if (count > maxCount) {
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
  const out: EdgePixels = {
    count: 0,
    x: new Float32Array(cap),
    y: new Float32Array(cap),
    w: new Float32Array(cap),
    normal: new Float32Array(cap),
    normalX: new Float32Array(cap),
    normalY: new Float32Array(cap),
    coherence: new Float32Array(cap),
    threshold: cut,
  };
  const { gx, gy } = sobel(map);
  let k = 0;
  for (let y = 0; y < H && k < cap; y++) {
    for (let x = 0; x < W && k < cap; x++) {
      const v = data[y * W + x];
      if (!(v >= cut)) continue;
      // Structure tensor of the gradient over a 3x3 window (5x5 support with Sobel's): the
      // gradient vanishes on a ridge's crest but is strong on its flanks, and both flanks agree
      // on the normal.
      const x0 = x < 1 ? 0 : x - 1, x1 = x + 1 >= W ? W - 1 : x + 1;
      const y0 = y < 1 ? 0 : y - 1, y1 = y + 1 >= H ? H - 1 : y + 1;
      let jxx = 0, jxy = 0, jyy = 0;
      for (let yy = y0; yy <= y1; yy++) {
        const row = yy * W;
        for (let xx = x0; xx <= x1; xx++) {
          const a = gx[row + xx], b = gy[row + xx];
          jxx += a * a; jxy += a * b; jyy += b * b;
        }
      }
      const tr = jxx + jyy;
      let phi = 0.5 * Math.atan2(2 * jxy, jxx - jyy);
      if (phi < 0) phi += Math.PI;
      if (phi >= Math.PI) phi -= Math.PI;
      out.x[k] = x + 0.5;
      out.y[k] = y + 0.5;
      out.w[k] = v;
      out.normal[k] = phi;
      out.normalX[k] = Math.cos(phi);
      out.normalY[k] = Math.sin(phi);
      const dxy = jxx - jyy;
      out.coherence[k] = tr > 1e-12 ? Math.min(1, Math.sqrt(dxy * dxy + 4 * jxy * jxy) / tr) : 0;
      k++;
    }
  }
  out.count = k;
  return out;
}

/** Sobel gradient of the map (edges replicated). */
function sobel(map: FloatMap): { gx: Float32Array; gy: Float32Array } {
  const { data, width: W, height: H } = map;
  if (gxBuf.length < W * H) {
    gxBuf = new Float32Array(W * H);
    gyBuf = new Float32Array(W * H);
  }
  const gx = gxBuf, gy = gyBuf;
  for (let y = 0; y < H; y++) {
    const ym = (y > 0 ? y - 1 : 0) * W, y0 = y * W, yp = (y < H - 1 ? y + 1 : y) * W;
    for (let x = 0; x < W; x++) {
      const xm = x > 0 ? x - 1 : 0, xp = x < W - 1 ? x + 1 : x;
      const a = data[ym + xm], b = data[ym + x], c = data[ym + xp];
      const d = data[y0 + xm], f = data[y0 + xp];
      const g = data[yp + xm], h = data[yp + x], i = data[yp + xp];
      gx[y0 + x] = c + 2 * f + i - a - 2 * d - g;
      gy[y0 + x] = g + 2 * h + i - a - 2 * b - c;
    }
  }
  return { gx, gy };
}

// Reused between calls (every slot is overwritten): the finder runs per frame and must not churn
// the garbage collector with two map-sized arrays each time.
let gxBuf = new Float32Array(0);
let gyBuf = new Float32Array(0);
let histBuf = new Uint32Array(1024);
