import { prefixAt, type LineSupport } from "./support.ts";
import type { Line } from "./line.ts";

/** One line the search may use as a side: a detected line, or a frame border. */
export interface SearchLine {
  line: Line;
  support: LineSupport;
  /** A frame border stands in for a side that lies wholly outside the photo. */
  border: boolean;
}

export interface SearchParams {
  width: number;
  height: number;
  /** Map x units per true unit relative to y: true geometry is (x * sx, y). */
  sx: number;
  /**
   * Cost per in-frame pixel of a detected side with (next to) no evidence, relative to a fully
   * supported pixel's gain. Faint evidence is not a gap: it gains less but costs nothing.
   */
  gapPenalty: number;
  /**
   * Cost per pixel of missing evidence within a short window at each end of a detected side: a
   * real corner has both of its sides' evidence running into it, while a side that borrows a line
   * from elsewhere (or stops at a frame border the page does not reach) leaves a gap there.
   */
  endPenalty: number;
  /**
   * Cost per unit of evidence on a detected side's line just past its corners: a page side stops at
   * its corner, a background line (a table edge, a frame) runs on through it.
   */
  overshootPenalty: number;
  /** Cost per pixel of a frame-border side. */
  borderPenalty: number;
  maxBorderSides: number;
  /** A visible side needs at least this share of its in-frame length supported. */
  minSideCoverage: number;
  minArea: number;
  /** Interior angles (true geometry, degrees) must lie in [minAngle, 180 - minAngle]. */
  minAngle: number;
  /** Opposite sides may converge by at most this (true geometry, degrees). */
  maxOppositeAngle: number;
  /** Corners may lie this far outside the frame, as a fraction of its size. */
  outside: number;
}

export interface Candidate {
  /** Line indices of the four sides in cyclic order; corner i joins side i-1 and side i. */
  sides: [number, number, number, number];
  corners: [[number, number], [number, number], [number, number], [number, number]];
  score: number;
  /** Supported share of the detected sides' in-frame length, overall and for the worst side. */
  coverage: number;
  minCoverage: number;
  area: number;
  /** Sides that are frame borders. */
  borders: number;
}

/**
 * The best-scoring quadrilaterals (at most `keep`, best first) made of four of the given lines. Every 4-subset is tried with its three ways
 * of pairing opposite sides: C(M, 4) * 3 cheap checks for M lines (M <= 24 keeps this ~32k), with
 * pairwise intersections precomputed and each side's support an O(1) prefix-sum lookup.
 *
 * The score is supported perimeter minus a penalty for gaps in it, so of two
 * well-supported nested quads (a page and a table printed on it) the larger wins, while a quad
 * that borrows a side from elsewhere pays for the gaps it has to bridge.
 */
const SIDE_UNKNOWN = 0, SIDE_OK = 1, SIDE_FAIL = 2;
const SIN35 = Math.sin((35 * Math.PI) / 180);

// Reused between calls (state is cleared per call; the rest is written before it is read): the
// search runs per frame and must not churn the garbage collector.
const newSideScratch = (n: number) => ({
  state: new Uint8Array(n),
  score: new Float64Array(n),
  support: new Float64Array(n),
  inFrame: new Float64Array(n),
  ends: new Float64Array(n),
  over: new Float64Array(n),
  /** The side's length in true geometry (between its two corners). */
  len: new Float64Array(n),
});
let sideScratch = newSideScratch(0);
const newPairScratch = (n: number) => ({
  ix: new Float64Array(n),
  iy: new Float64Array(n),
  tOn: new Float64Array(n),
  adjacentOk: new Uint8Array(n),
  oppositeOk: new Uint8Array(n),
  dirx: new Float64Array(n),
  diry: new Float64Array(n),
  isBorder: new Uint8Array(n),
});
let pairScratch = newPairScratch(0);

/**
 * Quads of three seen sides and one frame border (a U), ranked by the seen sides' support alone,
 * whatever the gaps toward the border cost them in the main ranking: where those sides stop short
 * of the frame, the finder may close the U across their ends.
 */
function keepOpen(
  open: { keep: number; out: Candidate[] },
  order: readonly number[],
  cx: Float64Array,
  cy: Float64Array,
  score: number,
  coverage: number,
  minCoverage: number,
  area: number,
): void {
  const top = open.out;
  if (top.length === open.keep && score <= top[open.keep - 1].score) return;
  const cand: Candidate = {
    sides: [order[0], order[1], order[2], order[3]],
    corners: [[cx[0], cy[0]], [cx[1], cy[1]], [cx[2], cy[2]], [cx[3], cy[3]]],
    score,
    coverage,
    minCoverage,
    area,
    borders: 1,
  };
  let at = top.length;
  while (at > 0 && top[at - 1].score < score) at--;
  top.splice(at, 0, cand);
  if (top.length > open.keep) top.pop();
}

/**
 * Evidence at the two ends of the side [lo, hi] of a line: how much of a short window inside each
 * end lacks evidence, and how much evidence the line carries in a window just outside each end
 * (past the corner; the first pixels are skipped, where the neighbouring side's ridge lies). Both
 * windows scale with the side and are clipped to the frame, so a side that runs off the photo
 * owes evidence up to the frame edge and nothing beyond it.
 */
export function sideEndEvidence(
  sup: LineSupport,
  lo: number,
  hi: number,
): { missing: number; missingLo: number; missingHi: number; overshoot: number; window: number } {
  const len = hi - lo;
  const w = Math.min(8, Math.max(3, 0.12 * len));
  const a = lo - sup.t0, b = hi - sup.t0;
  const inLo = prefixAt(sup.prefix, a + w) - prefixAt(sup.prefix, a);
  const inHi = prefixAt(sup.prefix, b) - prefixAt(sup.prefix, b - w);
  const skip = 2.5, wo = Math.min(12, Math.max(4, 0.15 * len));
  const overLo = prefixAt(sup.prefix, a - skip) - prefixAt(sup.prefix, a - skip - wo);
  const overHi = prefixAt(sup.prefix, b + skip + wo) - prefixAt(sup.prefix, b + skip);
  return { missing: 2 * w - inLo - inHi, missingLo: w - inLo, missingHi: w - inHi, overshoot: overLo + overHi, window: 2 * w };
}

export function searchQuads(
  lines: readonly SearchLine[],
  p: SearchParams,
  keep: number,
  open?: { keep: number; out: Candidate[] },
): Candidate[] {
  const M = lines.length;
  const W = p.width, H = p.height;
  if (pairScratch.adjacentOk.length < M * M) pairScratch = newPairScratch(M * M);
  // ix, iy and tOn are read only where adjacentOk says they were written in this call.
  const { ix, iy, tOn, adjacentOk, oppositeOk, dirx, diry } = pairScratch; // tOn: position of X(i, j) along line i
  adjacentOk.fill(0, 0, M * M);
  oppositeOk.fill(0, 0, M * M);
  for (let i = 0; i < M; i++) {
    const l = lines[i].line;
    const dx = -l.ny * p.sx, dy = l.nx;
    const n = Math.hypot(dx, dy);
    dirx[i] = dx / n; diry[i] = dy / n;
  }
  const minSin = Math.sin((p.minAngle * Math.PI) / 180);
  const maxOppSin = Math.sin((p.maxOppositeAngle * Math.PI) / 180);
  const loX = -p.outside * W, hiX = (1 + p.outside) * W, loY = -p.outside * H, hiY = (1 + p.outside) * H;
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const a = lines[i].line, b = lines[j].line;
      const sinAngle = Math.abs(dirx[i] * diry[j] - diry[i] * dirx[j]);
      if (sinAngle <= maxOppSin) { oppositeOk[i * M + j] = 1; oppositeOk[j * M + i] = 1; }
      if (sinAngle < minSin) continue;
      const det = a.nx * b.ny - a.ny * b.nx;
      if (Math.abs(det) < 1e-9) continue;
      const x = (a.c * b.ny - b.c * a.ny) / det;
      const y = (a.nx * b.c - b.nx * a.c) / det;
      if (!(x >= loX && x <= hiX && y >= loY && y <= hiY)) continue;
      ix[i * M + j] = x; iy[i * M + j] = y;
      ix[j * M + i] = x; iy[j * M + i] = y;
      tOn[i * M + j] = -a.ny * x + a.nx * y;
      tOn[j * M + i] = -b.ny * x + b.nx * y;
      adjacentOk[i * M + j] = 1; adjacentOk[j * M + i] = 1;
    }
  }

  // Verdict per side: line L between its crossings with lines U and V (symmetric in U, V).
  if (sideScratch.state.length < M * M * M) sideScratch = newSideScratch(M * M * M);
  const { state: sideState, score: sideScore, support: sideSupport, inFrame: sideInFrame, ends: sideEnds, over: sideOver, len: sideLen } = sideScratch;
  sideState.fill(SIDE_UNKNOWN, 0, M * M * M);
  const sideKey = (L: number, U: number, V: number): number => (U < V ? (L * M + U) * M + V : (L * M + V) * M + U);
  const sideOf = (L: number, U: number, V: number): number => {
    const key = sideKey(L, U, V);
    if (sideState[key] !== SIDE_UNKNOWN) return sideState[key];
    const ta = tOn[L * M + U], tb = tOn[L * M + V];
    const sup = lines[L].support;
    let lo = ta < tb ? ta : tb, hi = ta < tb ? tb : ta;
    if (lo < sup.t0) lo = sup.t0;
    if (hi > sup.t1) hi = sup.t1;
    const inFrame = hi > lo ? hi - lo : 0;
    let state = SIDE_OK;
    if (lines[L].border) {
      sideScore[key] = -(p.borderPenalty * inFrame);
    } else if (inFrame < 4) {
      state = SIDE_FAIL;
    } else {
      const s = prefixAt(sup.prefix, hi - sup.t0) - prefixAt(sup.prefix, lo - sup.t0);
      if (s < p.minSideCoverage * inFrame) {
        state = SIDE_FAIL;
      } else {
        const gaps = prefixAt(sup.gaps, hi - sup.t0) - prefixAt(sup.gaps, lo - sup.t0);
        const e = sideEndEvidence(sup, lo, hi);
        // An end on a frame border is not charged here: whether the page runs off the frame
        // there or ends short of it (and the quad is closed across its sides' ends) is decided
        // after the search, and the confidence pays for it.
        const uAtLo = ta < tb ? U : V;
        const missing = (lines[uAtLo].border ? 0 : e.missingLo) + (lines[uAtLo === U ? V : U].border ? 0 : e.missingHi);
        sideScore[key] = s - p.gapPenalty * gaps - p.endPenalty * missing - p.overshootPenalty * e.overshoot;
        sideEnds[key] = missing;
        sideOver[key] = e.overshoot;
        sideSupport[key] = s;
        sideInFrame[key] = inFrame;
      }
    }
    // Its length, for the corner angles: the same whichever corner it is measured from (hypot
    // of a vector or of its negation), so once per side, not twice per quad.
    if (state === SIDE_OK) sideLen[key] = Math.hypot((ix[L * M + U] - ix[L * M + V]) * p.sx, iy[L * M + U] - iy[L * M + V]);
    sideState[key] = state;
    return state;
  };

  const isBorder = pairScratch.isBorder;
  for (let i = 0; i < M; i++) isBorder[i] = lines[i].border ? 1 : 0;
  const top: Candidate[] = [];
  const order = [0, 0, 0, 0];
  const cosMax = Math.cos((p.minAngle * Math.PI) / 180);
  const cx = new Float64Array(4), cy = new Float64Array(4);
  for (let a = 0; a < M; a++) {
    for (let b = a + 1; b < M; b++) {
      for (let c = b + 1; c < M; c++) {
        for (let d = c + 1; d < M; d++) {
          const borders = isBorder[a] + isBorder[b] + isBorder[c] + isBorder[d];
          if (borders > p.maxBorderSides) continue;
          for (let split = 0; split < 3; split++) {
            // Opposite pairs (p, q) and (r, s); the cycle is p, r, q, s.
            let P: number, Q: number, R: number, S: number;
            if (split === 0) { P = a; Q = b; R = c; S = d; }
            else if (split === 1) { P = a; Q = c; R = b; S = d; }
            else { P = a; Q = d; R = b; S = c; }
            if (!oppositeOk[P * M + Q] || !oppositeOk[R * M + S]) continue;
            if (!adjacentOk[P * M + R] || !adjacentOk[R * M + Q] || !adjacentOk[Q * M + S] || !adjacentOk[S * M + P]) continue;
            order[0] = P; order[1] = R; order[2] = Q; order[3] = S;
            // Sides first: most combinations fail on a side without evidence, and each side's
            // verdict (it depends only on the line and its two neighbours) is computed once.
            let ok = true;
            for (let k = 0; k < 4; k++) {
              if (sideOf(order[k], order[(k + 3) & 3], order[(k + 1) & 3]) !== SIDE_OK) { ok = false; break; }
            }
            if (!ok) continue;
            // Corner k joins side k-1 and side k.
            for (let k = 0; k < 4; k++) {
              const u = order[(k + 3) & 3], v = order[k];
              cx[k] = ix[u * M + v]; cy[k] = iy[u * M + v];
            }
            // Convexity and angles in true geometry.
            let sign = 0, area2 = 0, angleFactor = 1;
            for (let k = 0; k < 4 && ok; k++) {
              const k0 = (k + 3) & 3, k2 = (k + 1) & 3;
              const ux = (cx[k0] - cx[k]) * p.sx, uy = cy[k0] - cy[k];
              const vx = (cx[k2] - cx[k]) * p.sx, vy = cy[k2] - cy[k];
              const cross = ux * vy - uy * vx;
              const s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
              if (s === 0 || (sign !== 0 && s !== sign)) { ok = false; break; }
              sign = s;
              const nu = sideLen[sideKey(order[k0], order[(k + 2) & 3], order[k])], nv = sideLen[sideKey(order[k], order[k0], order[k2])];
              if (nu < 4 || nv < 4) { ok = false; break; }
              const cosA = (ux * vx + uy * vy) / (nu * nv);
              if (cosA > cosMax || cosA < -cosMax) { ok = false; break; }
              // Mild prior for near-right angles: pages are rectangles seen in perspective.
              if (cosA > SIN35 || cosA < -SIN35) {
                const dev = Math.abs(Math.acos(cosA) * (180 / Math.PI) - 90);
                if (dev > 35) angleFactor *= 1 - (0.3 * (dev - 35)) / 30;
              }
              area2 += cx[k] * cy[k2] - cx[k2] * cy[k];
            }
            if (!ok) continue;
            if (Math.abs(area2) / 2 < p.minArea) continue;
            let score = 0, supSum = 0, visSum = 0, minCov = 1;
            for (let k = 0; k < 4; k++) {
              const key = sideKey(order[k], order[(k + 3) & 3], order[(k + 1) & 3]);
              score += sideScore[key];
              if (lines[order[k]].border) continue;
              supSum += sideSupport[key]; visSum += sideInFrame[key];
              const cov = sideSupport[key] / sideInFrame[key];
              if (cov < minCov) minCov = cov;
            }
            if (open && borders === 1) keepOpen(open, order, cx, cy, supSum * angleFactor, supSum / visSum, minCov, Math.abs(area2) / 2);
            if (score <= 0) continue;
            // Sides standing in for the frame border are assumptions: two of them (only an L of
            // real edges) must not outbid a quad whose four sides were all seen.
            score *= angleFactor * (borders >= 2 ? 0.5 : borders === 1 ? 0.9 : 1);
            if (top.length === keep && score <= top[keep - 1].score) continue;
            const cand: Candidate = {
              sides: [order[0], order[1], order[2], order[3]],
              corners: [[cx[0], cy[0]], [cx[1], cy[1]], [cx[2], cy[2]], [cx[3], cy[3]]],
              score,
              coverage: supSum / visSum,
              minCoverage: minCov,
              area: Math.abs(area2) / 2,
              borders,
            };
            let at = top.length;
            while (at > 0 && top[at - 1].score < score) at--;
            top.splice(at, 0, cand);
            if (top.length > keep) top.pop();
          }
        }
      }
    }
  }
  return top;
}
