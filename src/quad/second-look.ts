import { jaccardIndex } from "../geometry/jaccard.ts";
import type { Quad, RgbaImage } from "../types.ts";

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
  /** The two answers must agree (JI of one against the other) at least this much: a closer look, not another object. */
  agree: 0.85,
} as const;

/** A crop of the image: its pixels and where it lies in the image. */
export interface Crop {
  image: RgbaImage;
  x0: number;
  y0: number;
}

/** Whether a first-pass candidate of this confidence gets a second look. */
export function wantsSecondLook(confidence: number): boolean {
  return confidence >= SECOND_LOOK.floor;
}

/**
 * The pixels around a quad (image pixels): its bounding box grown by the margin and clipped to
 * the image. Null when that leaves less than 8 pixels a side.
 *
 * @example
 * ```ts
 * const crop = cropAround(image, [[100, 80], [400, 90], [390, 300], [110, 290]]);
 * ```
 */
export function cropAround(image: RgbaImage, quad: Quad): Crop | null {
  const xs = quad.map((p) => p[0]), ys = quad.map((p) => p[1]);
  const m = SECOND_LOOK.margin * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - m)), y0 = Math.max(0, Math.floor(Math.min(...ys) - m));
  const x1 = Math.min(image.width, Math.ceil(Math.max(...xs) + m)), y1 = Math.min(image.height, Math.ceil(Math.max(...ys) + m));
  const w = x1 - x0, h = y1 - y0;
  if (!(w >= 8 && h >= 8)) return null;
  const data = new Uint8ClampedArray(w * h * 4);
  const rowBytes = w * 4;
  for (let y = 0; y < h; y++) {
    const from = ((y + y0) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { image: { data, width: w, height: h }, x0, y0 };
}

/**
 * Whether the crop's answer (already in image pixels) replaces the first pass's: it must stand on
 * its own (at least SECOND_LOOK.stand, the default threshold), score about as well as the first (a sharper map of the same
 * page scores the same or higher) and cover the same page.
 */
export function acceptSecondLook(first: { quad: Quad; confidence: number }, second: { quad: Quad; confidence: number }): boolean {
  if (second.confidence < Math.max(SECOND_LOOK.stand, first.confidence - SECOND_LOOK.slack)) return false;
  return jaccardIndex(first.quad, second.quad) >= SECOND_LOOK.agree;
}
