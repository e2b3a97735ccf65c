import { homographyFromQuads, type Homography } from "../geometry/homography.ts";
import { InvalidQuadError } from "../errors.ts";
import type { Quad, RgbaImage } from "../types.ts";

/**
 * Perspective warp by inverse mapping: every output pixel looks up where it lies in the source.
 *
 * Filtering: each output pixel covers a small parallelogram of the source (the homography's local
 * Jacobian). Where that footprint is wider than a source pixel (the page is being shrunk) we
 * average a grid of bilinear taps spaced at most one source pixel apart across the footprint, an
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
  const h = outputToSource(quad, width, height);
  warpRows(src, h, out, 0, height, options);
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
  const [a, b, c, d, e, f, g, k, l] = h;
  // Bilinear tap at continuous source position (x, y); pixel (i, j) has its centre at (i+.5, j+.5).
  // Inside [0, sw] x [0, sh] the edge pixels are replicated out to the image border; beyond it,
  // the fill colour.
  let r = 0, gg = 0, bb = 0;
  const tap = (x: number, y: number, weight: number): void => {
    if (!(x >= 0 && x <= sw && y >= 0 && y <= sh)) {
      const v = fill * weight;
      r += v; gg += v; bb += v;
      return;
    }
    const fx = x - 0.5;
    const fy = y - 0.5;
    let x0 = Math.floor(fx);
    let y0i = Math.floor(fy);
    const tx = fx - x0;
    const ty = fy - y0i;
    let x1 = x0 + 1;
    let y1i = y0i + 1;
    if (x0 < 0) x0 = 0;
    if (x1 > sw - 1) x1 = sw - 1;
    if (y0i < 0) y0i = 0;
    if (y1i > sh - 1) y1i = sh - 1;
    const w00 = (1 - tx) * (1 - ty) * weight;
    const w10 = tx * (1 - ty) * weight;
    const w01 = (1 - tx) * ty * weight;
    const w11 = tx * ty * weight;
    const i00 = (y0i * sw + x0) * 4;
    const i10 = (y0i * sw + x1) * 4;
    const i01 = (y1i * sw + x0) * 4;
    const i11 = (y1i * sw + x1) * 4;
    r += sd[i00] * w00 + sd[i10] * w10 + sd[i01] * w01 + sd[i11] * w11;
    gg += sd[i00 + 1] * w00 + sd[i10 + 1] * w10 + sd[i01 + 1] * w01 + sd[i11 + 1] * w11;
    bb += sd[i00 + 2] * w00 + sd[i10 + 2] * w10 + sd[i01 + 2] * w01 + sd[i11 + 2] * w11;
  };
  for (let v = y0; v < y1; v++) {
    const vc = v + 0.5;
    let o = v * ow * 4;
    for (let u = 0; u < ow; u++, o += 4) {
      const uc = u + 0.5;
      const wz = g * uc + k * vc + l;
      const x = (a * uc + b * vc + c) / wz;
      const y = (d * uc + e * vc + f) / wz;
      r = 0; gg = 0; bb = 0;
      let nu = 1, nv = 1;
      if (area) {
        // Jacobian of the homography at this pixel: source pixels per output pixel along u and v.
        const su = Math.hypot(a - x * g, d - y * g) / Math.abs(wz);
        const sv = Math.hypot(b - x * k, e - y * k) / Math.abs(wz);
        // Bilinear's own tent (2 source px wide) already band-limits shrinks up to 1.5x; beyond
        // that, taps at most one source pixel apart span the footprint.
        nu = su > 1.5 ? Math.min(maxTaps, Math.ceil(su)) : 1;
        nv = sv > 1.5 ? Math.min(maxTaps, Math.ceil(sv)) : 1;
      }
      if (nu === 1 && nv === 1) {
        tap(x, y, 1);
      } else {
        const wt = 1 / (nu * nv);
        for (let j = 0; j < nv; j++) {
          const vv = v + (j + 0.5) / nv;
          for (let i = 0; i < nu; i++) {
            const uu = u + (i + 0.5) / nu;
            const w2 = g * uu + k * vv + l;
            tap((a * uu + b * vv + c) / w2, (d * uu + e * vv + f) / w2, wt);
          }
        }
      }
      // Truncating r + 0.5 rounds the same way into Uint8Array and Uint8ClampedArray.
      od[o] = (r + 0.5) | 0;
      od[o + 1] = (gg + 0.5) | 0;
      od[o + 2] = (bb + 0.5) | 0;
      od[o + 3] = 255;
    }
  }
}
