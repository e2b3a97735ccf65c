import type { ImageInput, RgbaImage } from "../types.ts";
import { CorruptImageError, DocedgeError, InvalidInputError } from "../errors.ts";
import { decodePng, decodeWebp, prepareDecoder } from "./codecs.ts";
import { checkCodedSize, readImageHeader, type ImageFormat, type ImageHeader, type Orientation } from "./header.ts";
import { copyReleased, decodeJpegHeld, decodeJpegWasm, freeHeld, orientHeld, type HeldPixels, type JpegScale } from "./jpeg-wasm.ts";
import { heldPixels, jsPixels, type DetectionPixels } from "./detection-pixels.ts";
import { applyOrientation, orientedSize } from "./orientation.ts";
import {
  checkPixels,
  isRgbaImage,
  readInputBytes,
  resolveLimits,
  validateRgba,
  type DecodeLimits,
} from "./input.ts";

export type { DecodeLimits } from "./input.ts";
export { DEFAULT_LIMITS } from "./input.ts";

export interface DecodedImage {
  /** Upright pixels (EXIF orientation applied). */
  image: RgbaImage;
  /** null for RGBA input. */
  format: ImageFormat | null;
  orientation: Orientation;
}

/** A detection's view of its input: pixels (maybe reduced), and the full upright size they stand for. */
export interface DetectionImage {
  /** Upright pixels (EXIF applied), at 1/`scale` of the source; a JPEG's still in its decoder's memory (release them). */
  pixels: DetectionPixels;
  /** Upright size of the full-resolution source. */
  width: number;
  height: number;
  /** Source pixels per decoded pixel along each axis (1, 2, 4 or 8). */
  scale: JpegScale;
  /** Milliseconds spent loading and compiling the decoder's WASM (first use only), not decoding. */
  setupMs: number;
}

const JPEG_SCALES: readonly JpegScale[] = [8, 4, 2];

/**
 * The smallest JPEG DCT scale that keeps the short side at least `minShortSide` pixels: the model
 * then still averages at least 2x2 decoded pixels into each input pixel, as from a full decode.
 */
export function jpegScaleFor(width: number, height: number, minShortSide: number): JpegScale {
  const short = Math.min(width, height);
  for (const s of JPEG_SCALES) if (Math.ceil(short / s) >= minShortSide) return s;
  return 1;
}

/** Decoded pixels: in JavaScript memory, or (a JPEG decoded for detection) left in the decoder's. */
type Stored = { image: RgbaImage; held?: undefined } | { held: HeldPixels; image?: undefined };

async function decodeStored(bytes: Uint8Array, header: ImageHeader, scale: JpegScale, fast: boolean, hold: boolean): Promise<Stored> {
  // The JPEG decoder throws typed errors with libjpeg's own message; the @jsquash ones get wrapped.
  if (header.format === "jpeg") return hold ? { held: await decodeJpegHeld(bytes, { scale, fast }) } : { image: await decodeJpegWasm(bytes, { scale, fast }) };
  try {
    return { image: header.format === "png" ? await decodePng(bytes) : await decodeWebp(bytes) };
  } catch (error) {
    if (error instanceof DocedgeError) throw error;
    throw new CorruptImageError(`${header.format.toUpperCase()} failed to decode: ${describe(error)}`, { cause: error });
  }
}

/** Bytes to stored-orientation pixels at 1/`scale`, with the limits and size checks every path shares. */
async function decodeBytes(
  input: Exclude<ImageInput, RgbaImage>,
  lim: Required<DecodeLimits>,
  signal: AbortSignal | undefined,
  pickScale: (header: ImageHeader) => JpegScale,
  fast: boolean,
  hold: boolean,
): Promise<{ stored: Stored; header: ImageHeader; scale: JpegScale; setupMs: number }> {
  if (input === null || input === undefined) throw new InvalidInputError("no input image given");
  const bytes = await readInputBytes(input, lim, signal);
  if (bytes.length === 0) throw new InvalidInputError("input is empty (0 bytes)");
  const header = readImageHeader(bytes);
  checkPixels(header.width, header.height, lim);
  checkCodedSize(header, bytes.length);
  if (signal?.aborted) throw new DocedgeError("ABORTED", "aborted", { cause: signal.reason });
  const scale = header.format === "jpeg" ? pickScale(header) : 1;
  // A PNG's chunks are checked before its codec loads, so a file that check refuses (a 126-byte one
  // claiming 4000x4000) never makes a thread load and compile the PNG codec (first refusal in a new
  // process 2.4-3.0 ms instead of 6.6-10.8).
  if (header.format === "png") (await import("./png-check.ts")).checkPng(bytes);
  const t0 = performance.now();
  try {
    await prepareDecoder(header.format);
  } catch (error) {
    if (error instanceof DocedgeError) throw error;
    throw new DocedgeError("MODEL_LOAD_FAILED", `could not load the ${header.format.toUpperCase()} decoder: ${describe(error)}`, { cause: error });
  }
  const setupMs = performance.now() - t0;
  const stored = await decodeStored(bytes, header, scale, fast, hold);
  const decoded = stored.held ?? stored.image;
  const w = Math.ceil(header.width / scale);
  const h = Math.ceil(header.height / scale);
  if (decoded.width !== w || decoded.height !== h) {
    if (stored.held) freeHeld(stored.held);
    throw new CorruptImageError(
      `${header.format.toUpperCase()} decoded to ${decoded.width}x${decoded.height}, header said ${w}x${h}`,
    );
  }
  return { stored, header, scale, setupMs };
}

/** Upright pixels for detection: held ones turned upright in the decoder's memory where it can. */
function uprightPixels(stored: Stored, orientation: Orientation): DetectionPixels {
  const { held } = stored;
  if (held === undefined) return jsPixels(applyOrientation(stored.image, orientation));
  if (orientation === 1) return heldPixels(held);
  const upright = orientHeld(held, orientation);
  if (upright !== null) return heldPixels(upright);
  // An older decoder build without dj_orient: copy out and turn in JavaScript.
  return jsPixels(applyOrientation(copyReleased(held), orientation));
}

/**
 * Decode any accepted input to upright RGBA pixels. Byte and pixel limits are checked from the
 * container headers before the decoder runs, so a file claiming 100k x 100k fails fast without
 * allocating.
 *
 * @example
 * ```ts
 * import { decodeImageWithInfo } from "docedge";
 * const { image, format, orientation } = await decodeImageWithInfo(jpegBytes);
 * console.log(format, orientation, `${image.width}x${image.height}`); // "jpeg" 6 "3024x4032"
 * ```
 */
export async function decodeImageWithInfo(
  input: ImageInput,
  limits?: DecodeLimits,
  signal?: AbortSignal,
): Promise<DecodedImage> {
  const lim = resolveLimits(limits);
  if (isRgbaImage(input)) return { image: validateRgba(input, lim), format: null, orientation: 1 };
  const { stored, header } = await decodeBytes(input, lim, signal, () => 1, false, false);
  // Not held (hold false): the pixels are in JavaScript memory already.
  const decoded = stored.held === undefined ? stored.image : copyReleased(stored.held);
  return { image: applyOrientation(decoded, header.orientation), format: header.format, orientation: header.orientation };
}

/**
 * Decode for detection: a JPEG at the reduced DCT scale that keeps its short side at least
 * `minShortSide` (a 12 MP photo at 1/8: 500x375), other inputs in full. Corners found in
 * `pixels` map back to the source by multiplying with `scale`. A JPEG's pixels stay in the
 * decoder's memory until `pixels.release()`.
 *
 * @example
 * ```ts
 * const { pixels, scale } = await decodeForDetection(jpegBytes, 256);
 * try { const tensor = await pixels.modelInput(128, 128); } finally { pixels.release(); }
 * ```
 */
export async function decodeForDetection(
  input: ImageInput,
  minShortSide: number,
  limits?: DecodeLimits,
  signal?: AbortSignal,
): Promise<DetectionImage> {
  const lim = resolveLimits(limits);
  if (isRgbaImage(input)) {
    const image = validateRgba(input, lim);
    return { pixels: jsPixels(image), width: image.width, height: image.height, scale: 1, setupMs: 0 };
  }
  const pick = (h: ImageHeader): JpegScale => jpegScaleFor(h.width, h.height, minShortSide);
  const { stored, header, scale, setupMs } = await decodeBytes(input, lim, signal, pick, true, true);
  const [width, height] = orientedSize(header.width, header.height, header.orientation);
  return { pixels: uprightPixels(stored, header.orientation), width, height, scale, setupMs };
}

/**
 * Decode any accepted input to upright RGBA pixels (EXIF applied), with typed errors.
 *
 * @example
 * ```ts
 * import { decodeImage } from "docedge";
 * const image = await decodeImage(jpegBytes, { maxPixels: 40_000_000 }); // RgbaImage, upright
 * ```
 */
export async function decodeImage(input: ImageInput, limits?: DecodeLimits, signal?: AbortSignal): Promise<RgbaImage> {
  return (await decodeImageWithInfo(input, limits, signal)).image;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "decoder error";
}
