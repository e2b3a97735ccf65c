import { float32Bits } from "./bits.ts";
import { ANGLE_BINS, type EdgePixels } from "./edges.ts";
import type { LineEvidence } from "./evidence.ts";
import { fitLineFromSums, lineFromAngle, type Line } from "./line.ts";

export interface HoughLine extends Line {
  /** Accumulated vote weight (edge probability mass along the line). */
  votes: number;
}

const THETA_BINS = 180;
const COS = new Float32Array(THETA_BINS);
const SIN = new Float32Array(THETA_BINS);
for (let k = 0; k < THETA_BINS; k++) {
  COS[k] = Math.cos((k * Math.PI) / THETA_BINS);
  SIN[k] = Math.sin((k * Math.PI) / THETA_BINS);
}

/**
 * Weighted Hough transform with orientation voting: each edge pixel votes only for angles within a
 * few degrees of its own structure-tensor normal, so a pixel costs a handful of votes instead of
 * 180 and the accumulator has far less clutter. Peaks are taken greedily with non-maximum
 * suppression in (theta, rho), then each is refitted by weighted least squares to the pixels
 * near it, which gives sub-degree, sub-pixel lines.
 */
export function houghLines(ev: LineEvidence, W: number, H: number, maxLines: number, minVotes: number): HoughLine[] {
  const edges = ev.edges;
  const ox = W / 2, oy = H / 2;
  const rhoMax = Math.ceil(Math.hypot(W, H) / 2) + 2;
  const R = 2 * rhoMax + 1;
  const cells = THETA_BINS * R; // a multiple of 4 (THETA_BINS is)
  if (accBuf.length < cells) {
    accBuf = new Float32Array(cells);
    accBits = new Uint32Array(accBuf.buffer);
  }
  const acc = accBuf, bits = accBits;
  acc.fill(0, 0, cells);
  const binScale = THETA_BINS / Math.PI;
  for (let i = 0; i < edges.count; i++) {
    const coh = edges.coherence[i];
    if (coh < 0.25) continue; // corners and blobs say nothing about a line's angle
    const spread = coh > 0.6 ? 3 : 6;
    const x = edges.x[i] - ox, y = edges.y[i] - oy, w = edges.w[i];
    const centre = Math.round(edges.normal[i] * binScale);
    for (let d = -spread; d <= spread; d++) {
      let k = centre + d;
      if (k < 0) k += THETA_BINS;
      else if (k >= THETA_BINS) k -= THETA_BINS;
      const vote = w * (1 - Math.abs(d) / (spread + 1));
      const r = x * COS[k] + y * SIN[k] + rhoMax;
      const r0 = Math.floor(r);
      const f = r - r0;
      const base = k * R + r0;
      acc[base] += vote * (1 - f);
      acc[base + 1] += vote * f;
    }
  }

  // Local maxima over a 3x3 neighbourhood (theta wraps around with rho mirrored), in cell order.
  // Most cells lie under the floor: four at a time are ruled out by their bits (see float32Bits).
  const floorBits = float32Bits(minVotes);
  const peaks: number[] = [];
  for (let block = 0; block < cells; block += 4) {
    if (((bits[block] | bits[block + 1] | bits[block + 2] | bits[block + 3]) >>> 0) < floorBits) continue;
    for (let cell = block; cell < block + 4; cell++) {
      const v = acc[cell];
      if (v < minVotes) continue;
      const k = (cell / R) | 0, r = cell - k * R;
      if (r < 1 || r >= R - 1) continue;
      const km = k === 0 ? THETA_BINS - 1 : k - 1;
      const kp = k === THETA_BINS - 1 ? 0 : k + 1;
      let isMax = true;
      for (let dr = -1; dr <= 1 && isMax; dr++) {
        if (dr !== 0 && acc[k * R + r + dr] > v) isMax = false;
        const rm = k === 0 ? R - 1 - (r + dr) : r + dr;
        const rp = k === THETA_BINS - 1 ? R - 1 - (r + dr) : r + dr;
        if (acc[km * R + rm] > v || acc[kp * R + rp] > v) isMax = false;
      }
      if (isMax) peaks.push(cell);
    }
  }
  peaks.sort((a, b) => acc[b] - acc[a]);

  const chosen: { k: number; rho: number; votes: number }[] = [];
  const scan = Math.min(peaks.length, 40 * maxLines);
  for (let i = 0; i < scan && chosen.length < maxLines; i++) {
    const k = Math.floor(peaks[i] / R);
    const rho = (peaks[i] % R) - rhoMax;
    let dup = false;
    for (const c of chosen) {
      let dk = Math.abs(c.k - k);
      let dr = Math.abs(c.rho - rho);
      if (dk > THETA_BINS / 2) {
        dk = THETA_BINS - dk;
        dr = Math.abs(c.rho + rho);
      }
      if (dk <= 2 && dr <= 3) { dup = true; break; }
    }
    if (!dup) chosen.push({ k, rho, votes: acc[peaks[i]] });
  }

  const lines: HoughLine[] = [];
  for (const c of chosen) {
    const l = lineFromAngle((c.k * Math.PI) / THETA_BINS, c.rho, ox, oy);
    const refined = ev.refit(l, 2.5, 2) ?? l;
    // Two peaks of one thick ridge converge when refitted: keep the first (stronger) one.
    if (lines.some((o) => sameLine(o, refined, W, H))) continue;
    lines.push({ nx: refined.nx, ny: refined.ny, c: refined.c, votes: c.votes });
  }
  return lines;
}

/**
 * Refit a line to the edge pixels within `band` of it whose local orientation agrees, optionally
 * restricted to a t-range along it. Iterated, since each fit recentres the band.
 */
export function refitToEdges(
  line: Line,
  edges: EdgePixels,
  band: number,
  iterations: number,
  tRange?: [number, number],
): Line | null {
  let cur = line;
  if (scratchX.length < edges.count) {
    scratchX = new Float32Array(edges.count);
    scratchY = new Float32Array(edges.count);
    scratchW = new Float32Array(edges.count);
  }
  const xs = scratchX, ys = scratchY, ws = scratchW;
  const { x: ex, y: ey, w: ew, normalX, normalY } = edges.byAngle;
  const binStart = edges.binStart;
  const tLo = tRange ? tRange[0] : -Infinity, tHi = tRange ? tRange[1] : Infinity;
  let ok = false;
  for (let it = 0; it < iterations; it++) {
    const { nx, ny, c } = cur;
    let n = 0;
    // The fit's first sums, taken on the way (the weight's sum is the pixels' mass).
    let mass = 0, sx = 0, sy = 0;
    // Only rows the band can reach are visited: within a bin the pixels are in scan order.
    const [yLo, yHi] = bandRows(nx, ny, c, band, tLo, tHi, edges.width);
    // Pixels whose own orientation disagrees by more than ~20 degrees belong to something else:
    // visit only the angle bins within that of the line's normal, and the incoherent pixels.
    let psi = Math.atan2(ny, nx);
    if (psi < 0) psi += Math.PI;
    if (psi >= Math.PI) psi -= Math.PI;
    const firstBin = Math.floor((psi - AGREE_ANGLE) / BIN_WIDTH);
    const lastBin = Math.floor((psi + AGREE_ANGLE) / BIN_WIDTH);
    for (let bb = firstBin; bb <= lastBin + 1; bb++) {
      // The last pass (bb = lastBin + 1) takes the incoherent pixels.
      const incoherent = bb > lastBin;
      const b = incoherent ? ANGLE_BINS : ((bb % ANGLE_BINS) + ANGLE_BINS) % ANGLE_BINS;
      const end = incoherent ? edges.count : binStart[b + 1];
      for (let j = firstAtOrAbove(ey, binStart[b], end, yLo); j < end; j++) {
        const y = ey[j];
        if (y > yHi) break;
        const x = ex[j];
        const d = nx * x + ny * y - c;
        if (d > band || d < -band) continue;
        const t = -ny * x + nx * y;
        if (t < tLo || t > tHi) continue;
        if (!incoherent) {
          const dot = nx * normalX[j] + ny * normalY[j];
          if (dot < AGREE_COS && dot > -AGREE_COS) continue;
        }
        const w = ew[j];
        xs[n] = x; ys[n] = y; ws[n] = w;
        mass += w; sx += w * x; sy += w * y;
        n++;
      }
    }
    if (n < 6 || mass < 3) break;
    const fit = fitLineFromSums(xs, ys, ws, n, mass, sx, sy);
    if (!fit) break;
    // Keep the fit's orientation consistent with the input (normal pointing the same way).
    cur = fit.nx * cur.nx + fit.ny * cur.ny < 0 ? { nx: -fit.nx, ny: -fit.ny, c: -fit.c } : fit;
    ok = true;
  }
  return ok ? cur : null;
}

/**
 * The y-range of the points within `band` of the line nx * x + ny * y = c, with t in [tLo, tHi]
 * and 0 <= x <= width, widened by a pixel so rounding never drops a row the exact test keeps.
 */
function bandRows(nx: number, ny: number, c: number, band: number, tLo: number, tHi: number, width: number): [number, number] {
  // A point is (c + d) * n + t * (-ny, nx): y = (c + d) * ny + t * nx, linear in d and t.
  let lo = -Infinity, hi = Infinity;
  if (tLo > -Infinity && tHi < Infinity) {
    const a = (c - band) * ny, b = (c + band) * ny;
    const u = tLo * nx, v = tHi * nx;
    lo = Math.min(a, b) + Math.min(u, v);
    hi = Math.max(a, b) + Math.max(u, v);
  }
  // Within the frame's columns: y = (c + d - nx * x) / ny.
  if (Math.abs(ny) > 1e-3) {
    const p = (c - band) / ny, q = (c + band) / ny, r = (nx * width) / ny;
    const ylo = Math.min(p, q) - Math.max(0, r), yhi = Math.max(p, q) - Math.min(0, r);
    if (ylo > lo) lo = ylo;
    if (yhi < hi) hi = yhi;
  }
  return [lo - 1, hi + 1];
}

/** The first index in [from, to) whose y is at least `y` (ys ascending there), or `to`. */
function firstAtOrAbove(ys: Float32Array, from: number, to: number, y: number): number {
  let lo = from, hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ys[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A coherent pixel belongs to a line when their normals are within acos(0.94), about 20 degrees. */
const AGREE_COS = 0.94;
const AGREE_ANGLE = Math.acos(AGREE_COS) + 1e-6;
const BIN_WIDTH = Math.PI / ANGLE_BINS;

let accBuf = new Float32Array(0);
/** accBuf's bits. */
let accBits = new Uint32Array(0);


// Reused between calls: refits run a few dozen times per map and must not allocate each time.
let scratchX = new Float32Array(0);
let scratchY = new Float32Array(0);
let scratchW = new Float32Array(0);

/** Within about a degree and 1.5 px of each other across the frame. */
function sameLine(a: Line, b: Line, W: number, H: number): boolean {
  const dot = a.nx * b.nx + a.ny * b.ny;
  if (Math.abs(dot) < 0.9998) return false;
  const s = dot < 0 ? -1 : 1;
  // Compare offsets at the frame's corners (the lines are nearly parallel, so this bounds the gap).
  for (const [x, y] of [[0, 0], [W, 0], [0, H], [W, H]]) {
    const da = a.nx * x + a.ny * y - a.c;
    const db = s * (b.nx * x + b.ny * y - b.c);
    if (Math.abs(da - db) > 1.5) return false;
  }
  return true;
}
