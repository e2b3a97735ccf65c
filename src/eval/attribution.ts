import type { Point, Quad } from "../types.ts";
import { along, clipLineToFrame, frameBorderLines, pointAt, type Line } from "../quad/line.ts";

/**
 * Where a photo's JI was lost, judged in the edge map's pixels:
 * - `"edge-map"`: a labelled side has no line hypothesis near it (the network's map does not carry
 *   that boundary well enough for the line finder, so no search could have chosen it);
 * - `"line-search"`: every labelled side had a line near it, but the answer's sides are elsewhere
 *   (the quad search, the nested-page rule or the second look chose other lines);
 * - `"placement"`: the answer's sides lie on the labelled ones (what is left is sub-pixel placement
 *   of the corners, and the label's own noise).
 */
export type LossCause = "edge-map" | "line-search" | "placement";

export interface LossAttribution {
  cause: LossCause;
  /** Per labelled side, map pixels to the nearest line hypothesis (0 for a side outside the frame). */
  lineGap: [number, number, number, number];
  /** Per labelled side, map pixels to the nearest side of the answer; null when nothing was found. */
  answerGap: [number, number, number, number] | null;
}

/** Map pixels within which the answer's side "lies on" a labelled side (about 1.2% of a 128 px map). */
export const ANSWER_TOLERANCE = 1.5;
/**
 * The same for a line hypothesis, which is looser: hypotheses are Hough peaks (1 px, ~1 degree
 * bins) before the winner's sides are refitted, so one degree off over a 128 px side already puts
 * an end ~1.7 px from the boundary it came from.
 */
export const LINE_TOLERANCE = 2.5;

/**
 * Attribute one photo's loss (see {@link LossCause}). All quads and lines are in map coordinates;
 * `lines` are the finder's line hypotheses (the frame's borders are added here, as the finder
 * adds them for sides wholly outside the photo). A side is compared over its part inside the
 * frame, by the farther of that part's two ends: a line at a slant to the side does not lie on it.
 *
 * @example
 * ```ts
 * import { attributeLoss } from "./attribution.ts";
 * const truth = [[10, 10], [50, 10], [50, 40], [10, 40]];
 * const lines = [{ nx: 0, ny: 1, c: 10 }, { nx: 1, ny: 0, c: 50 }, { nx: 0, ny: 1, c: 40 }]; // no line at x = 10
 * attributeLoss(truth, lines, null, 64, 64).cause; // "edge-map"
 * ```
 */
export function attributeLoss(truth: Quad, lines: readonly Line[], answer: Quad | null, width: number, height: number): LossAttribution {
  const candidates = [...lines, ...frameBorderLines(width, height)];
  const answerLines = answer ? answer.map((p, k) => lineThrough(p, answer[(k + 1) % 4])) : null;
  const lineGap = [0, 0, 0, 0] as [number, number, number, number];
  const answerGap = answerLines ? ([0, 0, 0, 0] as [number, number, number, number]) : null;
  for (let k = 0; k < 4; k++) {
    const ends = inFrameEnds(truth[k], truth[(k + 1) % 4], width, height);
    if (!ends) continue;
    lineGap[k] = nearest(candidates, ends);
    if (answerLines && answerGap) answerGap[k] = nearest(answerLines, ends);
  }
  const off = (gaps: readonly number[], tolerance: number): boolean => gaps.some((g) => g > tolerance);
  const cause: LossCause = answerGap && !off(answerGap, ANSWER_TOLERANCE) ? "placement" : off(lineGap, LINE_TOLERANCE) ? "edge-map" : "line-search";
  return { cause, lineGap, answerGap };
}

/** The farther end's distance to the closest of the lines. */
function nearest(lines: readonly Line[], ends: [Point, Point]): number {
  let best = Infinity;
  for (const l of lines) {
    const d = Math.max(Math.abs(l.nx * ends[0][0] + l.ny * ends[0][1] - l.c), Math.abs(l.nx * ends[1][0] + l.ny * ends[1][1] - l.c));
    if (d < best) best = d;
  }
  return best;
}

function lineThrough(a: Point, b: Point): Line {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const n = Math.hypot(dx, dy) || 1;
  const nx = -dy / n, ny = dx / n;
  return { nx, ny, c: nx * a[0] + ny * a[1] };
}

/** The segment a-b clipped to the frame, or null when none of it is inside. */
function inFrameEnds(a: Point, b: Point, width: number, height: number): [Point, Point] | null {
  const l = lineThrough(a, b);
  const range = clipLineToFrame(l, width, height);
  if (!range) return null;
  let ta = along(l, a[0], a[1]), tb = along(l, b[0], b[1]);
  if (ta > tb) [ta, tb] = [tb, ta];
  const lo = Math.max(ta, range[0]), hi = Math.min(tb, range[1]);
  if (!(hi > lo)) return null;
  return [pointAt(l, lo), pointAt(l, hi)];
}
