/**
 * Periodicity of one row of samples (pure 1-D math for the coil check, src/quad/coil.ts): how
 * strongly and at what lag a row repeats, and how alike two neighbouring rows are.
 */

/** The least contrast (standard deviation of luma, 0-255, after detrending) a row must have to repeat at all. */
export const MIN_CONTRAST = 5;

/**
 * The row minus its running mean over `w` samples (what is left: the rings, not the shading),
 * into `out` (a new array by default; the same length as the row).
 */
export function detrend(row: Float32Array, w: number, out: Float32Array = new Float32Array(row.length)): Float32Array {
  const n = row.length;
  const h = Math.max(1, w >> 1);
  // The window [i - h, i + h] clipped to the row, its sum kept as it slides.
  let sum = 0;
  for (let i = 0; i < Math.min(n, h); i++) sum += row[i];
  for (let i = 0; i < n; i++) {
    if (i + h < n) sum += row[i + h];
    if (i - h - 1 >= 0) sum -= row[i - h - 1];
    const lo = Math.max(0, i - h), hi = Math.min(n, i + h + 1);
    out[i] = row[i] - sum / (hi - lo);
  }
  return out;
}

/** Normalised autocorrelation of x[from..to) at a lag (pairs inside the stretch). */
export function autocorrelation(x: Float32Array, lag: number, from = 0, to = x.length): number {
  let sxy = 0, sxx = 0, syy = 0;
  const end = Math.min(to, x.length);
  for (let i = from; i + lag < end; i++) {
    const a = x[i], b = x[i + lag];
    sxy += a * b; sxx += a * a; syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** A row's periodicity: its best lag in [minLag, maxLag] and how periodic it is there. */
export interface Periodicity {
  lag: number;
  /** The autocorrelation at that lag in the weakest of the row's three thirds (each third must repeat). */
  score: number;
  /** The detrended row's standard deviation (luma levels). */
  contrast: number;
}

/**
 * How periodic a detrended row is. The lag is the autocorrelation's first local maximum in range
 * that stands above the trough before it (a repeating pattern falls to anticorrelation at half its
 * pitch; a smooth ramp or a single edge never does) and nearly as high as the highest; its score
 * is the weakest third's autocorrelation there, so that a pattern must repeat along the whole
 * row, not in one stretch of it.
 *
 * @example
 * ```ts
 * const p = periodicity(detrend(row, 40), 4, 20); // p.lag: the pitch in samples; p.score in [-1, 1]
 * ```
 */
export function periodicity(x: Float32Array, minLag: number, maxLag: number, minContrast = MIN_CONTRAST): Periodicity {
  const n = x.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i] * x[i];
  const contrast = Math.sqrt(ss / n);
  const none = { lag: 0, score: 0, contrast };
  if (contrast < minContrast) return none;
  // Energy prefix sums: each lag's normalisation in O(1), its products in one pass.
  const e = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) e[i + 1] = e[i] + x[i] * x[i];
  // A pitch of at least minLag has its trough at minLag / 2 or later; lags before it are not needed.
  const lo = Math.max(1, minLag >> 1);
  const r = new Float32Array(maxLag + 2);
  for (let k = lo; k <= maxLag + 1; k++) {
    let sxy = 0;
    for (let i = 0; i + k < n; i++) sxy += x[i] * x[i + k];
    const norm = Math.sqrt(e[n - k] * (e[n] - e[k]));
    r[k] = norm > 0 ? sxy / norm : 0;
  }
  // Peaks: local maxima in range that rise at least 0.5 above the trough before them.
  const peaks: number[] = [];
  let bestR = -Infinity;
  let trough = Infinity;
  for (let k = lo; k <= maxLag; k++) {
    trough = Math.min(trough, r[k]);
    if (k < minLag || !(r[k] >= r[k - 1] && r[k] >= r[k + 1]) || r[k] - trough < 0.5) continue;
    peaks.push(k);
    bestR = Math.max(bestR, r[k]);
  }
  // The pitch is the shortest lag that repeats about as well as the best one: a pattern repeats at
  // twice its pitch too, sometimes a little better (loops that alternate in shading).
  const best = peaks.find((k) => r[k] >= 0.8 * bestR) ?? 0;
  if (best === 0) return none;
  const third = Math.floor(n / 3);
  let score = Infinity;
  for (let j = 0; j < 3; j++) {
    // Each third's pairs, the best of the lag and its neighbours (the pitch drifts with perspective).
    let s = -Infinity;
    for (let k = Math.max(1, best - 1); k <= best + 1; k++) s = Math.max(s, autocorrelation(x, k, j * third, (j + 1) * third + k));
    score = Math.min(score, s);
  }
  return { lag: best, score, contrast };
}

/** One row of a side's profile: its periodicity, and its correlation with the row before it (0 for the first). */
export interface Row extends Periodicity {
  coherence: number;
}

/**
 * Correlation at zero lag of two detrended rows over the samples both hold (a starts at sample
 * aFrom, b at bFrom). A coil's rings cross the side, so neighbouring rows rise and fall together;
 * the moire of thin lines along the side, or a texture running across it at a slant, shifts from
 * row to row.
 */
export function rowCorrelation(a: Float32Array, aFrom: number, b: Float32Array, bFrom: number): number {
  const from = Math.max(aFrom, bFrom), to = Math.min(aFrom + a.length, bFrom + b.length);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = from; i < to; i++) {
    const x = a[i - aFrom], y = b[i - bFrom];
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
