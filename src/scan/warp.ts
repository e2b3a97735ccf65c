import { homographyFromQuads, type Homography } from "../geometry/homography.ts";
import { mapQuad } from "../geometry/quad-transform.ts";
import { InvalidQuadError } from "../errors.ts";
import type { Quad, RgbaImage } from "../types.ts";

/**
 * Perspective warp by inverse mapping: every output pixel looks up where it lies in the source.
 *
 * Filtering: each output pixel covers a small parallelogram of the source (the homography's local
 * Jacobian). Where that footprint is wider than a source pixel (the page is being shrunk) we
 * average a grid of bilinear taps spaced at most 1.25 source pixels apart across the footprint, an
 * area filter that keeps fine text from aliasing. Where the page is enlarged (or shrunk by less
 * than 1.5x, which bilinear's tent already band-limits) one bilinear tap is used. Because the Jacobian is taken per pixel, a page that is shrunk at its near edge and
 * enlarged at its far edge is filtered correctly at both.
 */
export interface WarpOptions {
  /** Grey level (0-255) for output pixels that map outside the source. Default 255 (white paper). */
  fill?: number;
  /** Average over the source footprint when shrinking. Default true; false = one bilinear tap. */
  areaFilter?: boolean;
  /** Cap on taps per axis per output pixel (bounds the cost of extreme shrinking). Default 32. */
  maxTapsPerAxis?: number;
}

/** The homography taking output pixel coordinates [0,w]x[0,h] to source coordinates. */
export function outputToSource(quad: Quad, width: number, height: number): Homography {
  const h = homographyFromQuads(
    [[0, 0], [width, 0], [width, height], [0, height]],
    quad,
  );
  if (!h) throw new InvalidQuadError("quad is degenerate: three corners are collinear");
  return h;
}

/** Allocate the output and warp it whole. */
export function warpPerspective(
  src: RgbaImage,
  quad: Quad,
  width: number,
  height: number,
  options: WarpOptions = {},
): RgbaImage {
  const out: RgbaImage = { data: new Uint8Array(width * height * 4), width, height };
  const from = options.areaFilter === false ? { src, quad } : reduceForWarp(src, quad, width, height);
  warpRows(from.src, outputToSource(from.quad, width, height), out, 0, height, options);
  return out;
}

/**
 * Warp output rows [y0, y1) into `out` (which is width x height, RGBA). Callers run this in strips
 * to yield between them; it allocates nothing.
 */
export function warpRows(
  src: RgbaImage,
  h: Homography,
  out: RgbaImage,
  y0: number,
  y1: number,
  options: WarpOptions = {},
): void {
  const fill = options.fill ?? 255;
  const area = options.areaFilter ?? true;
  const maxTaps = Math.max(1, Math.floor(options.maxTapsPerAxis ?? 32));
  const sd = src.data;
  const sw = src.width;
  const sh = src.height;
  const od = out.data;
  const ow = out.width;
  const a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7], l = h[8];
  for (let v = y0; v < y1; v++) {
    const vc = v + 0.5;
    let o = v * ow * 4;
    // Numerators and denominator at the row start, stepped by one output pixel per column.
    let xn = a * 0.5 + b * vc + c;
    let yn = d * 0.5 + e * vc + f;
    let wz = g * 0.5 + k * vc + l;
    for (let u = 0; u < ow; u++, o += 4, xn += a, yn += d, wz += g) {
      const iw = 1 / wz;
      const x = xn * iw;
      const y = yn * iw;
      let nu = 1, nv = 1;
      if (area) {
        // Jacobian of the homography here: source pixels per output pixel along u and v.
        // Bilinear's own tent (2 source px wide) already band-limits shrinks up to 1.5x; beyond
        // that, round(scale) taps per axis span the footprint, at most 1.25 source px apart, so
        // the tents of neighbouring taps overlap and every source pixel under it is weighed.
        const jux = a - x * g, juy = d - y * g, jvx = b - x * k, jvy = e - y * k;
        const iw2 = iw * iw;
        const su2 = (jux * jux + juy * juy) * iw2;
        const sv2 = (jvx * jvx + jvy * jvy) * iw2;
        if (su2 > 2.25) nu = Math.min(maxTaps, Math.round(Math.sqrt(su2)));
        if (sv2 > 2.25) nv = Math.min(maxTaps, Math.round(Math.sqrt(sv2)));
      }
      if (nu === 1 && nv === 1) {
        // One bilinear tap, inlined: the common case when the page is not shrunk much. The same
        // tap is written out again in the area loop below on purpose: a shared helper adding into
        // a Float64Array(3) gave identical bytes but ran 1.15-1.3x slower (V8 does not inline it).
        if (x >= 0 && x <= sw && y >= 0 && y <= sh) {
          const fx = x - 0.5;
          const fy = y - 0.5;
          let x0 = Math.floor(fx);
          let yy0 = Math.floor(fy);
          const tx = fx - x0;
          const ty = fy - yy0;
          let x1 = x0 + 1;
          let yy1 = yy0 + 1;
          if (x0 < 0) x0 = 0;
          if (x1 > sw - 1) x1 = sw - 1;
          if (yy0 < 0) yy0 = 0;
          if (yy1 > sh - 1) yy1 = sh - 1;
          const i00 = (yy0 * sw + x0) * 4;
          const i10 = (yy0 * sw + x1) * 4;
          const i01 = (yy1 * sw + x0) * 4;
          const i11 = (yy1 * sw + x1) * 4;
          const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
          // Truncating v + 0.5 rounds the same way into Uint8Array and Uint8ClampedArray.
          od[o] = (sd[i00] * w00 + sd[i10] * w10 + sd[i01] * w01 + sd[i11] * w11 + 0.5) | 0;
          od[o + 1] = (sd[i00 + 1] * w00 + sd[i10 + 1] * w10 + sd[i01 + 1] * w01 + sd[i11 + 1] * w11 + 0.5) | 0;
          od[o + 2] = (sd[i00 + 2] * w00 + sd[i10 + 2] * w10 + sd[i01 + 2] * w01 + sd[i11 + 2] * w11 + 0.5) | 0;
        } else {
          od[o] = fill; od[o + 1] = fill; od[o + 2] = fill;
        }
      } else {
        let r = 0, gg = 0, bb = 0;
        const wt = 1 / (nu * nv);
        for (let j = 0; j < nv; j++) {
          const vv = v + (j + 0.5) / nv;
          const bx = b * vv + c, by = e * vv + f, bz = k * vv + l;
          for (let i = 0; i < nu; i++) {
            const uu = u + (i + 0.5) / nu;
            const w2 = 1 / (g * uu + bz);
            const sx = (a * uu + bx) * w2;
            const sy = (d * uu + by) * w2;
            if (!(sx >= 0 && sx <= sw && sy >= 0 && sy <= sh)) {
              r += fill; gg += fill; bb += fill;
              continue;
            }
            const fx = sx - 0.5;
            const fy = sy - 0.5;
            let x0 = Math.floor(fx);
            let yy0 = Math.floor(fy);
            const tx = fx - x0;
            const ty = fy - yy0;
            let x1 = x0 + 1;
            let yy1 = yy0 + 1;
            if (x0 < 0) x0 = 0;
            if (x1 > sw - 1) x1 = sw - 1;
            if (yy0 < 0) yy0 = 0;
            if (yy1 > sh - 1) yy1 = sh - 1;
            const i00 = (yy0 * sw + x0) * 4;
            const i10 = (yy0 * sw + x1) * 4;
            const i01 = (yy1 * sw + x0) * 4;
            const i11 = (yy1 * sw + x1) * 4;
            const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
            r += sd[i00] * w00 + sd[i10] * w10 + sd[i01] * w01 + sd[i11] * w11;
            gg += sd[i00 + 1] * w00 + sd[i10 + 1] * w10 + sd[i01 + 1] * w01 + sd[i11 + 1] * w11;
            bb += sd[i00 + 2] * w00 + sd[i10 + 2] * w10 + sd[i01 + 2] * w01 + sd[i11 + 2] * w11;
          }
        }
        od[o] = (r * wt + 0.5) | 0;
        od[o + 1] = (gg * wt + 0.5) | 0;
        od[o + 2] = (bb * wt + 0.5) | 0;
      }
      od[o + 3] = 255;
    }
  }
}

/** Source pixels per output pixel, the smaller of the two axes, at output point (u, v). */
function minScaleAt(h: Homography, u: number, v: number): number {
  const [a, b, c, d, e, f, g, k, l] = h;
  const w = g * u + k * v + l;
  const x = (a * u + b * v + c) / w;
  const y = (d * u + e * v + f) / w;
  const su = Math.sqrt((a - x * g) ** 2 + (d - y * g) ** 2) / Math.abs(w);
  const sv = Math.sqrt((b - x * k) ** 2 + (e - y * k) ** 2) / Math.abs(w);
  return Math.min(su, sv);
}

/**
 * When the whole page is shrunk by 2x or more, average k x k blocks of the source first
 * (k = floor of the smallest shrink over the page, taken at the corners, where a homography's
 * scale is extreme): one sequential pass, after which the area-filtered warp needs ~k^2 fewer taps.
 * The result is still an area filter (box, then box-and-tent). Returns the source and quad to warp
 * from; the reduced copy is at most a quarter of the source.
 */
export function reduceForWarp(src: RgbaImage, quad: Quad, width: number, height: number): { src: RgbaImage; quad: Quad; factor: number } {
  const h = outputToSource(quad, width, height);
  let s = Infinity;
  for (const [u, v] of [[0, 0], [width, 0], [width, height], [0, height]]) s = Math.min(s, minScaleAt(h, u, v));
  const factor = Math.floor(s);
  if (!(factor >= 2)) return { src, quad, factor: 1 };
  return { src: boxReduce(src, factor), quad: mapQuad(quad, ([x, y]) => [x / factor, y / factor]), factor };
}

/** Mean of each factor x factor block (partial blocks at the right and bottom averaged as they are). */
export function boxReduce(src: RgbaImage, factor: number): RgbaImage {
  const { width, height, data } = src;
  const rw = Math.ceil(width / factor);
  const rh = Math.ceil(height / factor);
  const out = new Uint8Array(rw * rh * 4);
  const acc = new Float64Array(rw * 3);
  for (let ry = 0; ry < rh; ry++) {
    acc.fill(0);
    const y0 = ry * factor;
    const y1 = Math.min(height, y0 + factor);
    for (let y = y0; y < y1; y++) {
      let o = y * width * 4;
      for (let x = 0; x < width; x++, o += 4) {
        const j = ((x / factor) | 0) * 3;
        acc[j] += data[o];
        acc[j + 1] += data[o + 1];
        acc[j + 2] += data[o + 2];
      }
    }
    const rows = y1 - y0;
    for (let rx = 0; rx < rw; rx++) {
      const cols = Math.min(width, (rx + 1) * factor) - rx * factor;
      const n = rows * cols;
      const o = (ry * rw + rx) * 4;
      out[o] = (acc[rx * 3] / n + 0.5) | 0;
      out[o + 1] = (acc[rx * 3 + 1] / n + 0.5) | 0;
      out[o + 2] = (acc[rx * 3 + 2] / n + 0.5) | 0;
      out[o + 3] = 255;
    }
  }
  return { data: out, width: rw, height: rh };
}
