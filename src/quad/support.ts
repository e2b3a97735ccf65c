import type { FloatMap } from "../types.ts";
import { clipLineToFrame, type Line } from "./line.ts";

/**
 * Edge evidence along one line, as prefix sums over unit steps of t inside the frame, so the
 * support of any segment of the line costs O(1) however many candidate quads ask for it.
 */
export interface LineSupport {
  /** t-range of the line inside the frame; t1 < t0 when the line misses the frame. */
  t0: number;
  t1: number;
  /** prefix[k] = evidence summed over the first k unit steps from t0. */
  prefix: Float32Array;
  /** gaps[k] = how many of the first k steps are gaps (next to no evidence). */
  gaps: Float32Array;
}

/** Evidence below this at a step makes the step a gap (faint but present edges are not gaps). */
export const GAP_LEVEL = 0.25;

/** Probability below `floor` counts as nothing, above `full` as a fully supported step. */
export interface EvidenceScale {
  floor: number;
  full: number;
}

const OFFSETS = [-1.5, -0.75, 0, 0.75, 1.5] as const;
/** Distance across the line at which the background level is read. */
const BACKGROUND = 5;

/**
 * The in-frame t-range of a frame border, without evidence: a border side stands in for a side
 * outside the photo and is scored by its length alone.
 */
export function borderSupport(map: FloatMap, line: Line): LineSupport {
  const range = clipLineToFrame(line, map.width, map.height);
  const empty = new Float32Array(1);
  return range ? { t0: range[0], t1: range[1], prefix: empty, gaps: empty } : { t0: 0, t1: -1, prefix: empty, gaps: empty };
}

/** Where lineSupport takes its arrays from (their contents need not be zero). */
export type FloatAlloc = (n: number) => Float32Array;

const fresh: FloatAlloc = (n) => new Float32Array(n);

export function lineSupport(map: FloatMap, line: Line, scale: EvidenceScale, alloc: FloatAlloc = fresh): LineSupport {
  const range = clipLineToFrame(line, map.width, map.height);
  if (!range) return { t0: 0, t1: -1, prefix: new Float32Array(1), gaps: new Float32Array(1) };
  const [t0, t1] = range;
  const steps = Math.max(0, Math.ceil(t1 - t0));
  const prefix = alloc(steps + 1);
  const gaps = alloc(steps + 1);
  prefix[0] = 0;
  gaps[0] = 0;
  const dx = -line.ny, dy = line.nx;
  const bx = line.c * line.nx, by = line.c * line.ny;
  const inv = 1 / Math.max(1e-6, scale.full - scale.floor);
  const { data: d, width: W, height: H } = map;
  const nx = line.nx, ny = line.ny, floor = scale.floor;
  const [o0, o1, o2, o3, o4] = OFFSETS;
  // A step's samples lie within BACKGROUND of the line: where that footprint, with each sample's
  // bilinear neighbours, is inside the map, they are read without bounds checks.
  const reachX = Math.abs(nx) * BACKGROUND + 1.5, reachY = Math.abs(ny) * BACKGROUND + 1.5;
  let acc = 0, gapAcc = 0;
  for (let k = 0; k < steps; k++) {
    const t = t0 + k + 0.5;
    const px = bx + dx * t, py = by + dy * t;
    // Evidence is a ridge, not a level: what the line holds above what lies a few pixels to
    // either side (the higher side, so it must stand above both). A washed-out, constant or
    // noisy map then supports nothing, however high its values. Across the line, a pixel or so
    // of bend (curled paper, lens distortion) is tolerated: the best of five samples counts.
    let best = 0, v = 0, left = 0, right = 0;
    if (px >= reachX && py >= reachY && px < W - reachX && py < H - reachY) {
      left = interior(d, W, px - nx * BACKGROUND, py - ny * BACKGROUND);
      right = interior(d, W, px + nx * BACKGROUND, py + ny * BACKGROUND);
      const background = left < right ? left : right;
      // best only grows with each sample, and the step's evidence with it: once that reaches 1,
      // where it is clamped, the other samples cannot change it. The centre first (a ridge peaks
      // there), then outwards.
      v = interior(d, W, px + nx * o2, py + ny * o2); if (v > best) best = v;
      if ((best - background - floor) * inv < 1) {
        v = interior(d, W, px + nx * o1, py + ny * o1); if (v > best) best = v;
        v = interior(d, W, px + nx * o3, py + ny * o3); if (v > best) best = v;
        if ((best - background - floor) * inv < 1) {
          v = interior(d, W, px + nx * o0, py + ny * o0); if (v > best) best = v;
          v = interior(d, W, px + nx * o4, py + ny * o4); if (v > best) best = v;
        }
      }
    } else {
      v = bilinear(d, W, H, px + nx * o0, py + ny * o0); if (v > best) best = v;
      v = bilinear(d, W, H, px + nx * o1, py + ny * o1); if (v > best) best = v;
      v = bilinear(d, W, H, px + nx * o2, py + ny * o2); if (v > best) best = v;
      v = bilinear(d, W, H, px + nx * o3, py + ny * o3); if (v > best) best = v;
      v = bilinear(d, W, H, px + nx * o4, py + ny * o4); if (v > best) best = v;
      left = bilinear(d, W, H, px - nx * BACKGROUND, py - ny * BACKGROUND);
      right = bilinear(d, W, H, px + nx * BACKGROUND, py + ny * BACKGROUND);
    }
    const e = (best - (left < right ? left : right) - floor) * inv;
    const ec = e <= 0 ? 0 : e >= 1 ? 1 : e;
    acc += ec;
    if (ec < GAP_LEVEL) gapAcc++;
    prefix[k + 1] = acc;
    gaps[k + 1] = gapAcc;
  }
  return { t0, t1, prefix, gaps };
}

/**
 * Bilinear sample of map data at a continuous position (pixel centres at +0.5); 0 outside. Takes
 * the map's fields, not the map: the hot loop hoists them once, and the map objects handed in (from
 * several producers) need not share one shape.
 */
function bilinear(d: Float32Array, W: number, H: number, x: number, y: number): number {
  const fx = x - 0.5, fy = y - 0.5;
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const ax = fx - x0, ay = fy - y0;
  if (x0 >= 0 && y0 >= 0 && x0 < W - 1 && y0 < H - 1) {
    // Inside: the four neighbours exist (without per-neighbour checks).
    const i = y0 * W + x0;
    return (d[i] * (1 - ax) + d[i + 1] * ax) * (1 - ay) + (d[i + W] * (1 - ax) + d[i + W + 1] * ax) * ay;
  }
  return bilinearAtBorder(d, W, H, x0, y0, ax, ay);
}

/**
 * bilinear() at a position whose four neighbours the caller knows to be inside the map (x and y
 * at least 0.5 from its edges): the floors are truncations, and the arithmetic integer from there.
 */
function interior(d: Float32Array, W: number, x: number, y: number): number {
  const fx = x - 0.5, fy = y - 0.5;
  const x0 = fx | 0, y0 = fy | 0;
  const ax = fx - x0, ay = fy - y0;
  const i = y0 * W + x0;
  return (d[i] * (1 - ax) + d[i + 1] * ax) * (1 - ay) + (d[i + W] * (1 - ax) + d[i + W + 1] * ax) * ay;
}

/** bilinear() where some of the four neighbours lie outside the map (they count as 0). */
function bilinearAtBorder(d: Float32Array, W: number, H: number, x0: number, y0: number, ax: number, ay: number): number {
  const v00 = x0 >= 0 && x0 < W && y0 >= 0 && y0 < H ? d[y0 * W + x0] : 0;
  const v10 = x0 + 1 >= 0 && x0 + 1 < W && y0 >= 0 && y0 < H ? d[y0 * W + x0 + 1] : 0;
  const v01 = x0 >= 0 && x0 < W && y0 + 1 >= 0 && y0 + 1 < H ? d[(y0 + 1) * W + x0] : 0;
  const v11 = x0 + 1 >= 0 && x0 + 1 < W && y0 + 1 >= 0 && y0 + 1 < H ? d[(y0 + 1) * W + x0 + 1] : 0;
  return (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay;
}

/** Support summed over the segment [ta, tb] of the line, and that segment's length in frame. */
export function segmentSupport(s: LineSupport, ta: number, tb: number): { support: number; inFrame: number } {
  let a = ta < tb ? ta : tb;
  let b = ta < tb ? tb : ta;
  if (a < s.t0) a = s.t0;
  if (b > s.t1) b = s.t1;
  if (!(b > a)) return { support: 0, inFrame: 0 };
  return { support: prefixAt(s.prefix, b - s.t0) - prefixAt(s.prefix, a - s.t0), inFrame: b - a };
}

/** A prefix-sum array read at a fractional step count. */
export function prefixAt(prefix: Float32Array, u: number): number {
  const n = prefix.length - 1;
  if (u <= 0 || n <= 0) return 0;
  if (u >= n) return prefix[n];
  const k = Math.floor(u);
  return prefix[k] + (u - k) * (prefix[k + 1] - prefix[k]);
}
