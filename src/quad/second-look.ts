import type { Quad } from "../types.ts";

/**
 * The second look: the model sees a crop around the first pass's quad at its full input size, so
 * a small page (an ID card, a receipt) or the short sides of a page in a tall photo (squeezed to
 * a few map pixels in the whole-photo map) get several times the resolution. Measured on the dev
 * photos (issue 12): corners closer on most pages (SmartDoc frames 0.98 -> 0.99 JI), and the ID
 * card held in a hand, a candidate just under the threshold in the whole photo, found.
 */
export const SECOND_LOOK = {
  /**
   * A candidate from this confidence on gets a second look, and the crop's answer must reach
   * `stand` to be taken. Fixed, not the caller's threshold: the reported confidence must not
   * depend on the threshold.
   */
  floor: 0.35,
  stand: 0.5,
  /** Margin around the quad's bounding box, as a share of its longer side. */
  margin: 0.1,
  /** The crop's answer may score this much under the first one's and still be taken. */
  slack: 0.05,
  /**
   * No corner may move more than this share of the image diagonal (about 2 map pixels of the
   * whole-photo map): a closer look refines corners; a bigger move is another ridge (a book's
   * gutter, a page below), not the same corner seen better.
   */
  maxMove: 0.015,
  /** A crop with at least this share of the image's area is no closer look. */
  wholeImage: 0.9,
  /**
   * "auto": a candidate under this confidence is unsure and gets a second look. On the dev photos
   * the false pages the closer look vetoed scored 0.73 and 0.75 in the first pass, and no first
   * answer from 0.8 on was changed by it over or under JI 0.9. 0.9 (where every dev answer was
   * right) was measured too: the same accuracy within 0.0001, the second look on 33 photos of 65
   * instead of 27, and a median time 1.45-1.63x one inference's instead of 1.34-1.40x.
   */
  sure: 0.8,
  /** "auto": a crop of at most this share of the image (a small page) gets a second look. */
  closer: 0.5,
} as const;

/** detect()'s `secondLook` values. */
export const SECOND_LOOK_MODES = ["auto", "always", "never"] as const;

/** When detect() runs the model a second time on a crop around its candidate. */
export type SecondLookMode = (typeof SECOND_LOOK_MODES)[number];

/** A crop's place in the image (image pixels, x1 and y1 exclusive). */
export interface CropBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Whether a first-pass candidate of this confidence, whose crop (cropBox) covers this share of
 * the image, gets a second look. `"never"`: no. `"always"`: any candidate from SECOND_LOOK.floor
 * on whose crop is a closer look at all. `"auto"` (the default): only where it pays, i.e. the
 * first pass is unsure (under SECOND_LOOK.sure: the closer look may veto it or lift it over the
 * threshold) or the page is small in the photo (its crop at most SECOND_LOOK.closer of the image:
 * the model sees the page with at least twice the pixels, and its corners come out sharper).
 * A large page found with confidence gains nothing measurable from a second look and costs a
 * second inference.
 *
 * @example
 * ```ts
 * wantsSecondLook("auto", 0.98, 0.7); // false: a large page, surely found
 * wantsSecondLook("auto", 0.98, 0.2); // true: a small page, sharper corners from a closer look
 * ```
 */
export function wantsSecondLook(mode: SecondLookMode, confidence: number, cropShare: number): boolean {
  if (mode === "never" || confidence < SECOND_LOOK.floor || !(cropShare < SECOND_LOOK.wholeImage)) return false;
  return mode === "always" || confidence < SECOND_LOOK.sure || cropShare <= SECOND_LOOK.closer;
}

/**
 * The box a second look crops around a quad (image pixels): its bounding box grown by the margin
 * and clipped to the image. Null when that leaves less than 8 pixels a side.
 *
 * @example
 * ```ts
 * const box = cropBox(640, 480, [[100, 80], [400, 90], [390, 300], [110, 290]]);
 * ```
 */
export function cropBox(width: number, height: number, quad: Quad): CropBox | null {
  const xs = quad.map((p) => p[0]), ys = quad.map((p) => p[1]);
  const m = SECOND_LOOK.margin * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - m)), y0 = Math.max(0, Math.floor(Math.min(...ys) - m));
  const x1 = Math.min(width, Math.ceil(Math.max(...xs) + m)), y1 = Math.min(height, Math.ceil(Math.max(...ys) + m));
  return x1 - x0 >= 8 && y1 - y0 >= 8 ? { x0, y0, x1, y1 } : null;
}

/** The share of a width x height image that a box covers (1 for no box: nothing closer to see). */
export function boxShare(box: CropBox | null, width: number, height: number): number {
  return box ? ((box.x1 - box.x0) * (box.y1 - box.y0)) / (width * height) : 1;
}

/** A quad (image pixels) and its confidence. */
export interface Look {
  quad: Quad;
  confidence: number;
}

/**
 * What the two looks say together. The crop's answer replaces the first when acceptSecondLook
 * says so. A closer look that does not see a page there (no candidate, or one under
 * SECOND_LOOK.stand) vetoes the first answer: its confidence falls to the crop's. A page seen at
 * the model's full resolution still looks like a page; a phone, a tray or a pile of papers that
 * passed for one in the whole photo often does not (the dev photos' two false documents score 0
 * and 0.49 on the second look; their real pages 0.60 or more).
 *
 * @example
 * ```ts
 * const answer = combineLooks(first, second, Math.hypot(image.width, image.height));
 * ```
 */
export function combineLooks(first: Look, second: Look | null, diagonal: number): Look {
  if (!second || second.confidence < SECOND_LOOK.stand) {
    return { quad: first.quad, confidence: Math.min(first.confidence, second?.confidence ?? 0) };
  }
  return acceptSecondLook(first, second, diagonal) ? second : first;
}

/**
 * Whether the crop's answer (already in image pixels) replaces the first pass's: it must stand on
 * its own (at least SECOND_LOOK.stand, the default threshold), score about as well as the first
 * (a sharper map of the same page scores the same or higher) and keep every corner within
 * SECOND_LOOK.maxMove of the image diagonal of the first's.
 *
 * @example
 * ```ts
 * acceptSecondLook({ quad: q1, confidence: 0.8 }, { quad: q2, confidence: 0.9 }, Math.hypot(w, h));
 * ```
 */
export function acceptSecondLook(first: { quad: Quad; confidence: number }, second: { quad: Quad; confidence: number }, diagonal: number): boolean {
  if (second.confidence < Math.max(SECOND_LOOK.stand, first.confidence - SECOND_LOOK.slack)) return false;
  return cornerMove(first.quad, second.quad) <= SECOND_LOOK.maxMove * diagonal;
}

/**
 * The largest distance between matching corners, over the four ways to match them in order (both
 * quads start from their top-left, but that is judged in each map's own aspect, so a quad near 45
 * degrees may start one corner apart).
 */
function cornerMove(a: Quad, b: Quad): number {
  let best = Infinity;
  for (let shift = 0; shift < 4; shift++) {
    let worst = 0;
    for (let k = 0; k < 4; k++) {
      const p = a[k], q = b[(k + shift) % 4];
      worst = Math.max(worst, Math.hypot(p[0] - q[0], p[1] - q[1]));
    }
    best = Math.min(best, worst);
  }
  return best;
}
