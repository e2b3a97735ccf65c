import type { DetectResult } from "../types.ts";
import type { SecondLookMode } from "../quad/second-look.ts";
import type { DetectorOptions } from "../detector.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import type { DocedgeErrorCode } from "../errors.ts";

/** Messages between the server's thread and a pool worker (structured-cloned; bytes transferred). */

export interface WorkerInit {
  detectorOptions: DetectorOptions;
  /** A JobClock's memory (see below), shared with the thread that owns the worker. */
  clock: SharedArrayBuffer;
}

/**
 * What a worker is doing, readable by the owning thread without a message: which job started
 * (and when, in Date.now() ms) and which finished. The time budget is judged from these, so a
 * result that is merely waiting in a busy event loop's queue is never mistaken for an overrun,
 * and time a job spends waiting to start is not charged to it.
 */
export class JobClock {
  readonly #ids: Int32Array;
  readonly #times: Float64Array;

  constructor(readonly memory: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.#ids = new Int32Array(memory, 0, 2);
    this.#times = new Float64Array(memory, 8, 1);
  }

  start(id: number): void {
    this.#times[0] = Date.now();
    Atomics.store(this.#ids, 0, id);
  }

  finish(id: number): void {
    Atomics.store(this.#ids, 1, id);
  }

  /** ms since job `id` started; null if it has not started; -1 if it already finished. */
  elapsed(id: number): number | null {
    if (Atomics.load(this.#ids, 1) === id) return -1;
    if (Atomics.load(this.#ids, 0) !== id) return null;
    return Date.now() - this.#times[0]!;
  }
}

export type JobRequest =
  | { id: number; kind: "detect"; bytes: Uint8Array; threshold?: number; secondLook?: SecondLookMode }
  | { id: number; kind: "scan"; bytes: Uint8Array; options: ScanOptions };

/**
 * Ends an idle worker from inside: it releases its detector, collects, and closes its port, so the
 * thread exits at rest instead of being torn down by `terminate()` (see pool.ts on why that matters).
 */
export interface StopRequest {
  kind: "stop";
}

/** What the owning thread sends a worker. */
export type PoolMessage = JobRequest | StopRequest;

/** A DocedgeError's code and message; anything else travels as a bare message (never shown to clients). */
export interface WireError {
  code: DocedgeErrorCode | null;
  message: string;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "failed"; error: WireError }
  | { type: "result"; id: number; result: DetectResult | ScanResult }
  | { type: "error"; id: number; error: WireError };
