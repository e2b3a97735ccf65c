import type { ImageInput, RgbaImage } from "../types.ts";
import { DocedgeError, ImageTooLargeError, InvalidInputError } from "../errors.ts";

/** Input size limits, checked before anything of the claimed size is allocated. */
export interface DecodeLimits {
  /** Largest encoded input accepted, in bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Largest image accepted, in pixels (width x height). Default 100 million. */
  maxPixels?: number;
}

export const DEFAULT_LIMITS: Required<DecodeLimits> = {
  maxBytes: 64 * 1024 * 1024,
  maxPixels: 100_000_000,
};

export function resolveLimits(limits?: DecodeLimits): Required<DecodeLimits> {
  return {
    maxBytes: limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxPixels: limits?.maxPixels ?? DEFAULT_LIMITS.maxPixels,
  };
}

export function isRgbaImage(input: unknown): input is RgbaImage {
  if (typeof input !== "object" || input === null) return false;
  const c = input as Partial<RgbaImage>;
  return (
    (c.data instanceof Uint8ClampedArray || c.data instanceof Uint8Array) &&
    typeof c.width === "number" &&
    typeof c.height === "number"
  );
}

export function checkPixels(width: number, height: number, limits: Required<DecodeLimits>): void {
  if (width * height > limits.maxPixels) {
    throw new ImageTooLargeError(
      `image is ${width}x${height} (${(width * height / 1e6).toFixed(1)} MP), over the limit of ${(limits.maxPixels / 1e6).toFixed(1)} MP`,
    );
  }
}

export function validateRgba(image: RgbaImage, limits: Required<DecodeLimits>): RgbaImage {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidInputError(`RGBA image needs positive integer width and height, got ${width}x${height}`);
  }
  checkPixels(width, height, limits);
  if (data.length !== width * height * 4) {
    throw new InvalidInputError(`RGBA data has ${data.length} bytes; ${width}x${height} needs ${width * height * 4}`);
  }
  return image;
}

function tooManyBytes(n: number, limits: Required<DecodeLimits>): ImageTooLargeError {
  return new ImageTooLargeError(`input is ${n} bytes, over the limit of ${limits.maxBytes}`);
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DocedgeError("ABORTED", "aborted", { cause: signal.reason });
}

/** Collect encoded bytes from any accepted byte source, stopping as soon as the limit is passed. */
export async function readInputBytes(
  input: Exclude<ImageInput, RgbaImage>,
  limits: Required<DecodeLimits>,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  checkAborted(signal);
  if (input instanceof Uint8Array) {
    if (input.length > limits.maxBytes) throw tooManyBytes(input.length, limits);
    return input;
  }
  if (input instanceof ArrayBuffer) {
    if (input.byteLength > limits.maxBytes) throw tooManyBytes(input.byteLength, limits);
    return new Uint8Array(input);
  }
  if (typeof Blob !== "undefined" && input instanceof Blob) {
    if (input.size > limits.maxBytes) throw tooManyBytes(input.size, limits);
    return new Uint8Array(await input.arrayBuffer());
  }
  if (typeof Response !== "undefined" && input instanceof Response) {
    const declared = Number(input.headers.get("content-length") ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooManyBytes(declared, limits);
    if (input.body === null) return new Uint8Array(0);
    return readStream(input.body, limits, signal);
  }
  if (typeof ReadableStream !== "undefined" && input instanceof ReadableStream) {
    return readStream(input as ReadableStream<Uint8Array>, limits, signal);
  }
  throw new InvalidInputError(
    "input must be JPEG/PNG/WebP bytes (Uint8Array, ArrayBuffer, Blob, Response, ReadableStream) or RGBA pixels {data,width,height}",
  );
}

async function readStream(
  stream: ReadableStream<Uint8Array>,
  limits: Required<DecodeLimits>,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      checkAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new InvalidInputError("stream chunks must be Uint8Array");
      total += value.length;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooManyBytes(total, limits);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
