/**
 * A straight line in map coordinates, normal form nx * x + ny * y = c with (nx, ny) a unit vector.
 * Its direction is (-ny, nx) and a point's position along it is t = -ny * x + nx * y.
 */
export interface Line {
  nx: number;
  ny: number;
  c: number;
}

export function lineFromAngle(theta: number, rho: number, ox: number, oy: number): Line {
  const nx = Math.cos(theta);
  const ny = Math.sin(theta);
  return { nx, ny, c: rho + nx * ox + ny * oy };
}

/** Intersection of two lines, or null when they are (nearly) parallel. */
export function intersect(a: Line, b: Line): [number, number] | null {
  const det = a.nx * b.ny - a.ny * b.nx;
  if (Math.abs(det) < 1e-9) return null;
  return [(a.c * b.ny - b.c * a.ny) / det, (a.nx * b.c - b.nx * a.c) / det];
}

export function along(l: Line, x: number, y: number): number {
  return -l.ny * x + l.nx * y;
}

/**
 * The part of the line inside [0, w] x [0, h] as a t-range [t0, t1] (Liang–Barsky), or null.
 */
export function clipLineToFrame(l: Line, w: number, h: number): [number, number] | null {
  const dx = -l.ny, dy = l.nx;
  const px = l.c * l.nx, py = l.c * l.ny;
  let t0 = -Infinity, t1 = Infinity;
  const clip = (p: number, d: number, lo: number, hi: number): boolean => {
    if (Math.abs(d) < 1e-12) return p >= lo && p <= hi;
    let a = (lo - p) / d, b = (hi - p) / d;
    if (a > b) { const s = a; a = b; b = s; }
    if (a > t0) t0 = a;
    if (b < t1) t1 = b;
    return t0 <= t1;
  };
  if (!clip(px, dx, 0, w) || !clip(py, dy, 0, h)) return null;
  if (!(t1 > t0)) return null;
  return [t0, t1];
}

/** Point on the line at position t. */
export function pointAt(l: Line, t: number): [number, number] {
  return [l.c * l.nx - l.ny * t, l.c * l.ny + l.nx * t];
}

/**
 * Weighted total-least-squares line through points (the principal axis of their weighted
 * covariance). Returns null when the points do not pin down a line.
 */
export function fitLine(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number>, n: number): Line | null {
  let sw = 0, sx = 0, sy = 0;
  for (let i = 0; i < n; i++) { sw += ws[i]; sx += ws[i] * xs[i]; sy += ws[i] * ys[i]; }
  return fitLineFromSums(xs, ys, ws, n, sw, sx, sy);
}

/**
 * fitLine, given the weight's sum and the weighted sums of x and y, summed in point order (a
 * caller that collects the points can sum them on the way, and save fitLine a pass over them).
 */
export function fitLineFromSums(
  xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number>, n: number, sw: number, sx: number, sy: number,
): Line | null {
  if (!(sw > 0)) return null;
  const mx = sx / sw, my = sy / sw;
  let cxx = 0, cxy = 0, cyy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my, w = ws[i];
    cxx += w * dx * dx; cxy += w * dx * dy; cyy += w * dy * dy;
  }
  // Normal = eigenvector of the smaller eigenvalue; the line's direction angle is half the
  // angle of (cxx - cyy, 2 cxy).
  const dirAngle = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  const spread = cxx + cyy;
  const aniso = Math.hypot(cxx - cyy, 2 * cxy);
  if (!(spread > 0) || aniso < 0.5 * spread) return null;
  const nx = -Math.sin(dirAngle), ny = Math.cos(dirAngle);
  return { nx, ny, c: nx * mx + ny * my };
}

/** The frame's four borders as lines: x = 0, x = w, y = 0, y = h. */
export function frameBorderLines(w: number, h: number): Line[] {
  return [
    { nx: 1, ny: 0, c: 0 },
    { nx: 1, ny: 0, c: w },
    { nx: 0, ny: 1, c: 0 },
    { nx: 0, ny: 1, c: h },
  ];
}
