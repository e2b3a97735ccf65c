import type { ImageInput, RgbaImage } from "../types.ts";
import { CorruptImageError, DocedgeError, InvalidInputError } from "../errors.ts";
import { decodeJpeg, decodePng, decodeWebp } from "./codecs.ts";
import { readImageHeader, type ImageFormat, type Orientation } from "./header.ts";
import { applyOrientation } from "./orientation.ts";
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

const DECODERS: Record<ImageFormat, (bytes: Uint8Array) => Promise<RgbaImage>> = {
  jpeg: decodeJpeg,
  png: decodePng,
  webp: decodeWebp,
};

/**
 * Decode any accepted input to upright RGBA pixels. Byte and pixel limits are checked from the
 * container headers before the decoder runs, so a file claiming 100k x 100k fails fast without
 * allocating.
 */
export async function decodeImageWithInfo(
  input: ImageInput,
  limits?: DecodeLimits,
  signal?: AbortSignal,
): Promise<DecodedImage> {
  const lim = resolveLimits(limits);
  if (isRgbaImage(input)) return { image: validateRgba(input, lim), format: null, orientation: 1 };
  if (input === null || input === undefined) throw new InvalidInputError("no input image given");
  const bytes = await readInputBytes(input, lim, signal);
  if (bytes.length === 0) throw new InvalidInputError("input is empty (0 bytes)");
  const header = readImageHeader(bytes);
  checkPixels(header.width, header.height, lim);
  if (signal?.aborted) throw new DocedgeError("ABORTED", "aborted", { cause: signal.reason });
  let decoded: RgbaImage;
  try {
    decoded = await DECODERS[header.format](bytes);
  } catch (error) {
    if (error instanceof DocedgeError) throw error;
    throw new CorruptImageError(`${header.format.toUpperCase()} failed to decode: ${describe(error)}`, { cause: error });
  }
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw new CorruptImageError(
      `${header.format.toUpperCase()} decoded to ${decoded.width}x${decoded.height}, header said ${header.width}x${header.height}`,
    );
  }
  return { image: applyOrientation(decoded, header.orientation), format: header.format, orientation: header.orientation };
}

/** Decode any accepted input to upright RGBA pixels (EXIF applied), with typed errors. */
export async function decodeImage(input: ImageInput, limits?: DecodeLimits, signal?: AbortSignal): Promise<RgbaImage> {
  return (await decodeImageWithInfo(input, limits, signal)).image;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "decoder error";
}
