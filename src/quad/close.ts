import type { Point } from "../types.ts";
import type { LineEvidence } from "./evidence.ts";
import { along, intersect, pointAt, type Line } from "./line.ts";
import { prefixAt, type LineSupport } from "./support.ts";

/** A step of a line with at least this evidence is supported; below GAP it is a gap. */
const SUPPORTED = 0.5;
const GAP = 0.25;
/** Consecutive gap steps that end a side's run of evidence. */
const RUN_BREAK = 5;
/** A side's evidence must stop at least this far (map px) short of the frame to close the quad there. */
const SHORT_OF_FRAME = 4;
/** Share of the new side's length that needs evidence. */
const MIN_COVERAGE = 0.4;

/**
 * Replace each frame-border side of a quad whose two neighbouring sides' evidence stops short of
 * the frame by a side across the two ends of that evidence, refitted to the edge pixels there.
 * A page that runs off the photo has sides that reach the frame; one that ends inside it (an ID
 * card in a hand, a page whose last side is faint or short) has an edge where they stop, whether
 * or not the line search found it. Returns null when no border side can be closed this way, or
 * when the closing side has too little evidence of its own.
 *
 * @param lines the four sides (side k from corner k to corner k + 1)
 * @param supports each side's evidence along its whole line
 * @param corners corner k joins side k - 1 and side k
 */
export function closeBorderSides(
  lines: readonly Line[],
  isBorder: readonly boolean[],
  corners: readonly (readonly [number, number])[],
  supports: readonly LineSupport[],
  ev: LineEvidence,
): { lines: Line[]; isBorder: boolean[]; corners: Point[] } | null {
  const outLines = lines.slice();
  const outBorder = isBorder.slice();
  const pts: Point[] = corners.map(([x, y]) => [x, y] as Point);
  let closed = false;
  for (let k = 0; k < 4; k++) {
    const prev = (k + 3) % 4, next = (k + 1) % 4;
    if (!isBorder[k] || isBorder[prev] || isBorder[next]) continue;
    // Side prev runs from corner prev to corner k (on the border); side next from corner k + 2 to
    // corner k + 1 (on the border).
    const endA = evidenceEnd(lines[prev], supports[prev], corners[prev], corners[k]);
    const endB = evidenceEnd(lines[next], supports[next], corners[(k + 2) % 4], corners[next]);
    if (!endA || !endB || Math.max(endA.short, endB.short) < SHORT_OF_FRAME) continue;
    // The closing side runs through one end or both: through both, or through either end
    // parallel to the opposite side (a run of evidence often fades before its corner, and a
    // page's opposite sides are near parallel even in perspective). The best supported wins.
    const opp = lines[(k + 2) % 4];
    const guesses: Line[] = [];
    const through2 = lineThrough(endA.point, endB.point);
    if (through2) guesses.push(through2);
    for (const p of [endA.point, endB.point]) guesses.push({ nx: opp.nx, ny: opp.ny, c: opp.nx * p[0] + opp.ny * p[1] });
    let best: { side: Line; a: Point; b: Point; cov: number } | null = null;
    for (const guess of guesses) {
      const c = closing(guess, lines[prev], lines[next], ev);
      if (c && (!best || c.cov > best.cov)) best = c;
    }
    if (!best || best.cov < MIN_COVERAGE) continue;
    const { side, a, b } = best;
    outLines[k] = side;
    outBorder[k] = false;
    pts[k] = a;
    pts[next] = b;
    closed = true;
  }
  return closed ? { lines: outLines, isBorder: outBorder, corners: pts } : null;
}

/** A guessed closing side refitted to its edge pixels, its corners with the two sides, and its evidence. */
function closing(
  guess: Line,
  before: Line,
  after: Line,
  ev: LineEvidence,
): { side: Line; a: Point; b: Point; cov: number } | null {
  const a0 = intersect(before, guess), b0 = intersect(after, guess);
  if (!a0 || !b0) return null;
  const ta = along(guess, a0[0], a0[1]), tb = along(guess, b0[0], b0[1]);
  if (Math.abs(tb - ta) < 6) return null;
  const fit = ev.refit(guess, 2.5, 3, [Math.min(ta, tb) + 1, Math.max(ta, tb) - 1]);
  // A refit that turns the side by more than about 14 degrees found another line.
  const side = fit && Math.abs(fit.nx * guess.nx + fit.ny * guess.ny) > 0.97 ? fit : guess;
  const a = intersect(before, side), b = intersect(after, side);
  if (!a || !b) return null;
  const s = ev.support(side);
  let u0 = along(side, a[0], a[1]) - s.t0, u1 = along(side, b[0], b[1]) - s.t0;
  if (u0 > u1) { const t = u0; u0 = u1; u1 = t; }
  const length = u1 - u0;
  if (!(length > 0)) return null;
  return { side, a, b, cov: (prefixAt(s.prefix, u1) - prefixAt(s.prefix, u0)) / length };
}

function lineThrough(p: Point, q: Point): Line | null {
  const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
  if (len < 6) return null;
  const nx = -(q[1] - p[1]) / len, ny = (q[0] - p[0]) / len;
  return { nx, ny, c: nx * p[0] + ny * p[1] };
}

/**
 * Where a side's run of evidence ends, walking from its far corner toward its corner on the frame
 * border, and how far short of that corner (in px) it stops. Null when the side has no run.
 */
function evidenceEnd(line: Line, sup: LineSupport, from: readonly [number, number], to: readonly [number, number]): { point: Point; short: number } | null {
  const n = sup.prefix.length - 1;
  if (n <= 0) return null;
  const u0 = along(line, from[0], from[1]) - sup.t0;
  const u1 = along(line, to[0], to[1]) - sup.t0;
  const dir = u1 > u0 ? 1 : -1;
  const start = Math.max(0, Math.min(n - 1, Math.round(u0)));
  const stop = Math.max(0, Math.min(n - 1, Math.round(u1)));
  let last = -1, gap = 0;
  for (let u = start; dir > 0 ? u <= stop : u >= stop; u += dir) {
    const e = sup.prefix[u + 1] - sup.prefix[u];
    if (e >= SUPPORTED) { last = u; gap = 0; }
    else if (e < GAP && last >= 0 && ++gap >= RUN_BREAK) break;
  }
  if (last < 0) return null;
  // The end of the supported step, in the walking direction.
  const uEnd = dir > 0 ? last + 1 : last;
  const point = pointAt(line, sup.t0 + uEnd);
  return { point, short: Math.abs(u1 - uEnd) };
}
