import type { Point, Quad } from "../types.ts";

/**
 * The page's true aspect ratio (width / height) from its photographed quad.
 *
 * Zhang & He, "Whiteboard scanning and image enhancement" (2007): the two vanishing points of a
 * rectangle's sides are orthogonal directions, which fixes the focal length f (square pixels,
 * principal point at the image centre); with f known, the back-projected side directions give
 * the ratio. When the quad is nearly affine (a vanishing point at or near infinity) f is not
 * observable, and we use a typical phone-camera f instead: the ratio is then insensitive to f
 * anyway, which is exactly why f could not be measured.
 */
export interface AspectEstimate {
  /** width / height of the page as it lies in the world. */
  ratio: number;
  /** Focal length in pixels used for the estimate. */
  focal: number;
  /** "vanishing-points": f measured from the quad; "prior": nearly affine, typical f assumed. */
  focalSource: "vanishing-points" | "prior";
  /** Name of the paper size the ratio was snapped to, or null. */
  snappedTo: string | null;
}

type Vec3 = [number, number, number];

const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * 35 mm-equivalent 28 mm lens: the usual phone main camera. f = diag * 28 / 43.27.
 * Used only when the quad cannot tell f.
 */
export function priorFocal(imageWidth: number, imageHeight: number): number {
  return Math.hypot(imageWidth, imageHeight) * (28 / 43.27);
}

/** ||A^-1 n||^2 for A = [[f,0,u0],[0,f,v0],[0,0,1]]: the squared length of a back-projected side. */
function backProjectedNorm2(n: Vec3, f: number, u0: number, v0: number): number {
  const x = (n[0] - u0 * n[2]) / f;
  const y = (n[1] - v0 * n[2]) / f;
  return x * x + y * y + n[2] * n[2];
}

/**
 * Focal length estimate from Zhang & He, plus the side vectors it is built on. Returns f = NaN when
 * it is not observable (nearly affine, or f^2 <= 0 from noise).
 */
function zhangHe(quad: Quad, u0: number, v0: number): { f: number; n2: Vec3; n3: Vec3; k2: number; k3: number } {
  // Zhang & He's numbering: m1 (0,0), m2 (w,0), m3 (0,h), m4 (w,h).
  const h = (p: Point): Vec3 => [p[0] - u0, p[1] - v0, 1];
  // Centre the coordinates first: the formulas are then free of u0, v0 and better conditioned.
  const m1 = h(quad[0]), m2 = h(quad[1]), m3 = h(quad[3]), m4 = h(quad[2]);
  const c14 = cross(m1, m4);
  const k2 = dot(c14, m3) / dot(cross(m2, m4), m3);
  const k3 = dot(c14, m2) / dot(cross(m3, m4), m2);
  const n2: Vec3 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 - 1];
  const n3: Vec3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 - 1];
  const denom = n2[2] * n3[2];
  const f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / denom;
  return { f: f2 > 0 && Number.isFinite(f2) ? Math.sqrt(f2) : Number.NaN, n2, n3, k2, k3 };
}

/**
 * Below this relative depth difference along a side, f counts as unobservable. A corner off by
 * 2 px on a 1000 px side moves k by ~0.004; real perspective moves it by 0.05-0.5.
 */
export const MIN_PERSPECTIVE = 0.03;

/** Largest factor the perspective correction may change the side-average ratio by. */
export const MAX_CORRECTION = 2;

/** A paper size worth snapping to. */
export interface PaperSize {
  name: string;
  /** Long side / short side. */
  ratio: number;
  /**
   * Physical [short, long] sides in millimetres, a PDF sheet's size. Only for sheets of paper: a
   * ratio says nothing of scale, and a book cover shaped like a card must not print card-sized.
   */
  mm?: readonly [number, number];
}

/**
 * Paper sizes worth snapping to.
 *
 * @example
 * ```ts
 * import { PAPER_RATIOS } from "docedge";
 * const a4 = PAPER_RATIOS.find((p) => p.mm?.[0] === 210); // { name: "A-series (A4)", ratio: 1.414..., mm: [210, 297] }
 * ```
 */
export const PAPER_RATIOS: ReadonlyArray<PaperSize> = [
  { name: "A-series (A4)", ratio: Math.SQRT2, mm: [210, 297] },
  { name: "US Letter", ratio: 11 / 8.5, mm: [215.9, 279.4] },
  { name: "US Legal", ratio: 14 / 8.5, mm: [215.9, 355.6] },
  { name: "ID-1 card", ratio: 85.6 / 53.98 },
  { name: "business card (US)", ratio: 3.5 / 2 },
  { name: "square", ratio: 1 },
];

/** Relative distance within which a ratio snaps to a paper size (estimates are good to ~1-2 %). */
export const SNAP_TOLERANCE = 0.02;

export interface AspectOptions {
  /** Snap to a known paper ratio when within SNAP_TOLERANCE. Default true. */
  snap?: boolean;
}

/**
 * Estimate the page's width / height. `imageWidth` and `imageHeight` are the photo's size (the
 * principal point is taken at its centre). The quad is [TL, TR, BR, BL].
 *
 * @example
 * ```ts
 * import { estimateAspect } from "docedge";
 * const { ratio, snappedTo } = estimateAspect([[95, 192], [866, 196], [878, 1316], [64, 1300]], 900, 1600);
 * console.log(ratio.toFixed(3), snappedTo); // width / height, and the paper size it matched (or null)
 * ```
 */
export function estimateAspect(
  quad: Quad,
  imageWidth: number,
  imageHeight: number,
  options: AspectOptions = {},
): AspectEstimate {
  const diag = Math.hypot(imageWidth, imageHeight);
  // zhangHe centres the coordinates on the principal point, so it is the origin from here on.
  const est = zhangHe(quad, imageWidth / 2, imageHeight / 2);
  // f far outside any real lens (ultra-wide 13 mm ~ 0.3 diag .. 10x tele ~ 6 diag) means the
  // vanishing points were too far away to measure it: noise, not geometry.
  // k - 1 is the relative depth difference along a side; when either pair of sides is (nearly)
  // parallel in the photo, f is not in the data, only in the noise of the corners.
  const perspective = Math.min(Math.abs(est.k2 - 1), Math.abs(est.k3 - 1));
  const measured =
    perspective > MIN_PERSPECTIVE && Number.isFinite(est.f) && est.f > 0.25 * diag && est.f < 8 * diag;
  const focal = measured ? est.f : priorFocal(imageWidth, imageHeight);
  const w2 = backProjectedNorm2(est.n2, focal, 0, 0);
  const h2 = backProjectedNorm2(est.n3, focal, 0, 0);
  let ratio = Math.sqrt(w2 / h2);
  const naive = naiveAspect(quad);
  if (!Number.isFinite(ratio) || ratio <= 0) ratio = naive;
  // A 70-degree tilt changes the ratio by ~1.7x; beyond 2x the quad's corners are not a real page
  // in perspective (typically a small hand-drawn quad whose sides "converge" within a few widths).
  ratio = Math.min(MAX_CORRECTION * naive, Math.max(naive / MAX_CORRECTION, ratio));
  let snappedTo: string | null = null;
  if (options.snap !== false) {
    const snapped = snapRatio(ratio);
    ratio = snapped.ratio;
    snappedTo = snapped.name;
  }
  return { ratio, focal, focalSource: measured ? "vanishing-points" : "prior", snappedTo };
}

/** Mean opposite side lengths: what most scanners do; wrong under strong perspective. */
export function naiveAspect(quad: Quad): number {
  const d = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const w = (d(quad[0], quad[1]) + d(quad[3], quad[2])) / 2;
  const h = (d(quad[0], quad[3]) + d(quad[1], quad[2])) / 2;
  return w / h;
}

/** Snap width / height to a paper ratio (either orientation) when within SNAP_TOLERANCE. */
export function snapRatio(ratio: number): { ratio: number; name: string | null } {
  const portrait = ratio < 1;
  const long = portrait ? 1 / ratio : ratio;
  let best: PaperSize | null = null;
  let bestErr = SNAP_TOLERANCE;
  for (const p of PAPER_RATIOS) {
    const err = Math.abs(long / p.ratio - 1);
    if (err <= bestErr) {
      bestErr = err;
      best = p;
    }
  }
  if (!best) return { ratio, name: null };
  return { ratio: portrait ? 1 / best.ratio : best.ratio, name: best.name };
}

/**
 * Output size for a page of width / height `ratio` seen as `quad`: as many pixels as the photo
 * resolves along its best-resolved side (no direction is shrunk below what the photo holds), then
 * capped so the long side is at most `maxSize`.
 */
export function pageSize(quad: Quad, ratio: number, maxSize: number): { width: number; height: number } {
  const d = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const w0 = Math.max(d(quad[0], quad[1]), d(quad[3], quad[2]));
  const h0 = Math.max(d(quad[0], quad[3]), d(quad[1], quad[2]));
  let w: number, h: number;
  if (w0 / h0 > ratio) {
    w = w0;
    h = w0 / ratio;
  } else {
    h = h0;
    w = h0 * ratio;
  }
  const scale = Math.min(1, maxSize / Math.max(w, h));
  return {
    width: Math.max(1, Math.round(w * scale)),
    height: Math.max(1, Math.round(h * scale)),
  };
}
