import { InvalidInputError } from "../errors.ts";
import type { FloatMap, Point, Quad } from "../types.ts";
import { isConvexQuad } from "../geometry/polygon.ts";
import { rotateCorners } from "../geometry/quad-transform.ts";
import { refineCornersLocally } from "./corners.ts";
import { extractEdges } from "./edges.ts";
import { lineEvidence, type LineEvidence } from "./evidence.ts";
import { houghLines } from "./hough.ts";
import { along, frameBorderLines, intersect, type Line } from "./line.ts";
import { closeBorderSides } from "./close.ts";
import { insideQuad, preferInnerPage } from "./nested.ts";
import { sideEndEvidence, searchQuads, type Candidate, type SearchLine, type SearchParams } from "./search.ts";
import { borderSupport, prefixAt, segmentSupport, type EvidenceScale, type LineSupport } from "./support.ts";

export interface FindQuadOptions {
  /** Minimum confidence for `found: true` (default 0.5). */
  threshold?: number;
  /**
   * Width / height of the photo the map was made from. The map is the photo stretched to a
   * square, so angles and right-angle priors are judged after undoing that stretch. Default: the
   * map's own aspect (no stretch).
   */
  aspect?: number;
  /** Edge probability from which a pixel votes for lines (default 0.2). */
  edgeThreshold?: number;
  /** Most line hypotheses kept for the quad search, 4..28 (default 16). Bounds the search. */
  maxLines?: number;
  /**
   * Allow quads that run off the frame: corners outside the map, and frame borders standing in
   * for a side that is wholly outside the photo (default true).
   */
  allowOffFrame?: boolean;
}

/** findQuad's answer; `found` narrows it, so inside `if (f.found)` `f.quad` is a `Quad`. */
export type QuadFinding =
  | {
      found: true;
      /** In map coordinates ([0, W] x [0, H], pixel centres at +0.5); may extend beyond the map. */
      quad: Quad;
      /** In [0, 1]: how well the map's edges support the quad. */
      confidence: number;
    }
  | { found: false; quad: null; confidence: number };

/** findQuad's answer plus what it saw, for overlays and debugging. */
export type QuadFindingDetail = QuadFinding & QuadFindingTrace;

/** What findQuadDetailed saw on the way to its answer. */
export interface QuadFindingTrace {
  /** Line hypotheses that entered the search. */
  lines: Line[];
  /** Best quad before the threshold was applied (null when no candidate passed the checks). */
  candidate: Quad | null;
  /** Per side of `candidate`: share of its in-frame length with edge evidence; -1 for a frame border. */
  sideCoverage: number[];
}

/** The default minimum confidence for `found: true`. */
export const DEFAULT_THRESHOLD = 0.5;

const DEFAULTS = {
  threshold: DEFAULT_THRESHOLD,
  edgeThreshold: 0.2,
  maxLines: 16,
};

/** Evidence scale: a probability of 0.1 is noise, 0.5 or more is a confident boundary. */
const EVIDENCE: EvidenceScale = { floor: 0.1, full: 0.5 };

/**
 * The document quadrilateral in an edge probability map.
 *
 * Edge pixels vote, by their local orientation, in a Hough accumulator; the strongest distinct
 * lines (plus the four frame borders, for sides wholly out of view) are combined four at a time
 * into convex quads scored by the edge support along their sides; the winner's sides are refitted
 * to their own edge pixels for sub-pixel corners. Work is bounded: at most a fixed number of
 * voting pixels and of lines, whatever the map holds.
 *
 * @example
 * ```ts
 * import { findQuad } from "docedge";
 * // A synthetic edge map: a bright rectangle outline on 64 x 64.
 * const map = { data: new Float32Array(64 * 64), width: 64, height: 64 };
 * for (let i = 10; i <= 50; i++) for (const [x, y] of [[i, 12], [i, 52], [10, i + 2], [50, i + 2]]) map.data[y * 64 + x] = 1;
 * const q = findQuad(map);
 * if (q.found) console.log(q.quad); // [[10.5,12.5],[50.5,12.5],[50.5,52.5],[10.5,52.5]]: pixel centres
 * ```
 */
export function findQuad(map: FloatMap, options: FindQuadOptions = {}): QuadFinding {
  const d = findQuadDetailed(map, options);
  return d.found ? { found: true, quad: d.quad, confidence: d.confidence } : { found: false, quad: null, confidence: d.confidence };
}

/**
 * `findQuad`, with what the finder saw along the way (for debugging and the second look).
 *
 * @example
 * ```ts
 * import { findQuadDetailed } from "docedge";
 * const map = { data: new Float32Array(64 * 64), width: 64, height: 64 }; // an edge map, as findQuad takes
 * const detail = findQuadDetailed(map);
 * console.log(detail.found, detail.confidence);
 * ```
 */
export function findQuadDetailed(map: FloatMap, options: FindQuadOptions = {}): QuadFindingDetail {
  const { width: W, height: H } = map;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 8 || H < 8 || map.data.length !== W * H) {
    throw new InvalidInputError(`findQuad: map must be at least 8x8 with width*height values (got ${W}x${H}, ${map.data.length} values)`);
  }
  const threshold = options.threshold ?? DEFAULTS.threshold;
  const aspect = options.aspect ?? W / H;
  if (!(aspect > 0) || !Number.isFinite(aspect)) throw new InvalidInputError("findQuad: aspect must be a positive number");
  const maxLines = Math.max(4, Math.min(28, Math.round(options.maxLines ?? DEFAULTS.maxLines)));
  const offFrame = options.allowOffFrame ?? true;
  const sx = (aspect * H) / W;

  const empty: QuadFindingDetail = { found: false, quad: null, confidence: 0, lines: [], candidate: null, sideCoverage: [] };
  const edgeThreshold = options.edgeThreshold ?? DEFAULTS.edgeThreshold;
  const edges = extractEdges(map, edgeThreshold, Math.max(4000, Math.round(W * H * 0.06)));
  if (edges.count < 12) return empty;
  // A dense map (the edge cut had to rise to bound the work: noise, texture, an untrained
  // network) raises the bar for evidence by half as much: a ridge must stand out from the map's
  // own typical level, not just from zero.
  const raised = (edges.threshold - edgeThreshold) / 2;
  const ev = lineEvidence(map, edges, raised > 0 ? { floor: EVIDENCE.floor + raised, full: EVIDENCE.full + raised } : EVIDENCE);

  const scale = Math.sqrt(W * H);
  const minVotes = Math.max(3, 0.015 * scale);
  const first = searchMap({ ev, W, H, maxLines, minVotes, offFrame, sx, threshold });
  // Judged against the default threshold, not the caller's: the confidence must not depend on it.
  if (first.confidence >= DEFAULT_THRESHOLD || first.houghLines >= maxLines) return first.detail;
  // Nothing stood: a short side of a small or partly hidden page (a card in a hand, the short
  // sides of a page in a tall photo's squeezed map) may have fallen under the vote floor. Look
  // once more with a lower floor; its answer must still pass the same threshold on its own.
  const second = searchMap({ ev, W, H, maxLines, minVotes: RETRY_VOTES * minVotes, offFrame, sx, threshold });
  return second.confidence > first.confidence ? second.detail : first.detail;
}

/** The vote floor of the second look, as a share of the first's. */
const RETRY_VOTES = 2 / 3;

interface SearchInput {
  ev: LineEvidence;
  W: number;
  H: number;
  maxLines: number;
  minVotes: number;
  offFrame: boolean;
  sx: number;
  threshold: number;
}

/** One look at the map: lines above `minVotes`, the quad search, the nested and closing rules. */
function searchMap(input: SearchInput): { detail: QuadFindingDetail; confidence: number; houghLines: number } {
  const { ev, W, H, maxLines, minVotes, offFrame, sx, threshold } = input;
  const map = ev.map;
  const empty: QuadFindingDetail = { found: false, quad: null, confidence: 0, lines: [], candidate: null, sideCoverage: [] };
  const found = houghLines(ev, W, H, maxLines, minVotes);
  const lines: SearchLine[] = found.map((l) => ({ line: l, support: ev.support(l), border: false }));
  if (offFrame) {
    for (const l of frameBorderLines(W, H)) lines.push({ line: l, support: borderSupport(map, l), border: true });
  }
  const params: SearchParams = {
    width: W,
    height: H,
    sx,
    gapPenalty: 2,
    endPenalty: 3,
    overshootPenalty: 1,
    borderPenalty: 0.35,
    maxBorderSides: offFrame ? 2 : 0,
    minSideCoverage: 0.3,
    minArea: 0.015 * W * H,
    minAngle: 25,
    maxOppositeAngle: 70,
    outside: offFrame ? 0.6 : 0.01,
  };
  const open = { keep: CLOSE_CANDIDATES, out: [] as Candidate[] };
  const top = searchQuads(lines, params, 60, open);
  const best = preferInnerPage(top);
  const traced = found.map(({ nx, ny, c }) => ({ nx, ny, c }));
  if (!best) return { detail: { ...empty, lines: traced }, confidence: 0, houghLines: found.length };

  const ctx: SettleContext = { ev, sx };
  let chosen = settle(ctx, best.sides.map((i) => lines[i].line), best.sides.map((i) => lines[i].border), best.corners, best.sides.map((i) => lines[i].support));
  // A frame border stands in for a side the line search did not see. Where the neighbouring
  // sides' evidence stops short of the frame, the page ends there: close the quad across those
  // ends (a short, faint side the Hough peaks missed) and keep it when it is the better answer.
  // Only when the search's own answer leans on the frame border or is too weak to stand: a clean
  // answer of four seen sides (the inner page the nested convention chose, say) is not second-
  // guessed by a closed quad.
  const chosenBorders = best.borders > 0;
  let closings = chosenBorders || chosen.confidence < DEFAULTS.threshold ? 0 : CLOSE_CANDIDATES;
  for (const c of open.out) {
    if (closings >= CLOSE_CANDIDATES) break;
    const closed = closeBorderSides(c.sides.map((i) => lines[i].line), c.sides.map((i) => lines[i].border), c.corners, c.sides.map((i) => lines[i].support), ev);
    if (!closed) continue;
    closings++;
    // The sides kept from the search keep their support; the closing side's is new.
    const known = c.sides.map((i, k) => (closed.lines[k] === lines[i].line ? lines[i].support : null));
    const alt = settle(ctx, closed.lines, closed.isBorder, closed.corners, known);
    // A closed quad around the chosen one is an outer quad: the nested convention has spoken.
    if (alt.confidence > chosen.confidence && !chosen.corners.every(([x, y]) => insideQuad(alt.corners, x, y, 1.5))) chosen = alt;
  }
  const { corners, confidence, sideCoverage } = chosen;
  const quad = orderCorners(corners, sx);
  const trace: QuadFindingTrace = { lines: traced, candidate: quad, sideCoverage: rotateLike(sideCoverage, corners, quad) };
  const detail: QuadFindingDetail = confidence >= threshold
    ? { found: true, quad, confidence, ...trace }
    : { found: false, quad: null, confidence, ...trace };
  return { detail, confidence, houghLines: found.length };
}

interface SettleContext {
  ev: LineEvidence;
  sx: number;
}

interface Settled {
  corners: Point[];
  confidence: number;
  /** Per side: share of its in-frame length with evidence; -1 for a frame border. */
  sideCoverage: number[];
}

/** Most border candidates (best first) closed across their sides' evidence ends and weighed. */
const CLOSE_CANDIDATES = 12;

/**
 * A chosen quad's final corners (sides refitted, then corners placed from the evidence near them)
 * and its confidence, from the refitted sides' own support.
 *
 * @param known per side, its line's support where already measured (by the search), else null
 */
function settle(
  ctx: SettleContext,
  sideLines: Line[],
  isBorder: boolean[],
  found: readonly (readonly [number, number])[],
  known: readonly (LineSupport | null)[],
): Settled {
  const { ev, sx } = ctx;
  const map = ev.map;
  const start = found.map(([x, y]) => [x, y] as Point);
  const supports = sideLines.map((l, k) => (isBorder[k] ? null : known[k] ?? ev.support(l)));
  const refined = refineSides(sideLines, isBorder, start, ev, supports);
  const finalLines = refined ? refined.lines : sideLines;
  const finalSupports = refined ? refined.supports : supports;
  const corners = refineCornersLocally(finalLines, isBorder, refined ? refined.corners : start, ev);
  let sup = 0, vis = 0, minCov = 1, borderLen = 0, endMissing = 0, endWindow = 0;
  const sideCoverage: number[] = [];
  for (let k = 0; k < 4; k++) {
    const l = finalLines[k];
    const a = corners[k], b = corners[(k + 1) % 4];
    if (isBorder[k]) {
      const s = borderSupport(map, l);
      borderLen += inFrameLength(s.t0, s.t1, along(l, a[0], a[1]), along(l, b[0], b[1]));
      sideCoverage.push(-1);
      continue;
    }
    const s = finalSupports[k] ?? ev.support(l);
    let lo = along(l, a[0], a[1]), hi = along(l, b[0], b[1]);
    if (lo > hi) { const t = lo; lo = hi; hi = t; }
    lo = Math.max(lo, s.t0); hi = Math.min(hi, s.t1);
    const len = Math.max(0, hi - lo);
    const sp = len > 0 ? prefixAt(s.prefix, hi - s.t0) - prefixAt(s.prefix, lo - s.t0) : 0;
    sup += sp; vis += len;
    const cov = len > 0 ? sp / len : 0;
    if (len > 0) {
      const e = sideEndEvidence(s, lo, hi);
      endMissing += e.missing;
      endWindow += e.window;
    }
    sideCoverage.push(cov);
    minCov = Math.min(minCov, cov);
  }
  const cov = vis > 0 ? sup / vis : 0;
  const borderFrac = borderLen / Math.max(1e-9, vis + borderLen);
  // A side standing in for the frame border is an assumption, not evidence: three real sides (a
  // U) are still specific to a page, two (an L) are found in many scenes, so they stay below the
  // default threshold.
  const borders = isBorder.filter(Boolean).length;
  // Corners: evidence must run into them (a page whose side stops short of a frame border does
  // not run off the photo there; a side borrowed from elsewhere leaves a gap at its corner).
  const cornerFactor = 1 - 0.6 * (endWindow > 0 ? endMissing / endWindow : 0);
  const confidence = clamp01(
    cov * Math.sqrt(Math.min(1, minCov / 0.6)) * (1 - 0.5 * borderFrac) * (borders >= 2 ? 0.5 : borders === 1 ? 0.9 : 1) *
      cornerFactor * shapeFactor(corners, sx),
  );
  return { corners, confidence, sideCoverage };
}

/**
 * Refit each detected side to the edge pixels along it, between its corners and away from them
 * (where the neighbouring side's pixels would pull it), then re-intersect. Returns null, keeping
 * the Hough corners, when a refit moves a corner implausibly far or breaks convexity.
 *
 * A refit centres the line on its own ridge, so it carries at least the evidence of the line it
 * replaces. One that carries less has been pulled off the ridge by other pixels within its band
 * (print beside a faint side: an ID card's title under its top edge) and is not taken.
 */
function refineSides(
  sideLines: Line[],
  isBorder: boolean[],
  corners: Point[],
  ev: LineEvidence,
  supports: readonly (LineSupport | null)[],
): { corners: Point[]; lines: Line[]; supports: (LineSupport | null)[] } | null {
  const out: Line[] = [];
  const outSupports: (LineSupport | null)[] = [];
  for (let k = 0; k < 4; k++) {
    const l = sideLines[k];
    const own = supports[k];
    if (isBorder[k] || !own) { out.push(l); outSupports.push(own); continue; }
    const a = corners[k], b = corners[(k + 1) % 4];
    let ta = along(l, a[0], a[1]), tb = along(l, b[0], b[1]);
    if (ta > tb) { const t = ta; ta = tb; tb = t; }
    const margin = Math.min(8, 0.15 * (tb - ta));
    const fit = ev.refit(l, 3, 3, [ta + margin, tb - margin]);
    const fitSupport = fit ? ev.support(fit) : null;
    if (fit && fitSupport && spanSupport(fitSupport, fit, a, b) >= spanSupport(own, l, a, b)) {
      out.push(fit);
      outSupports.push(fitSupport);
    } else {
      out.push(l);
      outSupports.push(own);
    }
  }
  const pts: Point[] = [];
  for (let k = 0; k < 4; k++) {
    const p = intersect(out[(k + 3) % 4], out[k]);
    if (!p) return null;
    const [ox, oy] = corners[k];
    const side = Math.min(
      Math.hypot(corners[(k + 1) % 4][0] - ox, corners[(k + 1) % 4][1] - oy),
      Math.hypot(corners[(k + 3) % 4][0] - ox, corners[(k + 3) % 4][1] - oy),
    );
    if (Math.hypot(p[0] - ox, p[1] - oy) > Math.max(3, 0.08 * side)) return null;
    pts.push(p);
  }
  if (!isConvexQuad(pts as Quad)) return null;
  return { corners: pts, lines: out, supports: outSupports };
}

/** A line's evidence between the feet of two points (the side's current corners) on it. */
function spanSupport(s: LineSupport, l: Line, a: Point, b: Point): number {
  return segmentSupport(s, along(l, a[0], a[1]), along(l, b[0], b[1])).support;
}

/**
 * Plausible page geometry: the short sides over the long ones (each the mean of an opposite pair,
 * in true geometry). Every document in our photos, receipts and ID cards included, is above 0.3;
 * a bed's headboard, a shelf or a cable seen as a sliver is below 0.2.
 */
function shapeFactor(c: readonly Point[], sx: number): number {
  const len = (a: Point, b: Point): number => Math.hypot((a[0] - b[0]) * sx, a[1] - b[1]);
  const p = (len(c[0], c[1]) + len(c[2], c[3])) / 2;
  const q = (len(c[1], c[2]) + len(c[3], c[0])) / 2;
  const ratio = Math.min(p, q) / Math.max(p, q, 1e-9);
  return clamp01((ratio - SLIVER.reject) / (SLIVER.accept - SLIVER.reject));
}

/** Short/long side ratio below which a quad is no page, and from which it is one (linear between). */
const SLIVER = { reject: 0.12, accept: 0.25 };

function inFrameLength(t0: number, t1: number, a: number, b: number): number {
  const lo = Math.max(Math.min(a, b), t0), hi = Math.min(Math.max(a, b), t1);
  return Math.max(0, hi - lo);
}

/**
 * Clockwise on screen from the top-left (smallest x + y), judged in true geometry so the order
 * matches the source photo's.
 */
function orderCorners(pts: Point[], sx: number): Quad {
  let area = 0;
  for (let k = 0; k < 4; k++) {
    const a = pts[k], b = pts[(k + 1) % 4];
    area += a[0] * b[1] - b[0] * a[1];
  }
  const cw = area > 0 ? pts.slice() : [pts[0], pts[3], pts[2], pts[1]];
  let start = 0;
  for (let k = 1; k < 4; k++) {
    if (cw[k][0] * sx + cw[k][1] < cw[start][0] * sx + cw[start][1]) start = k;
  }
  return rotateCorners(cw, start);
}

/** Reorder per-side values (side k from corner k to k+1) to follow the ordered quad. */
function rotateLike(values: number[], from: Point[], to: Quad): number[] {
  const idx = (p: Point): number => from.findIndex((q) => q[0] === p[0] && q[1] === p[1]);
  const out: number[] = [];
  for (let k = 0; k < 4; k++) {
    const i = idx(to[k]), j = idx(to[(k + 1) % 4]);
    // Side between corners i and j in the original cycle.
    out.push((j === (i + 1) % 4) ? values[i] : values[j]);
  }
  return out;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0;
}
