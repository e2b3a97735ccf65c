/**
 * Worker threads with a detector each, shared by the Node, Bun and Deno servers (all three run
 * `node:worker_threads`). Decoding and inference then never block the thread that accepts
 * connections, and a job that overruns its time budget is ended by terminating its thread, which
 * also returns all the memory it held; a fresh thread takes its place.
 *
 * Threads end at rest wherever they can. Node 20 tears a thread's V8 isolate down after it has
 * removed the isolate from its task platform, and V8 work still queued for that isolate (GC
 * tasks, background compilation) can then look it up and abort the whole process
 * (`NodePlatform::ForIsolate` CHECK; nodejs/node#31853 names the window, #58070 closes it in
 * Node 24). So an idle thread is asked to stop itself (it frees its detector and collects
 * first), `terminate()` is kept for a job past its budget (synchronous WASM cannot be stopped
 * any other way) and for threads that do not stop in time, and a replacement starts only once
 * the thread it replaces has exited, so a dying isolate never overlaps a starting one.
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { DetectResult } from "../types.ts";
import type { SecondLookMode } from "../quad/second-look.ts";
import type { DetectorOptions } from "../detector.ts";
import { DocedgeError, InvalidInputError, ModelLoadError } from "../errors.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import type { HttpDetector } from "./app.ts";
import { JobClock, type JobRequest, type StopRequest, type WireError, type WorkerInit, type WorkerReply } from "./pool-protocol.ts";

export interface PoolOptions {
  /** Worker threads. Default: the machine's cores (`os.availableParallelism()`), at most 8. */
  threads?: number;
  /** Per-job budget in ms (decode + inference + encode); past it the job fails with TIME_LIMIT. Default 10 000. */
  timeoutMs?: number;
  /** What each worker's detector is made with (`numThreads` defaults to 1: the pool is the parallelism). */
  detectorOptions?: DetectorOptions;
}

/**
 * Default per-job time budget of a worker pool (ms); past it the job fails with TIME_LIMIT.
 *
 * @example
 * ```ts
 * import { createWorkerPool, DEFAULT_TIMEOUT_MS } from "docedge/http/pool";
 * const pool = await createWorkerPool({ threads: 2, timeoutMs: 3 * DEFAULT_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
const RESTART_DELAY_MS = 1000;
/** How long a job may wait for a restarting thread, on top of the time budget. */
const RESTART_WAIT_MS = 30_000;
/** How long an idle thread asked to stop gets to end by itself before it is terminated. */
const STOP_GRACE_MS = 10_000;
/** How long a replacement waits for the terminated thread to exit (should the exit never come). */
const EXIT_WAIT_MS = 10_000;

/**
 * A job ran past the pool's time budget; its thread was terminated and replaced.
 *
 * @example
 * ```ts
 * import { createWorkerPool, TimeLimitError } from "docedge/http/pool";
 * const pool = await createWorkerPool({ threads: 1, timeoutMs: 50 });
 * try {
 *   await pool.detect(jpegBytes);
 * } catch (error) {
 *   if (error instanceof TimeLimitError) console.error(error.code); // "TIME_LIMIT"
 *   else throw error;
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class TimeLimitError extends DocedgeError {
  constructor(ms: number) {
    super("TIME_LIMIT", `Processing this image took longer than the server's ${ms} ms budget; it was stopped.`);
    this.name = "TimeLimitError";
  }
}

/**
 * Worker threads a pool gets by default: the available parallelism, 1 to 8.
 *
 * @example
 * ```ts
 * import { createWorkerPool, defaultPoolThreads } from "docedge/http/pool";
 * const pool = await createWorkerPool({ threads: Math.max(1, defaultPoolThreads() - 1) }); // leave a core free
 * ```
 */
export function defaultPoolThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

// The worker entry next to this file: .ts when running from the sources (Bun, Deno), .js in dist.
// (Node runs the build: tsx's hooks do not reach worker threads on Node 20.)
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "./pool-worker.ts" : "./pool-worker.js", import.meta.url);

interface ThreadEvents {
  /** The thread finished a job and can take another. */
  free(thread: PoolThread): void;
  /** The thread was terminated (time budget, crash, failed start); the pool replaces it once it has exited. */
  gone(thread: PoolThread): void;
}

interface Pending {
  resolve(value: DetectResult | ScanResult): void;
  reject(error: unknown): void;
}

class PoolThread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  /** Resolves when the thread has ended (its isolate torn down). */
  readonly exited: Promise<void>;
  busy = false;
  #job: { id: number; pending: Pending; timer: ReturnType<typeof setTimeout> } | null = null;
  readonly #events: ThreadEvents;
  #gone = false;

  readonly #clock = new JobClock();

  constructor(init: Omit<WorkerInit, "clock">, events: ThreadEvents) {
    this.#events = events;
    this.worker = new Worker(WORKER_URL, { workerData: { ...init, clock: this.#clock.memory } satisfies WorkerInit });
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.ready = new Promise<void>((resolve, reject) => {
      const onStart = (reply: WorkerReply): void => {
        if (reply.type === "ready") resolve();
        else if (reply.type === "failed") reject(toError(reply.error));
      };
      this.worker.on("message", onStart);
      this.worker.once("error", (error) => reject(new ModelLoadError("a detector thread failed to start", { cause: error })));
      this.worker.once("exit", (code) => reject(new ModelLoadError(`a detector thread exited (${code}) while starting`)));
    });
    // A worker that failed to start closes its port and ends by itself: give it the time to.
    this.ready.catch(() => this.#end(STOP_GRACE_MS));
    this.worker.on("message", (reply: WorkerReply) => this.#settle(reply));
    this.worker.on("error", (error) => this.#fail(error));
    this.worker.on("exit", () => this.#fail(new Error("the detector thread exited")));
  }

  run(job: JobRequest, timeoutMs: number, transfer: ArrayBuffer[]): Promise<DetectResult | ScanResult> {
    this.busy = true;
    return new Promise((resolve, reject) => {
      let waitedToStart = false;
      const check = (): void => {
        const elapsed = this.#clock.elapsed(job.id);
        // Finished: the answer is already on its way. Not started yet: the budget has not begun
        // (but a thread that has not even started the job after a second budget is stuck).
        if (elapsed === -1 || this.#job?.id !== job.id) return;
        if ((elapsed === null && !waitedToStart) || (elapsed !== null && elapsed < timeoutMs)) {
          waitedToStart ||= elapsed === null;
          this.#job.timer = setTimeout(check, elapsed === null ? timeoutMs : timeoutMs - elapsed);
          return;
        }
        // The only way to stop synchronous WASM work is to end its thread; that frees its memory too.
        this.#job = null;
        reject(new TimeLimitError(timeoutMs));
        this.#end();
      };
      this.#job = { id: job.id, pending: { resolve, reject }, timer: setTimeout(check, timeoutMs) };
      this.worker.postMessage(job, transfer);
    });
  }

  #settle(reply: WorkerReply): void {
    if ((reply.type !== "result" && reply.type !== "error") || this.#job?.id !== reply.id) return;
    const { pending, timer } = this.#job;
    clearTimeout(timer);
    this.#job = null;
    this.busy = false;
    if (reply.type === "result") pending.resolve(reply.result);
    else pending.reject(toError(reply.error));
    this.#events.free(this);
  }

  #fail(cause: unknown): void {
    const job = this.#job;
    this.#job = null;
    if (job) {
      clearTimeout(job.timer);
      job.pending.reject(new DocedgeError("BUSY", "The detector thread stopped while handling this request; retry.", { cause }));
    }
    this.#end();
  }

  /** Ends the thread, by terminate() unless it exits by itself within `graceMs`; the pool replaces it. */
  #end(graceMs = 0): void {
    if (this.#gone) return;
    this.#gone = true;
    if (graceMs > 0) void within(this.exited, graceMs).then(() => this.worker.terminate());
    else void this.worker.terminate();
    this.#events.gone(this);
  }

  /**
   * Ends the thread: an idle one stops itself (see the module comment); one that is busy (its job
   * is abandoned), still starting, or not ended within `graceMs` is terminated.
   */
  async stop(graceMs: number): Promise<void> {
    const wasGone = this.#gone;
    const idle = !wasGone && !this.busy;
    this.#gone = true;
    // Already on its way out, or about to be (a worker that failed to start ends by itself).
    let ending = wasGone;
    if (idle) {
      const started = await within(this.ready.then(() => true, () => false), graceMs);
      if (started === true) this.worker.postMessage({ kind: "stop" } satisfies StopRequest);
      ending = started !== undefined;
    }
    if (ending && (await within(this.exited.then(() => true), graceMs)) === true) return;
    await this.worker.terminate();
  }
}

/** `promise`'s value, or undefined once `ms` have passed without one. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}


/**
 * A fixed set of detector threads behind the `HttpDetector` interface `createApp` uses. The app's
 * queue admits at most `size` jobs at a time; the pool runs each on a free thread.
 *
 * @example
 * ```ts
 * import { createApp } from "docedge/http";
 * import { createWorkerPool } from "docedge/http/pool";
 * const pool = await createWorkerPool({ threads: 2, timeoutMs: 5000 });
 * const app = createApp({ detector: () => pool, concurrency: pool.size });
 * ```
 */
export class WorkerPool implements HttpDetector {
  readonly size: number;
  readonly timeoutMs: number;
  readonly #init: Omit<WorkerInit, "clock">;
  #threads: PoolThread[] = [];
  /** Threads terminated and not yet exited (close() waits for them too). */
  readonly #exiting = new Set<PoolThread>();
  readonly #waiting: ((thread: PoolThread) => void)[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = options.threads ?? defaultPoolThreads();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(this.size) || this.size < 1) throw new InvalidInputError("threads must be an integer >= 1");
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new InvalidInputError("timeoutMs must be a positive number");
    this.#init = { detectorOptions: { numThreads: 1, ...options.detectorOptions } };
    for (let i = 0; i < this.size; i++) this.#spawn();
  }

  /** Resolves once every thread has loaded its model (rejects with the first failure). */
  async ready(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.ready));
  }

  #spawn(): PoolThread {
    const thread = new PoolThread(this.#init, { free: (t) => this.#hand(t), gone: (t) => this.#replace(t) });
    this.#threads.push(thread);
    thread.ready.then(
      () => this.#hand(thread),
      () => {},
    );
    return thread;
  }

  #replace(gone: PoolThread): void {
    this.#threads = this.#threads.filter((t) => t !== gone);
    this.#exiting.add(gone);
    const exited = within(gone.exited, EXIT_WAIT_MS).then(() => this.#exiting.delete(gone));
    if (this.#closed) return;
    // The replacement starts once the old thread has exited (see the module comment). A thread
    // that could not even start (model missing, out of memory) would fail again at once: retry
    // after a pause instead of spinning.
    const respawn = (): void => {
      if (!this.#closed) this.#spawn();
    };
    gone.ready.then(
      () => void exited.then(respawn),
      () => void exited.then(() => setTimeout(respawn, RESTART_DELAY_MS).unref?.()),
    );
  }

  /** Give a free, started thread to the oldest waiting job. */
  #hand(thread: PoolThread): void {
    if (thread.busy || !this.#threads.includes(thread)) return;
    const next = this.#waiting.shift();
    if (next) {
      thread.busy = true;
      next(thread);
    }
  }

  #acquire(): Promise<PoolThread> {
    return new Promise((resolve, reject) => {
      // Normally a thread is free at once (the app's queue admits at most `size` jobs); this bounds
      // the wait when threads are restarting (loading the model takes seconds).
      const timer = setTimeout(() => {
        const at = this.#waiting.indexOf(take);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(new DocedgeError("BUSY", "No detector thread became free in time; retry."));
      }, this.timeoutMs + RESTART_WAIT_MS);
      const take = (thread: PoolThread): void => {
        clearTimeout(timer);
        resolve(thread);
      };
      this.#waiting.push(take);
      for (const t of this.#threads) {
        if (!t.busy) {
          // Only threads whose model has loaded may take work; ready resolves at once if so.
          void t.ready.then(() => this.#hand(t), () => {});
        }
      }
    });
  }

  async #run(job: JobRequest): Promise<DetectResult | ScanResult> {
    if (this.#closed) throw new DocedgeError("DISPOSED", "the server is shutting down");
    const thread = await this.#acquire();
    // Transfer a copy to the thread: the caller keeps its bytes (a copy costs far less than decoding).
    const own = job.bytes.slice();
    return thread.run({ ...job, bytes: own }, this.timeoutMs, [own.buffer as ArrayBuffer]);
  }

  async detect(input: Uint8Array, options: { threshold?: number; signal?: AbortSignal; secondLook?: SecondLookMode } = {}): Promise<DetectResult> {
    const job: JobRequest = { id: this.#nextId++, kind: "detect", bytes: input };
    if (options.threshold !== undefined) job.threshold = options.threshold;
    if (options.secondLook !== undefined) job.secondLook = options.secondLook;
    return (await this.#run(job)) as DetectResult;
  }

  async scan(input: Uint8Array, options: ScanOptions = {}): Promise<ScanResult> {
    return (await this.#run({ id: this.#nextId++, kind: "scan", bytes: input, options })) as ScanResult;
  }

  /** Stops every thread: idle ones end at rest, busy ones are terminated (their jobs are abandoned). */
  async close(): Promise<void> {
    this.#closed = true;
    const threads = [...this.#threads, ...this.#exiting];
    this.#threads = [];
    await Promise.all(threads.map((t) => t.stop(STOP_GRACE_MS)));
  }
}

/**
 * Create a pool and wait until each thread has its model loaded.
 *
 * @example
 * ```ts
 * import { createWorkerPool } from "docedge/http/pool";
 * import { createApp } from "docedge/http";
 * const pool = await createWorkerPool({ threads: 4 });
 * const app = createApp({ detector: () => pool, concurrency: 4 });
 * ```
 */
export async function createWorkerPool(options: PoolOptions = {}): Promise<WorkerPool> {
  const pool = new WorkerPool(options);
  try {
    await pool.ready();
  } catch (error) {
    await pool.close();
    throw error;
  }
  return pool;
}

function toError(error: WireError): Error {
  if (error.code !== null) return new DocedgeError(error.code, error.message);
  return new Error(error.message);
}
