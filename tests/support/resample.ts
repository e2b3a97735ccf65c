import type { RgbaImage } from "../../src/types.ts";

/**
 * Nearest-neighbour resample to w x h: makes test and bench inputs of the wanted sizes (a 1080p
 * frame from a photo), not a filter under test. One RGBA pixel is moved as one 32-bit word.
 */
export function resample(img: RgbaImage, w: number, h: number): RgbaImage {
  const out = new Uint8ClampedArray(w * h * 4);
  const bytes = img.data.byteOffset % 4 === 0 ? img.data : img.data.slice();
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, img.width * img.height);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / h));
    for (let x = 0; x < w; x++) {
      dst[y * w + x] = src[sy * img.width + Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / w))];
    }
  }
  return { data: out, width: w, height: h };
}
