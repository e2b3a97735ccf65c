import type { Candidate } from "./search.ts";

/**
 * How far down the ranking an inner page may sit, as a share of the outer quad's score: the side
 * a page is bound by (a spiral, a binder's rings, a sleeve's seam) carries little evidence, so the
 * inner page scores far below the cover's crisp outline.
 */
const INNER_MIN_SCORE = 0.2;
/** Inner area over outer area from which the band between them counts as a cover's margin. */
const INNER_MIN_AREA = 0.5;

/**
 * The nested-quad convention: a page inside a cover, a plastic sleeve, a binder or a folder is the
 * document, and the printed content on a page (a table, a box, a photo) is not. Both are a
 * complete quad inside another; what tells them apart is the band between them. A cover's margin
 * is thin (the inner quad holds at least half the outer's area) and a page's content sits well
 * inside it (a table rarely covers half the page). So when the best quad holds another candidate
 * made of four other lines (or, failing that, of three), with at least half its area and a fair score of its own, the inner one
 * is the answer (the best-scoring such one, when several are stacked).
 *
 * @param ranked candidates, best first
 * @returns the chosen candidate, or null when there is none
 */
export function preferInnerPage(ranked: readonly Candidate[]): Candidate | null {
  const outer = ranked[0];
  if (!outer) return null;
  // A page's edge and its cover's can lie closer than the line finder separates, so the inner
  // page may share one line with the outer quad; but a quad that shares one only because it
  // borrows the cover's side in place of the page's weak one is no page, so a candidate with four
  // lines of its own is preferred. Sharing two would make it a part of the outer quad.
  let shared1: Candidate | null = null;
  for (let i = 1; i < ranked.length; i++) {
    const c = ranked[i];
    if (c.score < INNER_MIN_SCORE * outer.score) break;
    if (c.borders > outer.borders) continue;
    if (c.area < INNER_MIN_AREA * outer.area || c.area > 0.95 * outer.area) continue;
    const shared = c.sides.filter((s) => outer.sides.includes(s)).length;
    if (shared > 1 || (shared === 1 && shared1)) continue;
    if (!c.corners.every(([x, y]) => insideQuad(outer.corners, x, y))) continue;
    if (shared === 0) return c;
    shared1 = c;
  }
  return shared1 ?? outer;
}

/** Point in a convex quad (either winding), or within `tol` pixels outside one of its sides. */
export function insideQuad(q: readonly (readonly [number, number])[], x: number, y: number, tol = 1.5): boolean {
  let area = 0;
  for (let k = 0; k < 4; k++) area += q[k][0] * q[(k + 1) % 4][1] - q[(k + 1) % 4][0] * q[k][1];
  const orient = area > 0 ? 1 : -1;
  for (let k = 0; k < 4; k++) {
    const [ax, ay] = q[k], [bx, by] = q[(k + 1) % 4];
    const len = Math.hypot(bx - ax, by - ay);
    // Signed distance to the side's line, positive inside.
    const d = (orient * ((bx - ax) * (y - ay) - (by - ay) * (x - ax))) / (len || 1);
    if (d < -tol) return false;
  }
  return true;
}
