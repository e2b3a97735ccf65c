import {
  DocedgeError,
  ImageTooLargeError,
  InvalidInputError,
  UnsupportedFormatError,
} from "../errors.ts";
import { concatBytes } from "../runtime/bytes.ts";

/** Media types accepted as a raw body; octet-stream is sniffed by the decoder. */
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
const RAW_TYPES = new Set<string>([...IMAGE_MEDIA_TYPES, "image/jpg", "application/octet-stream"]);

/** Room for multipart boundaries and part headers on top of the image byte limit. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Reads the image a client sent: a raw body typed image/jpeg, image/png or image/webp, or the
 * `image` field of a multipart form. Never holds more than `maxBytes` (+ multipart overhead): the
 * body is streamed and the read stops at the limit, whatever Content-Length claimed.
 *
 * Not hono's `bodyLimit`: it reads a chunked body to its end with no deadline, as middleware
 * before the admission queue has a place for the request, so a client trickling bytes would hold
 * memory and a connection unbounded; here the read starts once admitted and has one deadline.
 */
export async function readImageBody(request: Request, maxBytes: number, timeoutMs = Infinity): Promise<Uint8Array> {
  const contentType = request.headers.get("content-type");
  const mediaType = mediaTypeOf(contentType);
  if (contentType !== null && mediaType === "multipart/form-data") {
    const raw = await readLimited(request, maxBytes + MULTIPART_OVERHEAD, maxBytes, timeoutMs);
    return imageFromMultipart(raw, contentType, maxBytes);
  }
  if (!RAW_TYPES.has(mediaType)) {
    throw new UnsupportedFormatError(
      mediaType
        ? `Content-Type ${mediaType} is not supported; send image/jpeg, image/png, image/webp or multipart/form-data with an "image" field.`
        : 'Missing Content-Type; send image/jpeg, image/png, image/webp or multipart/form-data with an "image" field.',
    );
  }
  const bytes = await readLimited(request, maxBytes, maxBytes, timeoutMs);
  if (bytes.byteLength === 0) throw new InvalidInputError("The request body is empty; send the image bytes.");
  return bytes;
}

async function readLimited(request: Request, limit: number, imageLimit: number, timeoutMs: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(imageLimit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  // One deadline for the whole body (not per chunk): a client trickling a byte a second would
  // otherwise hold its connection and memory for as long as it likes.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (!Number.isFinite(timeoutMs)) return;
    timer = setTimeout(() => {
      reject(new DocedgeError("ABORTED", `The request body did not arrive within ${Math.round(timeoutMs / 1000)} s.`));
      reader.cancel().catch(() => {});
    }, timeoutMs);
  });
  deadline.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(imageLimit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof DocedgeError) throw error;
    throw new DocedgeError("ABORTED", "The upload was interrupted before the body was complete.", {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after the deadline keeps the lock; the body was cancelled anyway.
    }
  }
  if (chunks.length === 1) return chunks[0]!;
  return concatBytes(chunks);
}

async function imageFromMultipart(raw: Uint8Array, contentType: string, maxBytes: number): Promise<Uint8Array> {
  let form: FormData;
  try {
    form = await new Response(raw as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new InvalidInputError("The multipart/form-data body is malformed.", { cause: error });
  }
  const field = form.get("image");
  if (field === null || typeof field === "string") {
    throw new InvalidInputError('The multipart form needs a file field named "image".');
  }
  const type = mediaTypeOf(field.type);
  if (type && !RAW_TYPES.has(type)) {
    throw new UnsupportedFormatError(
      `The "image" field has type ${type}; send image/jpeg, image/png or image/webp.`,
    );
  }
  if (field.size > maxBytes) throw tooLarge(maxBytes);
  if (field.size === 0) throw new InvalidInputError('The "image" field is empty.');
  return new Uint8Array(await field.arrayBuffer());
}

function tooLarge(maxBytes: number): ImageTooLargeError {
  return new ImageTooLargeError(`The image is larger than the ${maxBytes}-byte limit.`);
}
