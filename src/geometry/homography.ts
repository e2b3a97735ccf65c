import type { Point } from "../types.ts";

/** Row-major 3x3 projective transform. */
export type Homography = Float64Array;

/**
 * The homography H with H * src[i] ~ dst[i] for the four point pairs (DLT with h33 = 1, solved by
 * Gaussian elimination with partial pivoting). Returns null when the points are degenerate
 * (three collinear), which callers turn into their own typed error.
 */
export function homographyFromQuads(src: readonly Point[], dst: readonly Point[]): Homography | null {
  if (src.length !== 4 || dst.length !== 4) return null;
  const a = new Float64Array(8 * 9);
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i];
    const [u, v] = dst[i];
    const r0 = (2 * i) * 9;
    const r1 = (2 * i + 1) * 9;
    a[r0] = x; a[r0 + 1] = y; a[r0 + 2] = 1;
    a[r0 + 6] = -u * x; a[r0 + 7] = -u * y; a[r0 + 8] = u;
    a[r1 + 3] = x; a[r1 + 4] = y; a[r1 + 5] = 1;
    a[r1 + 6] = -v * x; a[r1 + 7] = -v * y; a[r1 + 8] = v;
  }
  const h = solveAugmented(a, 8);
  if (!h) return null;
  const out = new Float64Array(9);
  out.set(h);
  out[8] = 1;
  return out;
}

/** Solve the n x (n+1) augmented system in place; null when singular. */
function solveAugmented(m: Float64Array, n: number): Float64Array | null {
  const w = n + 1;
  let scale = 0;
  for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i]));
  const eps = 1e-12 * Math.max(scale, 1);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r * w + col]) > Math.abs(m[pivot * w + col])) pivot = r;
    }
    if (Math.abs(m[pivot * w + col]) < eps) return null;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const t = m[col * w + c];
        m[col * w + c] = m[pivot * w + c];
        m[pivot * w + c] = t;
      }
    }
    const p = m[col * w + col];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * w + col] / p;
      if (f === 0) continue;
      for (let c = col; c < w; c++) m[r * w + c] -= f * m[col * w + c];
    }
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = m[i * w + n] / m[i * w + i];
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return null;
  return x;
}

/** Apply H to a point. Points mapped to infinity come back as non-finite numbers. */
export function applyHomography(h: Homography, p: Point): Point {
  const [x, y] = p;
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

export function invertHomography(h: Homography): Homography | null {
  const [a, b, c, d, e, f, g, k, l] = h;
  const A = e * l - f * k;
  const B = -(d * l - f * g);
  const C = d * k - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-18) return null;
  const inv = new Float64Array([
    A, -(b * l - c * k), b * f - c * e,
    B, a * l - c * g, -(a * f - c * d),
    C, -(a * k - b * g), a * e - b * d,
  ]);
  for (let i = 0; i < 9; i++) inv[i] /= det;
  return inv;
}
