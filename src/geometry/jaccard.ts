import type { Point, Quad } from "../types.ts";
import { homographyFromQuads, type Homography } from "./homography.ts";
import { orderQuad, signedArea } from "./polygon.ts";

/**
 * SmartDoc 2015 Challenge 1 Jaccard index of a predicted quad against the true one.
 *
 * Both are mapped by the homography that takes the true quad to an upright rectangle whose sides
 * are the true quad's mean opposite side lengths, so the score does not depend on how the page was
 * photographed. The score is area(P' ∩ R) / area(P' ∪ R) with R that rectangle and P' the mapped
 * prediction. A missing prediction (null) scores 0.
 *
 * The prediction may cross the true quad's horizon line (points that the rectifying homography
 * sends through infinity); its part behind the horizon is cut away in homogeneous coordinates
 * before dividing, so such a guess gets a huge mapped area and a score near 0 rather than a
 * wrapped-around polygon with a misleading area.
 *
 * @example
 * ```ts
 * import { jaccardIndex, type Quad } from "docedge";
 * const truth: Quad = [[0, 0], [100, 0], [100, 140], [0, 140]];
 * jaccardIndex(truth, [[0, 0], [100, 0], [100, 140], [0, 140]]); // 1
 * jaccardIndex(truth, [[0, 0], [100, 0], [100, 70], [0, 70]]); // 0.5
 * jaccardIndex(truth, null); // 0
 * ```
 */
export function jaccardIndex(truth: Quad, predicted: Quad | null): number {
  if (!predicted) return 0;
  if (!allFinite(truth) || !allFinite(predicted)) return 0;
  const w = (dist(truth[0], truth[1]) + dist(truth[3], truth[2])) / 2;
  const h = (dist(truth[1], truth[2]) + dist(truth[0], truth[3])) / 2;
  if (!(w > 0 && h > 0)) return 0;
  const rect: Quad = [[0, 0], [w, 0], [w, h], [0, h]];
  const H = homographyFromQuads(truth, rect);
  if (!H) return 0;
  const pred = simpleOrder(predicted);
  const mapped = projectPolygon(H, pred, truth);
  if (mapped.length < 3) return 0;
  const predArea = Math.abs(signedArea(mapped));
  const inter = Math.abs(signedArea(clipToRect(mapped, w, h)));
  const union = w * h + predArea - inter;
  if (!(union > 0) || !Number.isFinite(union)) return 0;
  return Math.min(1, Math.max(0, inter / union));
}

function allFinite(q: readonly Point[]): boolean {
  return q.every((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Shoelace areas are only meaningful for simple polygons; a self-intersecting (bow-tie) guess is
 * read as the quadrilateral through the same four points in angular order.
 */
function simpleOrder(q: Quad): Quad {
  return segmentsCross(q[0], q[1], q[2], q[3]) || segmentsCross(q[1], q[2], q[3], q[0]) ? orderQuad(q) : q;
}

function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function orient(a: Point, b: Point, c: Point): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

/** Map a polygon by H, keeping only the part on the same side of the horizon as the true quad. */
function projectPolygon(H: Homography, poly: readonly Point[], truth: Quad): Point[] {
  const cx = (truth[0][0] + truth[1][0] + truth[2][0] + truth[3][0]) / 4;
  const cy = (truth[0][1] + truth[1][1] + truth[2][1] + truth[3][1]) / 4;
  const sign = Math.sign(H[6] * cx + H[7] * cy + H[8]) || 1;
  const hom: [number, number, number][] = poly.map(([x, y]) => [
    sign * (H[0] * x + H[1] * y + H[2]),
    sign * (H[3] * x + H[4] * y + H[5]),
    sign * (H[6] * x + H[7] * y + H[8]),
  ]);
  // A tiny positive floor on w: far enough from 0 to divide, near enough that the cut-off part's
  // mapped area is astronomically large (so the score goes to 0, as it should).
  let scale = 0;
  for (const p of hom) scale = Math.max(scale, Math.abs(p[2]));
  const eps = 1e-9 * Math.max(scale, 1e-300);
  const kept: [number, number, number][] = [];
  for (let i = 0; i < hom.length; i++) {
    const a = hom[i];
    const b = hom[(i + 1) % hom.length];
    const ina = a[2] > eps;
    const inb = b[2] > eps;
    if (ina) kept.push(a);
    if (ina !== inb) {
      const t = (eps - a[2]) / (b[2] - a[2]);
      kept.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), eps]);
    }
  }
  return kept.map(([x, y, wv]) => [x / wv, y / wv] as Point);
}

/** Sutherland–Hodgman against the convex rectangle [0, w] x [0, h]; any simple subject works. */
export function clipToRect(poly: readonly Point[], w: number, h: number): Point[] {
  let out: Point[] = poly.slice();
  // Each edge as (nx, ny, c): inside when nx * x + ny * y + c >= 0.
  const edges: [number, number, number][] = [[1, 0, 0], [-1, 0, w], [0, 1, 0], [0, -1, h]];
  for (const [nx, ny, c] of edges) {
    if (out.length === 0) break;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const a = input[i];
      const b = input[(i + 1) % input.length];
      const da = nx * a[0] + ny * a[1] + c;
      const db = nx * b[0] + ny * b[1] + c;
      if (da >= 0) out.push(a);
      if ((da >= 0) !== (db >= 0)) {
        const t = da / (da - db);
        out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
  }
  return out;
}
