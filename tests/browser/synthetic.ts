/**
 * Synthetic page motion for tracker tests: a known true quad per frame, plus what a noisy
 * detector would report (Gaussian corner noise, occasional misses). Seeded, so runs repeat.
 */
import type { Point, Quad } from "../../src/types.ts";
import { mulberry32 } from "../support/prng.ts";

export { mulberry32 };

export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A page of w x h centred at (cx, cy), rotated by `angle` radians, as TL, TR, BR, BL. */
export function pageQuad(cx: number, cy: number, w: number, h: number, angle: number): Quad {
  const c = Math.cos(angle), s = Math.sin(angle);
  const pts: Point[] = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ];
  return pts.map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c] as Point) as Quad;
}

export interface MotionFrame {
  timeMs: number;
  truth: Quad;
}

/**
 * `rest` frames still, `move` frames sliding (and turning a little) at constant speed, `rest`
 * frames still again. Speeds are in pixels per second at `fps`.
 */
export function restMoveRest(opts: {
  width: number;
  height: number;
  fps: number;
  rest: number;
  move: number;
  speedPxPerS: number;
}): MotionFrame[] {
  const { width, height, fps, rest, move, speedPxPerS } = opts;
  const pw = width * 0.42, ph = height * 0.6;
  const x0 = width * 0.32, y0 = height * 0.5;
  const frames: MotionFrame[] = [];
  const total = rest + move + rest;
  for (let i = 0; i < total; i++) {
    const tMove = Math.min(Math.max(i - rest, 0), move) / fps;
    const cx = x0 + speedPxPerS * tMove;
    const cy = y0 + 0.15 * speedPxPerS * tMove;
    const angle = 0.05 + 0.1 * tMove;
    frames.push({ timeMs: (i * 1000) / fps, truth: pageQuad(cx, cy, pw, ph, angle) });
  }
  return frames;
}

export function addNoise(q: Quad, sigma: number, rand: () => number): Quad {
  return q.map(([x, y]) => [x + sigma * gaussian(rand), y + sigma * gaussian(rand)] as Point) as Quad;
}

/**
 * Frame-to-frame jitter: RMS over frames and corners of how much each corner's step differs from
 * the true step. A perfect tracker scores 0 even while the page moves; raw detections with
 * per-coordinate noise sigma score about 2 * sigma.
 */
export function jitter(out: readonly Quad[], truth: readonly Quad[]): number {
  let s = 0, n = 0;
  for (let t = 1; t < out.length; t++) {
    for (let k = 0; k < 4; k++) {
      const dx = out[t][k][0] - out[t - 1][k][0] - (truth[t][k][0] - truth[t - 1][k][0]);
      const dy = out[t][k][1] - out[t - 1][k][1] - (truth[t][k][1] - truth[t - 1][k][1]);
      s += dx * dx + dy * dy;
      n++;
    }
  }
  return Math.sqrt(s / Math.max(n, 1));
}

/** RMS corner distance from the truth. */
export function rmsError(out: readonly Quad[], truth: readonly Quad[]): number {
  let s = 0, n = 0;
  for (let t = 0; t < out.length; t++) {
    for (let k = 0; k < 4; k++) {
      s += (out[t][k][0] - truth[t][k][0]) ** 2 + (out[t][k][1] - truth[t][k][1]) ** 2;
      n++;
    }
  }
  return Math.sqrt(s / Math.max(n, 1));
}

export function maxCornerError(a: Quad, b: Quad): number {
  let m = 0;
  for (let k = 0; k < 4; k++) m = Math.max(m, Math.hypot(a[k][0] - b[k][0], a[k][1] - b[k][1]));
  return m;
}
