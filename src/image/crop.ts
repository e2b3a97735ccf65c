import { InvalidInputError } from "../errors.ts";
import type { RgbaImage } from "../types.ts";

/** A pixel rectangle [x0, y0, x1, y1]: columns x0..x1-1 and rows y0..y1-1 (x1, y1 exclusive). */
export type CropBox = readonly [x0: number, y0: number, x1: number, y1: number];

/**
 * The pixels inside `box` as a new image, copied a row at a time (each row of the box is one
 * contiguous run of RGBA bytes). No resampling and no re-encoding: a crop of decoded pixels is
 * the same shot framed differently, pixel for pixel. Throws InvalidInputError for a box that is not a
 * non-empty whole-pixel rectangle inside the image.
 */
export function cropRgba(image: RgbaImage, box: CropBox): RgbaImage {
  const [x0, y0, x1, y1] = box;
  if (![x0, y0, x1, y1].every(Number.isInteger) || x0 < 0 || y0 < 0 || x1 > image.width || y1 > image.height || x1 <= x0 || y1 <= y0) {
    throw new InvalidInputError(`crop [${box.join(", ")}] is not a non-empty rectangle inside ${image.width}x${image.height}`);
  }
  const width = x1 - x0, height = y1 - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  const rowBytes = width * 4;
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { data, width, height };
}
