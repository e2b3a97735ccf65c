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

export class DocedgeError extends Error {
  readonly code: DocedgeErrorCode;
  constructor(code: DocedgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DocedgeError";
    this.code = code;
  }
}

/** Thrown when an argument or option fails validation. */
export class InvalidInputError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_INPUT", message, options);
    this.name = "InvalidInputError";
  }
}

/** The bytes are not an image format docedge reads. */
export class UnsupportedFormatError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNSUPPORTED_FORMAT", message, options);
    this.name = "UnsupportedFormatError";
  }
}

/** A JPEG/PNG/WebP that is truncated or damaged. */
export class CorruptImageError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CORRUPT_IMAGE", message, options);
    this.name = "CorruptImageError";
  }
}

/** Over the byte or pixel limit; raised before the claimed size is allocated. */
export class ImageTooLargeError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("IMAGE_TOO_LARGE", message, options);
    this.name = "ImageTooLargeError";
  }
}

/** A quad that cannot describe a page. */
export class InvalidQuadError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_QUAD", message, options);
    this.name = "InvalidQuadError";
  }
}

/** The model or ONNX Runtime could not be loaded or initialised. */
export class ModelLoadError extends DocedgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MODEL_LOAD_FAILED", message, options);
    this.name = "ModelLoadError";
  }
}

export function isDocedgeError(value: unknown): value is DocedgeError {
  return value instanceof DocedgeError;
}
