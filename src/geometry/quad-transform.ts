import type { Point, Quad } from "../types.ts";

/** Each corner through `f`, in order; the result is still a `Quad` (Array.map would lose that). */
export function mapQuad(quad: Quad, f: (p: Point, i: number) => Point): Quad {
  return [f(quad[0], 0), f(quad[1], 1), f(quad[2], 2), f(quad[3], 3)];
}

/**
 * The quad scaled by (sx, sy), then moved by (ox, oy): corners found in a scaled copy (a model
 * input, a reduced decode, a crop) back in the pixels of the picture it came from.
 */
export function scaleQuad(quad: Quad, sx: number, sy: number, ox = 0, oy = 0): Quad {
  return mapQuad(quad, ([x, y]) => [ox + x * sx, oy + y * sy]);
}

/** Copies of the four points from index `start` on, cyclically (a relabelling that keeps the winding). */
export function rotateCorners(points: readonly Point[], start: number): Quad {
  const at = (k: number): Point => {
    const p = points[(start + k) % 4];
    return [p[0], p[1]];
  };
  return [at(0), at(1), at(2), at(3)];
}
