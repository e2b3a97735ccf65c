import type { ImageInput, RgbaImage } from "../types.ts";
import { DocedgeError, ImageTooLargeError, InvalidInputError } from "../errors.ts";

/** Input size limits, checked before anything of the claimed size is allocated. */
export interface DecodeLimits {
  /** Largest encoded input accepted, in bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Largest image accepted, in pixels (width x height). Default 100 million. */
  maxPixels?: number;
}

/**
 * The decode limits used when none are given: 64 MiB of bytes, 100 megapixels.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS, createDetector } from "docedge";
 * // Half the default pixel budget, the same byte budget.
 * const detector = await createDetector({ limits: { ...DEFAULT_LIMITS, maxPixels: DEFAULT_LIMITS.maxPixels / 2 } });
 * ```
 */
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
      `image is ${width}x${height} (${formatPixels(width * height)}), over the limit of ${formatPixels(limits.maxPixels)}`,
    );
  }
}

/** "12.3 MP" for camera-sized counts, the exact count below that (a limit of 1 reads "1 pixel"). */
export function formatPixels(n: number): string {
  if (n >= 100_000) return `${(n / 1e6).toFixed(1)} MP`;
  return `${n} pixel${n === 1 ? "" : "s"}`;
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

function abortError(signal: AbortSignal): DocedgeError {
  return new DocedgeError("ABORTED", "aborted", { cause: signal.reason });
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Empty chunks in a row before a stream is refused: they add no bytes, so the byte limit never
 * stops them, and a source that sends only those would otherwise spin (or queue) forever.
 */
export const MAX_EMPTY_CHUNKS = 1024;

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
    try {
      return new Uint8Array(input);
    } catch (error) {
      throw new InvalidInputError("the ArrayBuffer is detached (it was transferred elsewhere)", { cause: error });
    }
  }
  if (typeof Blob !== "undefined" && input instanceof Blob) {
    if (input.size > limits.maxBytes) throw tooManyBytes(input.size, limits);
    return readGuarded(() => input.arrayBuffer().then((b) => new Uint8Array(b)), "the Blob could not be read", signal);
  }
  if (typeof Response !== "undefined" && input instanceof Response) {
    if (!input.ok) {
      throw new InvalidInputError(`the Response has status ${input.status}; only a successful (2xx) response is decoded`);
    }
    if (input.bodyUsed) throw new InvalidInputError("the Response body was already read");
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

/** Await `read`, but give up (ABORTED) the moment `signal` fires; other failures become `what`. */
async function readGuarded<T>(read: () => Promise<T>, what: string, signal?: AbortSignal, onAbort?: () => void): Promise<T> {
  let detach = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    const fire = (): void => {
      // Reject before cancelling: cancelling settles the pending read (as "done") at once.
      reject(abortError(signal));
      onAbort?.();
    };
    signal.addEventListener("abort", fire, { once: true });
    detach = () => signal.removeEventListener("abort", fire);
  });
  try {
    return await Promise.race([read(), aborted]);
  } catch (error) {
    if (error instanceof DocedgeError) throw error;
    throw new InvalidInputError(what, { cause: error });
  } finally {
    detach();
  }
}

async function readStream(
  stream: ReadableStream<Uint8Array>,
  limits: Required<DecodeLimits>,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (stream.locked) throw new InvalidInputError("the stream is locked (another reader holds it)");
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch (error) {
    throw new InvalidInputError("the stream cannot be read", { cause: error });
  }
  const out = new GrowingBytes();
  let emptyInARow = 0;
  const cancel = (reason: unknown): void => {
    reader.cancel(reason).catch(() => {});
  };
  try {
    for (;;) {
      checkAborted(signal);
      const { done, value } = await readGuarded(
        () => reader.read(),
        "the input stream failed while it was being read",
        signal,
        () => cancel(signal?.reason),
      );
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        cancel(undefined);
        throw new InvalidInputError("stream chunks must be Uint8Array");
      }
      if (value.length === 0) {
        if (++emptyInARow > MAX_EMPTY_CHUNKS) {
          cancel(undefined);
          throw new InvalidInputError(`the stream sent more than ${MAX_EMPTY_CHUNKS} empty chunks in a row`);
        }
        continue;
      }
      emptyInARow = 0;
      if (out.length + value.length > limits.maxBytes) {
        cancel(undefined);
        throw tooManyBytes(out.length + value.length, limits);
      }
      out.push(value);
    }
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after an abort keeps the lock; the stream is cancelled anyway.
    }
  }
  return out.bytes();
}

/**
 * Appends chunks into one buffer that doubles as needed: memory stays within twice the bytes
 * received however small the chunks are (an array of a million 1-byte chunks costs ~100 MB).
 */
class GrowingBytes {
  #buffer = new Uint8Array(0);
  length = 0;

  push(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (need > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(need, this.#buffer.length * 2, 64 * 1024));
      grown.set(this.#buffer.subarray(0, this.length));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.length);
    this.length = need;
  }

  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.length);
  }
}
