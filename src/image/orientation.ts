import type { RgbaImage } from "../types.ts";
import type { Orientation } from "./header.ts";

/** Size of the image after applying `orientation` (5-8 swap width and height). */
export function orientedSize(width: number, height: number, orientation: Orientation): [number, number] {
  return orientation >= 5 ? [height, width] : [width, height];
}

/**
 * Turn stored pixels into what a viewer shows for this EXIF orientation. Works on 32-bit words,
 * one read and one write per pixel.
 *
 * @example
 * ```ts
 * import { applyOrientation, readImageHeader, loadCodecs } from "docedge";
 * const stored = await (await loadCodecs()).decodeJpeg(jpegBytes); // as stored, EXIF not applied
 * const upright = applyOrientation(stored, readImageHeader(jpegBytes).orientation);
 * ```
 */
export function applyOrientation(image: RgbaImage, orientation: Orientation): RgbaImage {
  if (orientation === 1) return image;
  const { width: w, height: h } = image;
  const [ow, oh] = orientedSize(w, h, orientation);
  const src = words(image.data);
  const out = new Uint8ClampedArray(ow * oh * 4);
  const dst = new Uint32Array(out.buffer);
  // For output pixel (x, y): source index = base + x * dx + y * dy.
  let base: number, dx: number, dy: number;
  switch (orientation) {
    case 2: base = w - 1; dx = -1; dy = w; break; // mirror horizontally
    case 3: base = w * h - 1; dx = -1; dy = -w; break; // rotate 180
    case 4: base = (h - 1) * w; dx = 1; dy = -w; break; // mirror vertically
    case 5: base = 0; dx = w; dy = 1; break; // transpose
    case 6: base = (h - 1) * w; dx = -w; dy = 1; break; // rotate 90 clockwise
    case 7: base = w * h - 1; dx = -w; dy = -1; break; // transverse
    case 8: base = w - 1; dx = w; dy = -1; break; // rotate 90 counter-clockwise
  }
  let o = 0;
  for (let y = 0; y < oh; y++) {
    let s = base + y * dy;
    for (let x = 0; x < ow; x++) {
      dst[o++] = src[s];
      s += dx;
    }
  }
  return { data: out, width: ow, height: oh };
}

function words(data: Uint8ClampedArray | Uint8Array): Uint32Array {
  if (data.byteOffset % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  return new Uint32Array(data.slice().buffer);
}
