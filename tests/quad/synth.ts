import type { FloatMap, Point } from "../../src/types.ts";
import { mulberry32 } from "../support/prng.ts";

export const rng = mulberry32;

export function blankMap(width = 256, height = 256): FloatMap {
  return { data: new Float32Array(width * height), width, height };
}

export interface StrokeOptions {
  /** Peak probability on the line (default 0.95). */
  strength?: number;
  /** Parameter ranges along the segment, in [0, 1], left undrawn. */
  gaps?: [number, number][];
}

/**
 * Draw a segment the way the network marks a boundary: a ~2 px wide ridge, full strength within
 * 0.5 px of the true line and fading to 0 at 1.5 px, anti-aliased; parts outside the map are
 * simply not drawn (as when a document runs off the photo).
 */
export function drawSegment(map: FloatMap, a: Point, b: Point, opts: StrokeOptions = {}): void {
  const strength = opts.strength ?? 0.95;
  const { width: W, height: H, data } = map;
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - 2)), x1 = Math.min(W - 1, Math.ceil(Math.max(a[0], b[0]) + 2));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - 2)), y1 = Math.min(H - 1, Math.ceil(Math.max(a[1], b[1]) + 2));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5, py = y + 0.5;
      let t = ((px - a[0]) * dx + (py - a[1]) * dy) / len2;
      if (opts.gaps?.some(([g0, g1]) => t >= g0 && t <= g1)) continue;
      t = Math.max(0, Math.min(1, t));
      const d = Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
      const v = strength * Math.max(0, Math.min(1, 1.5 - d));
      if (v > data[y * W + x]) data[y * W + x] = v;
    }
  }
}

export function drawQuad(map: FloatMap, q: readonly Point[], opts: StrokeOptions & { sideGaps?: ([number, number][] | undefined)[] } = {}): void {
  for (let k = 0; k < 4; k++) {
    drawSegment(map, q[k], q[(k + 1) % 4], { strength: opts.strength, gaps: opts.sideGaps?.[k] ?? opts.gaps });
  }
}

/** Speckle: `density` of pixels get a random value up to `amplitude`; plus a faint floor. */
export function addNoise(map: FloatMap, seed: number, density: number, amplitude: number, floor = 0): void {
  const r = rng(seed);
  const d = map.data;
  for (let i = 0; i < d.length; i++) {
    let v = d[i] + floor * r();
    if (r() < density) v = Math.max(v, amplitude * r());
    d[i] = Math.min(1, v);
  }
}

export function cornerError(a: readonly Point[], b: readonly Point[]): number {
  let worst = 0;
  for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.hypot(a[k][0] - b[k][0], a[k][1] - b[k][1]));
  return worst;
}
