import type { Point, Quad, RgbaImage } from "../types.ts";
import { homographyFromQuads } from "../geometry/homography.ts";
import { intersect, type Line } from "./line.ts";
import { MIN_CONTRAST, detrend, periodicity, rowCorrelation, type Row } from "./periodicity.ts";

/**
 * The spiral side. On a spiral-bound page the edge map marks the paper's edge as it is seen beside
 * the coil (at the punched holes), while the page's outline, as labelled in the dev photos and the
 * sealed ones (issue 13), runs along the ring line: the middle of the coil's band, about where the
 * paper's own edge lies under the wire. The map cannot tell a coil from any other ridge beside a
 * page; the pixels can: a coil is a band of many nearly identical rings at a regular pitch along
 * most of one side, starting at it and ending a few per cent of the side's length outside it.
 * Shadows, seams and table edges are not periodic; ruled lines parallel to a side are constant
 * along it; a keyboard, a tiled floor or a facing ruled page are periodic over far more than a
 * narrow band, or at another pitch.
 *
 * All lengths below are shares of the side's length L unless named otherwise.
 */
export const COIL = {
  /** The stretch of the side sampled: its middle, clear of the corners and the other sides. */
  from: 0.1,
  to: 0.9,
  /** Samples along the side per row (over from..to). */
  samples: 256,
  /** The pitches a coil may have (the real notebooks' 2.5-4%, the synthetic ones' 2.4-6%). */
  minPitch: 0.015,
  maxPitch: 0.065,
  /** The coarse look: rows at these offsets outside the side (negative: inside it); a side is looked at closer where two of them repeat. */
  coarse: [-0.008, 0.004, 0.016, 0.028] as readonly number[],
  /**
   * The coarse look's rows need this contrast (luma levels, after detrending) to be looked at
   * further: the dev photos' coil rows have 19-86 and nine in ten rows beside other sides less
   * than 15; at 12 the synthetic set's fainter coils (light wire, blurred) are lost, 21 found of 27.
   */
  coarseContrast: 8,
  /** The fine look at a side that passed the coarse one: rows from..to, this step apart. */
  fineFrom: -0.06,
  fineTo: 0.2,
  fineStep: 0.004,
  /** A row is seen if at least this share of its samples lies inside the image. */
  inFrame: 0.6,
  /** A row repeats (is part of a band) from this score on. */
  periodic: 0.5,
  /** Rows from this score on carry a band on (they neither join it nor break it). */
  weak: 0.35,
  /** A band may hold gaps of this much without a repeating row (the wire's two halves, a bar between them). */
  maxGap: 0.015,
  /**
   * The band grows from its strongest row, from maxInside inside the side to maxStart outside it
   * (the holes lie inside the paper's edge, and the edge map may mark that edge or the holes'
   * inner rim); it may start up to maxInside inside the side and must reach minReach outside it.
   */
  maxInside: 0.04,
  maxStart: 0.02,
  minReach: 0.01,
  /**
   * Its width (inner to outer end): from a ring's width to a wide coil's (up to a seventh of the
   * page's short side, seen at a slant; the synthetic notebooks' run to 0.2, the dev photos' to
   * 0.09). Not wider: four rows of keys at a coil's pitch span 0.18.
   */
  minWidth: 0.02,
  maxWidth: 0.16,
  /**
   * A band the frame cuts is seen in part: seen wider than this up to the frame's edge, it is more
   * likely a surface's pattern (tiles, a keyboard) than a coil.
   */
  maxSeen: 0.12,
  /** After its outer end, this much without a repeating row, unless the frame cuts it first. */
  clear: 0.02,
  /**
   * The coil is dark wire: the band's strongest row at the side has at least this contrast (luma
   * levels; the dev photos' coils 43-87, the synthetic ones from 16), where a page's ruled lines
   * meeting a side have 10-13.
   */
  minWire: 15,
  /**
   * Rows inside the band fainter than this share of its strongest row are the page's (ruled lines
   * meeting the side at the coil's pitch, 10 against the wire's 30-60), not the coil's: they do not
   * carry the band into the page.
   */
  faint: 0.3,
  /** Its rows' mean score must reach this. */
  minMean: 0.6,
  /** Its neighbouring rows' mean correlation must reach this (rings cross the side; moire and slanted textures do not). */
  minCoherence: 0.5,
  /** Its rows' lags within this share of the strongest row's (one coil, one pitch). */
  lagSpread: 0.25,
  /** A ring line closer to the side than this is left alone (nothing to gain, nothing to risk). */
  minMove: 0.004,
  /** A side shorter than this (image pixels) is not looked at: its rings would be a pixel or two apart. */
  minLength: 64,
} as const;

/** What the coil check found beside one side of a quad (offsets in image pixels, outward from the side). */
export interface Coil {
  /** The side: from corner `side` to corner `side + 1`. */
  side: number;
  /** The rings' pitch along the side, in image pixels. */
  pitch: number;
  /** The band's inner and outer ends, outward from the side (the inner one may be inside the page). */
  inner: number;
  outer: number;
  /** The band's repeating rows' mean score (periodicity's). */
  strength: number;
}

/**
 * One row of samples across from a side: luma (green) at the given distances along it (image
 * pixels from the side's start), bilinear. Returns the stretch [from, to)
 * of samples inside the image (a straight row crosses the frame's edge at most twice, so the
 * samples inside it are one stretch); samples outside are left as they were.
 */
function sampleRow(img: RgbaImage, a: Point, u: Point, n: Point, along: Float64Array, d: number, out: Float32Array): [number, number] {
  const { data, width, height } = img;
  const ox = a[0] + n[0] * d, oy = a[1] + n[1] * d;
  let from = -1, to = -1;
  for (let i = 0; i < out.length; i++) {
    const t = along[i];
    // Pixel centres at integer + 0.5.
    const x = ox + u[0] * t - 0.5, y = oy + u[1] * t - 0.5;
    if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) {
      if (from >= 0 && to < 0) to = i;
      continue;
    }
    if (from < 0) from = i;
    const x0 = Math.min(width - 2, Math.floor(x)), y0 = Math.min(height - 2, Math.floor(y));
    const fx = x - x0, fy = y - y0;
    // Green stands in for luma (most of it, and a third of the reads).
    const p = (y0 * width + x0) * 4 + 1, q = p + width * 4;
    out[i] = (data[p] * (1 - fx) + data[p + 4] * fx) * (1 - fy) + (data[q] * (1 - fx) + data[q + 4] * fx) * fy;
  }
  if (from < 0) return [0, 0];
  return [from, to < 0 ? out.length : to];
}

/** A side's frame: its start, unit direction, outward unit normal and length. */
interface SideFrame {
  a: Point;
  u: Point;
  n: Point;
  length: number;
}

function sideFrame(quad: Quad, side: number): SideFrame {
  const a = quad[side], b = quad[(side + 1) % 4];
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const u: Point = [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
  let n: Point = [u[1], -u[0]];
  // Outward: away from the quad's centre (whatever the corners' winding).
  const cx = (quad[0][0] + quad[1][0] + quad[2][0] + quad[3][0]) / 4, cy = (quad[0][1] + quad[1][1] + quad[2][1] + quad[3][1]) / 4;
  if ((cx - a[0]) * n[0] + (cy - a[1]) * n[1] > 0) n = [-n[0], -n[1]];
  return { a, u, n, length };
}

/** The unit square's corners, in the quad's corner order. */
const UNIT_SQUARE: Quad = [[0, 0], [1, 0], [1, 1], [0, 1]];

/**
 * The weights (homogeneous w) of the quad's corners under the projective map that takes the unit
 * square's corners to them (w = 1 at the first corner); all 1 for a parallelogram, null when the
 * quad is degenerate.
 */
function cornerWeights(q: Quad): number[] | null {
  const h = homographyFromQuads(UNIT_SQUARE, q);
  return h && UNIT_SQUARE.map(([x, y]) => h[6] * x + h[7] * y + h[8]);
}

/**
 * Where the samples lie along a side (image pixels from its start): evenly spaced on the page, not
 * in the image, so that rings evenly spaced on the page keep one pitch in the samples however the
 * photo foreshortens the side (a side seen at a slant shows its far rings closer together: in the
 * image their pitch drifts by a third or more from one end to the other, and no one lag fits).
 * The page's side from 0 to 1 is t; its image position is the projective map's (the quad as the
 * unit square's image): t w1 / ((1 - t) w0 + t w1) of the way, w0 and w1 its corners' weights.
 */
export function alongSide(quad: Quad, side: number, length: number): Float64Array {
  const N = COIL.samples;
  const out = new Float64Array(N);
  const w = cornerWeights(quad);
  let w0 = w ? w[side] : 1, w1 = w ? w[(side + 1) % 4] : 1;
  // A degenerate or folded quad (a corner at or behind the horizon): even in the image.
  if (!(w0 > 0 && w1 > 0)) w0 = w1 = 1;
  for (let i = 0; i < N; i++) {
    const t = COIL.from + ((COIL.to - COIL.from) * i) / (N - 1);
    out[i] = (length * t * w1) / ((1 - t) * w0 + t * w1);
  }
  return out;
}

/**
 * Per row at each offset (a share of L outward), in order: its periodicity, or null where the row
 * leaves the image. Rows under minContrast are flat without looking further (most rows beside
 * most pages). A generator, so that a look can stop as soon as its question is settled.
 */
export function* sideRows(img: RgbaImage, quad: Quad, side: number, offsets: readonly number[], minContrast: number = MIN_CONTRAST): Generator<Row | null> {
  const N = COIL.samples;
  const f = sideFrame(quad, side);
  const L = f.length;
  const dt = ((COIL.to - COIL.from) * L) / (N - 1);
  const minLag = Math.max(2, Math.floor((COIL.minPitch * L) / dt));
  const maxLag = Math.min(N >> 2, Math.ceil((COIL.maxPitch * L) / dt));
  const along = alongSide(quad, side, L);
  const row = new Float32Array(N);
  // Two buffers for the detrended rows, taking turns: each row is compared with the one before.
  const buffers = [new Float32Array(N), new Float32Array(N)];
  let prev: { x: Float32Array; from: number } | null = null;
  for (let k = 0; k < offsets.length; k++) {
    const [from, to] = sampleRow(img, f.a, f.u, f.n, along, offsets[k] * L, row);
    // A row the frame cuts to under COIL.inFrame of its samples is not seen.
    if (to - from < COIL.inFrame * N) {
      prev = null;
      yield null;
      continue;
    }
    const x = detrend(row.subarray(from, to), 2 * maxLag, buffers[k & 1].subarray(0, to - from));
    const p = periodicity(x, minLag, maxLag, minContrast);
    const coherence = prev ? rowCorrelation(prev.x, prev.from, x, from) : 0;
    prev = { x, from };
    yield { lag: p.lag, score: p.score, contrast: p.contrast, coherence };
  }
}

/** sideRows, all of them. */
export function sideProfile(img: RgbaImage, quad: Quad, side: number, offsets: readonly number[], minContrast: number = MIN_CONTRAST): (Row | null)[] {
  return [...sideRows(img, quad, side, offsets, minContrast)];
}

/** The samples' spacing along a side of this length, in image pixels. */
export function sampleStep(length: number): number {
  return ((COIL.to - COIL.from) * length) / (COIL.samples - 1);
}

/** The quad with one side moved outward, parallel to itself, by `by` image pixels; its two corners where it meets the neighbours. */
export function pushSide(quad: Quad, side: number, by: number): Quad {
  const lineOf = (k: number, shift: number): Line => {
    const f = sideFrame(quad, k);
    // Normal form with the outward normal: n . p = c.
    return { nx: f.n[0], ny: f.n[1], c: f.n[0] * f.a[0] + f.n[1] * f.a[1] + shift };
  };
  const moved = lineOf(side, by);
  const before = lineOf((side + 3) % 4, 0), after = lineOf((side + 1) % 4, 0);
  const p = intersect(before, moved), q = intersect(moved, after);
  if (!p || !q) return quad;
  const out = quad.map(([x, y]) => [x, y] as Point) as Quad;
  out[side] = p;
  out[(side + 1) % 4] = q;
  return out;
}

/** The fine look's row offsets (shares of L outward). */
function fineOffsets(): number[] {
  const out: number[] = [];
  const n = Math.round((COIL.fineTo - COIL.fineFrom) / COIL.fineStep);
  // Rounded, so that an offset meant to be on a window's edge (0.02) is on it, not a rounding error beside it.
  for (let i = 0; i <= n; i++) out.push(Math.round((COIL.fineFrom + i * COIL.fineStep) * 1e9) / 1e9);
  return out;
}

/** The fine look's row offsets (shares of L outward from the side). */
export const FINE = fineOffsets();

/** A coil's band across from a side (offsets in shares of L outward) and its rows' pitch (in samples) and mean score. */
export interface Band {
  inner: number;
  outer: number;
  lag: number;
  mean: number;
}

/**
 * The coil band in one side's fine profile, or why there is none: a run of rows that repeat at
 * one pitch (gaps up to COIL.maxGap; rows that repeat weakly, or at half or twice the pitch, carry
 * it on), that starts at the side, is dark as wire and as wide as a coil, and ends (the rows after
 * it do not repeat, or the frame cuts it). Rows inside the page that repeat at another pitch, or
 * faintly at its own (ruled lines meeting the side), may sit just inside it; rows as dark at the
 * same pitch there mean the pattern is not a band beside the page.
 */
export function bandVerdict(profile: readonly (Row | null)[], offsets: readonly number[] = FINE): Band | string {
  const step = offsets[1] - offsets[0];
  // The seed: the strongest repeating row at the side as dark as wire (a coil is there whatever
  // the map marked; a page's faint ruling inside the side is not).
  const atSide = (i: number): boolean => offsets[i] >= -COIL.maxInside - step / 2 && offsets[i] <= COIL.maxStart;
  let seed = -1, faintOnly = false;
  for (let i = 0; i < offsets.length; i++) {
    const r = profile[i];
    if (!atSide(i) || !r || r.score < COIL.periodic) continue;
    if (r.contrast < COIL.minWire) { faintOnly = true; continue; }
    if (seed < 0 || r.score > (profile[seed]?.score ?? 0)) seed = i;
  }
  if (seed < 0) return faintOnly ? "too faint for a coil's wire" : "no repeating row at the side";
  const lag = profile[seed]?.lag ?? 0;
  const samePitch = (r: Row | null | undefined, floor: number): r is Row => !!r && r.score >= floor && Math.abs(r.lag - lag) <= COIL.lagSpread * lag;
  // A row repeating at half the pitch or twice it is the same rings (a C ring's two arms, loops
  // alternating in shading): it carries the band on as a weak row does.
  const harmonic = (r: Row | null | undefined): r is Row =>
    !!r && r.score >= COIL.weak && (Math.abs(2 * r.lag - lag) <= COIL.lagSpread * lag || Math.abs(r.lag - 2 * lag) <= 2 * COIL.lagSpread * lag);
  let wire = 0;
  for (let i = 0; i < offsets.length; i++) {
    const r = profile[i];
    if (atSide(i) && samePitch(r, COIL.periodic)) wire = Math.max(wire, r.contrast);
  }
  /** Toward the page, a row at least COIL.faint of the wire's contrast (the page's ruling is not the coil). */
  const bright = (r: Row | null | undefined, dir: 1 | -1): boolean => dir > 0 || (!!r && r.contrast >= COIL.faint * wire);
  const maxGapRows = Math.round(COIL.maxGap / step);
  /** The band's last row from the seed in one direction, or -1 where the frame cuts it first. */
  const grow = (dir: 1 | -1): number => {
    let end = seed, weakEnd = seed;
    for (let i = seed + dir; i >= 0 && i < offsets.length; i += dir) {
      const r = profile[i];
      if (r === null) return -1;
      const seen = bright(r, dir);
      if (seen && samePitch(r, COIL.periodic)) { end = i; weakEnd = i; }
      else if (seen && (samePitch(r, COIL.weak) || harmonic(r))) weakEnd = i;
      else if (Math.abs(i - weakEnd) > maxGapRows) break;
    }
    return end;
  };
  const first = grow(-1);
  if (first < 0) return "the frame cuts the page's side of the band";
  // Rows inside the page that repeat at another pitch, or faintly (ruled lines meeting the side),
  // may lie just inside the band; at its own pitch deep into the page, the pattern is no band
  // beside a page.
  if (first === 0 || offsets[first] - step / 2 < -COIL.maxInside) return "the pattern runs on into the page";
  let last = grow(1);
  const cut = last < 0;
  if (cut) {
    // The frame cuts the band: it is seen up to the last repeating row before the frame.
    last = seed;
    for (let i = seed + 1; i < offsets.length && profile[i] !== null; i++) if (samePitch(profile[i], COIL.periodic)) last = i;
  }
  const inner = offsets[first] - step / 2, outer = offsets[last] + step / 2;
  if (outer - inner < COIL.minWidth) return "too narrow for a coil";
  if (outer - inner > (cut ? COIL.maxSeen : COIL.maxWidth)) return "too wide for a coil";
  if (outer < COIL.minReach) return "nothing outside the side";
  if (!cut) {
    // The band ends: nothing repeats at its pitch for COIL.clear after it (up to rows the frame cuts).
    if (offsets[last] + COIL.clear > offsets[offsets.length - 1]) return "no room to see the band end";
    for (let i = last + 1; i < offsets.length && offsets[i] <= offsets[last] + COIL.clear; i++) {
      if (profile[i] === null) break;
      if (samePitch(profile[i], COIL.periodic)) return "the pattern runs on past the band";
    }
  }
  let sum = 0, rows = 0, coherence = 0, pairs = 0;
  for (let i = first; i <= last; i++) {
    const r = profile[i];
    if (samePitch(r, COIL.periodic)) { sum += r.score; rows++; }
    if (i > first && r) { coherence += r.coherence; pairs++; }
  }
  const mean = sum / rows;
  if (mean < COIL.minMean) return "repeats too weakly";
  if (pairs > 0 && coherence / pairs < COIL.minCoherence) return "rows do not rise and fall together";
  return { inner, outer, lag, mean };
}

/** Whether two of the coarse look's rows repeat (it stops as soon as that is settled either way). */
function coarseLook(img: RgbaImage, quad: Quad, side: number): boolean {
  let hits = 0, misses = 0;
  for (const r of sideRows(img, quad, side, COIL.coarse, COIL.coarseContrast)) {
    if (r && r.score >= COIL.periodic) hits++;
    else misses++;
    if (hits >= 2) return true;
    if (misses > COIL.coarse.length - 2) return false;
  }
  return false;
}

/**
 * The coil beside one side of a quad (image pixels), if the pixels show one: each side gets a
 * coarse look (a few rows just outside it); a side where two rows repeat gets the fine look, and
 * its band must pass bandVerdict. Of several, the strongest. At most a few thousand pixels are read
 * for a quad without a coil.
 *
 * @example
 * ```ts
 * const coil = findCoil(image, quad);
 * const answer = coil ? ringLineQuad(quad, coil) : quad;
 * ```
 */
export function findCoil(img: RgbaImage, quad: Quad): Coil | null {
  let best: Coil | null = null;
  for (let side = 0; side < 4; side++) {
    const f = sideFrame(quad, side);
    if (f.length < COIL.minLength) continue;
    if (!coarseLook(img, quad, side)) continue;
    const band = bandVerdict(sideProfile(img, quad, side, FINE));
    if (typeof band === "string") continue;
    const coil: Coil = { side, pitch: band.lag * sampleStep(f.length), inner: band.inner * f.length, outer: band.outer * f.length, strength: band.mean };
    if (!best || coil.strength > best.strength) best = coil;
  }
  return best;
}

/**
 * The quad with the coil's side on its ring line (the band's middle), its two corners where the
 * moved side meets its neighbours; the quad itself where the ring line is at the side already.
 */
export function ringLineQuad(quad: Quad, coil: Coil): Quad {
  const by = (coil.inner + coil.outer) / 2;
  const length = sideFrame(quad, coil.side).length;
  if (by < COIL.minMove * length) return quad;
  return pushSide(quad, coil.side, by);
}
