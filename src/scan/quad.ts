import { InvalidQuadError } from "../errors.ts";
import { isConvexQuad, polygonArea, signedArea } from "../geometry/polygon.ts";
import type { Point, Quad } from "../types.ts";

/** Smallest page side we will flatten, in source pixels. */
export const MIN_SIDE = 4;

/** Area of the convex polygon `poly` inside the rectangle [0,w] x [0,h] (Sutherland-Hodgman). */
export function areaInsideImage(poly: readonly Point[], w: number, h: number): number {
  let pts: Point[] = poly.map((p) => [p[0], p[1]] as Point);
  const clip = (inside: (p: Point) => boolean, cut: (a: Point, b: Point) => Point) => {
    const out: Point[] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i];
      const b = pts[(i + 1) % pts.length];
      const ia = inside(a);
      const ib = inside(b);
      if (ia) out.push(a);
      if (ia !== ib) out.push(cut(a, b));
    }
    pts = out;
  };
  const atX = (x: number) => (a: Point, b: Point): Point => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const atY = (y: number) => (a: Point, b: Point): Point => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  clip((p) => p[0] >= 0, atX(0));
  clip((p) => p[0] <= w, atX(w));
  clip((p) => p[1] >= 0, atY(0));
  clip((p) => p[1] <= h, atY(h));
  return pts.length < 3 ? 0 : polygonArea(pts);
}

/**
 * Check a quad can describe a page in an image of w x h, and return it in clockwise-on-screen
 * order. Corners given counter-clockwise (TL, BL, BR, TR) are put back in clockwise order keeping
 * the first corner; any other order is taken as meant (it rotates the output).
 * Throws InvalidQuadError for non-finite, self-intersecting, concave, degenerate or off-image quads.
 */
export function validateQuad(quad: readonly Point[], w: number, h: number): Quad {
  if (!Array.isArray(quad) || quad.length !== 4) {
    throw new InvalidQuadError("a quad must have exactly 4 corners");
  }
  for (const p of quad) {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new InvalidQuadError("quad corners must be [x, y] pairs of finite numbers");
    }
  }
  let q: Quad = [[quad[0][0], quad[0][1]], [quad[1][0], quad[1][1]], [quad[2][0], quad[2][1]], [quad[3][0], quad[3][1]]];
  if (signedArea(q) < 0) q = [q[0], q[3], q[2], q[1]];
  for (let i = 0; i < 4; i++) {
    const a = q[i];
    const b = q[(i + 1) % 4];
    if (Math.hypot(b[0] - a[0], b[1] - a[1]) < MIN_SIDE) {
      throw new InvalidQuadError(`quad is degenerate: side ${i} is shorter than ${MIN_SIDE} px`);
    }
  }
  if (!isConvexQuad(q)) {
    throw new InvalidQuadError("quad is self-intersecting or not convex: corners must go TL, TR, BR, BL around the page");
  }
  // Collinear-ish corners pass the convexity test by a hair but make a sliver: reject by the angle.
  for (let i = 0; i < 4; i++) {
    const p = q[(i + 3) % 4], c = q[i], n = q[(i + 1) % 4];
    const ux = p[0] - c[0], uy = p[1] - c[1], vx = n[0] - c[0], vy = n[1] - c[1];
    const cos = (ux * vx + uy * vy) / (Math.hypot(ux, uy) * Math.hypot(vx, vy));
    if (cos < -0.9986 || cos > 0.9986) {
      throw new InvalidQuadError(`quad is degenerate: the angle at corner ${i} is under 3 or over 177 degrees`);
    }
  }
  const area = polygonArea(q);
  const inside = areaInsideImage(q, w, h);
  if (inside < 0.01 * area || inside < MIN_SIDE * MIN_SIDE) {
    throw new InvalidQuadError("quad lies (almost) entirely outside the image");
  }
  return q;
}
