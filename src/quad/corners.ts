import type { Point, Quad } from "../types.ts";
import { isConvexQuad } from "../geometry/polygon.ts";
import type { LineEvidence } from "./evidence.ts";
import { along, intersect, type Line } from "./line.ts";

/**
 * Place each corner from the evidence near it: each side is refitted twice, once to its edge
 * pixels within a window at either end, and each corner is the crossing of the two local fits that
 * meet there. One line per side fitted to the whole side takes the chord of a curled, folded or
 * lens-bent side and misses the corners by the bend; the local fits follow the side's tangent where
 * it ends. A corner whose local fit fails, or that would move implausibly far, keeps its place.
 *
 * @param lines the four sides, side k from corner k to corner k + 1
 * @param isBorder per side: a frame border (no evidence to fit; kept as is)
 * @param corners the current corners, corner k joins side k - 1 and side k
 */
export function refineCornersLocally(lines: readonly Line[], isBorder: readonly boolean[], corners: readonly Point[], ev: LineEvidence): Point[] {
  const out: Point[] = corners.map(([x, y]) => [x, y] as Point);
  for (let k = 0; k < 4; k++) {
    const prev = (k + 3) % 4;
    const before = localFit(lines[prev], isBorder[prev], corners[k], corners[prev], ev);
    const after = localFit(lines[k], isBorder[k], corners[k], corners[(k + 1) % 4], ev);
    if (!before && !after) continue;
    const p = intersect(before ?? lines[prev], after ?? lines[k]);
    if (!p) continue;
    const [ox, oy] = corners[k];
    const side = Math.min(dist(corners[k], corners[prev]), dist(corners[k], corners[(k + 1) % 4]));
    // A bent side moves its corners by about the bend (a few percent of the side); more than that
    // is a local fit that caught something else.
    if (Math.hypot(p[0] - ox, p[1] - oy) > Math.max(1.5, 0.05 * side)) continue;
    out[k] = p;
  }
  return isConvexQuad(out as Quad) ? out : corners.map(([x, y]) => [x, y] as Point);
}

/** The side's line refitted to its pixels within a window that starts at `corner` and runs toward `other`. */
function localFit(line: Line, border: boolean, corner: Point, other: Point, ev: LineEvidence): Line | null {
  if (border) return null;
  const tc = along(line, corner[0], corner[1]);
  const to = along(line, other[0], other[1]);
  const len = Math.abs(to - tc);
  // Long enough to average over the ridge's pixel noise, short enough to see the bend's tangent.
  const win = Math.max(10, Math.min(0.5 * len, 40));
  const dir = to > tc ? 1 : -1;
  const a = tc + dir * 3, b = tc + dir * win;
  const fit = ev.refit(line, 2, 3, a < b ? [a, b] : [b, a]);
  if (!fit) return null;
  // The fit must stay close to the side in direction (about 8 degrees): a bend, not another line.
  if (Math.abs(fit.nx * line.nx + fit.ny * line.ny) < 0.99) return null;
  return fit;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

