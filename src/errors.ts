/**
 * The one error type docedge throws on purpose. Every failure a caller can act on has a stable
 * `code`; HTTP and CLI layers map codes to statuses and exit codes, so never reuse a code for a
 * different cause.
 */
export type DocedgeErrorCode =
  | "INVALID_INPUT" // wrong type or shape of argument / options (HTTP 400)
  | "UNSUPPORTED_FORMAT" // bytes are not JPEG, PNG or WebP (HTTP 415)
  | "CORRUPT_IMAGE" // recognised format, but it fails to decode (HTTP 422)
  | "IMAGE_TOO_LARGE" // byte size or pixel count over the configured limit (HTTP 413)
  | "INVALID_QUAD" // a user-given quad is degenerate, self-intersecting or non-finite (HTTP 400/422)
  | "MODEL_LOAD_FAILED" // the ONNX model or runtime WASM could not be loaded (HTTP 500)
  | "DISPOSED" // the detector was disposed
  | "BUSY" // the bounded queue is full (HTTP 503)
  | "TIME_LIMIT" // processing one image overran the server's time budget (HTTP 422)
  | "ABORTED"; // the caller's AbortSignal fired

/**
 * Base class of every error docedge throws on purpose; `code` is stable, the message is for people.
 *
 * @example
 * ```ts
 * import { detectDocument, isDocedgeError } from "docedge";
 * try {
 *   await detectDocument(jpegBytes);
 * } catch (error) {
 *   // Branch on the stable code, never on the message.
 *   if (isDocedgeError(error) && error.code === "CORRUPT_IMAGE") console.error("that photo is damaged");
 *   else throw error;
 * }
 * ```
 */
export class DocedgeError extends Error {
  readonly code: DocedgeErrorCode;
  constructor(code: DocedgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DocedgeError";
    this.code = code;
  }
}

/**
 * Thrown when an argument or option fails validation.
 *
 * @example
 * ```ts
 * import { detectDocument, InvalidInputError } from "docedge";
 * try {
 *   await detectDocument(jpegBytes, { threshold: 2 });
 * } catch (error) {
 *   if (error instanceof InvalidInputError) console.error(error.code, error.message); // "INVALID_INPUT"
 *   else throw error;
 * }
 * ```
 */
export class InvalidInputError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_INPUT", message, options);
    this.name = "InvalidInputError";
  }
}

/**
 * The bytes are not an image format docedge reads.
 *
 * @example
 * ```ts
 * import { detectDocument, UnsupportedFormatError } from "docedge";
 * try {
 *   await detectDocument(new TextEncoder().encode("not an image"));
 * } catch (error) {
 *   if (error instanceof UnsupportedFormatError) console.error(error.code, error.message); // "UNSUPPORTED_FORMAT"
 *   else throw error;
 * }
 * ```
 */
export class UnsupportedFormatError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNSUPPORTED_FORMAT", message, options);
    this.name = "UnsupportedFormatError";
  }
}

/**
 * A JPEG/PNG/WebP that is truncated or damaged.
 *
 * @example
 * ```ts
 * import { detectDocument, CorruptImageError } from "docedge";
 * try {
 *   await detectDocument(jpegBytes.subarray(0, 1000));
 * } catch (error) {
 *   if (error instanceof CorruptImageError) console.error(error.code, error.message); // "CORRUPT_IMAGE"
 *   else throw error;
 * }
 * ```
 */
export class CorruptImageError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CORRUPT_IMAGE", message, options);
    this.name = "CorruptImageError";
  }
}

/**
 * Over the byte or pixel limit; raised before the claimed size is allocated.
 *
 * @example
 * ```ts
 * import { detectDocument, ImageTooLargeError } from "docedge";
 * try {
 *   await detectDocument(jpegBytes, { limits: { maxPixels: 1_000_000 } });
 * } catch (error) {
 *   if (error instanceof ImageTooLargeError) console.error(error.code, error.message); // "IMAGE_TOO_LARGE"
 *   else throw error;
 * }
 * ```
 */
export class ImageTooLargeError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("IMAGE_TOO_LARGE", message, options);
    this.name = "ImageTooLargeError";
  }
}

/**
 * A quad that cannot describe a page.
 *
 * @example
 * ```ts
 * import { scanDocument, InvalidQuadError } from "docedge";
 * try {
 *   await scanDocument(jpegBytes, { quad: [[0, 0], [10, 10], [20, 20], [30, 30]] }); // collinear corners
 * } catch (error) {
 *   if (error instanceof InvalidQuadError) console.error(error.code, error.message); // "INVALID_QUAD"
 *   else throw error;
 * }
 * ```
 */
export class InvalidQuadError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_QUAD", message, options);
    this.name = "InvalidQuadError";
  }
}

/**
 * The model or ONNX Runtime could not be loaded or initialised.
 *
 * @example
 * ```ts
 * import { detectDocument, ModelLoadError } from "docedge";
 * try {
 *   await detectDocument(jpegBytes, { model: "missing-model.onnx" });
 * } catch (error) {
 *   if (error instanceof ModelLoadError) console.error(error.code, error.message); // "MODEL_LOAD_FAILED"
 *   else throw error;
 * }
 * ```
 */
export class ModelLoadError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MODEL_LOAD_FAILED", message, options);
    this.name = "ModelLoadError";
  }
}

/**
 * True for errors docedge threw on purpose (any `DocedgeError`, also across copies of the package).
 *
 * @example
 * ```ts
 * import { detectDocument, isDocedgeError } from "docedge";
 * const result = await detectDocument(jpegBytes).catch((error: unknown) => {
 *   if (isDocedgeError(error)) return { found: false as const, code: error.code };
 *   throw error;
 * });
 * ```
 */
export function isDocedgeError(value: unknown): value is DocedgeError {
  return value instanceof DocedgeError;
}
