/**
 * Admission of an image request: bodies being received are counted apart from the queue, and a
 * request takes its place in the queue only once its whole body has arrived.
 */
import { InvalidInputError } from "../errors.ts";
import { readImageBody } from "./body.ts";
import { BusyError, type RequestQueue } from "./queue.ts";

/** Counts bodies being received, so their memory is bounded while the queue only counts arrivals. */
export class UploadGate {
  active = 0;
  constructor(
    readonly max: number,
    readonly timeoutMs: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new InvalidInputError("maxUploads must be an integer >= 1");
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InvalidInputError("bodyTimeoutMs must be a positive number");
  }
}

/**
 * Reads the body first, then takes a place in the queue: a slow upload (1 byte/s) holds only an
 * upload slot and its own bytes, never a queue place a complete request could use. (A queue that
 * is already full refuses at once, as it would after the read.)
 */
export async function readThenAdmit(
  uploads: UploadGate,
  queue: RequestQueue,
  request: Request,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; ticket: ReturnType<RequestQueue["reserve"]> }> {
  // Refuse before reading when no place could be had anyway: under overload, reading every
  // doomed body would cost the server more than the requests it is serving.
  if (queue.isFull() || uploads.active >= uploads.max) throw new BusyError(queue.retryAfterSeconds());
  uploads.active++;
  let bytes: Uint8Array;
  try {
    bytes = await readImageBody(request, maxBytes, uploads.timeoutMs);
  } finally {
    uploads.active--;
  }
  return { bytes, ticket: queue.reserve() };
}
