import { DocedgeError, InvalidInputError } from "../errors.ts";

export interface QueueOptions {
  /** Jobs run at once (one detector rarely gains from more than 1 on a small machine). */
  concurrency: number;
  /** Admitted jobs that may wait beyond `concurrency`; past that, `reserve` throws BUSY. */
  maxQueue: number;
}

export interface QueueStats {
  running: number;
  waiting: number;
  concurrency: number;
  maxQueue: number;
}

/**
 * A place in the queue, taken when a request arrives (before its body is read, so the memory held by
 * bodies in flight is bounded by concurrency + maxQueue). Exactly one of `run` or `cancel` frees it.
 */
export interface Ticket {
  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  cancel(): void;
}

/** Thrown by `reserve` when the queue is full; `retryAfter` is a hint in whole seconds. */
export class BusyError extends DocedgeError {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super("BUSY", "The server is at capacity; retry later.");
    this.name = "BusyError";
    this.retryAfter = retryAfter;
  }
}

/**
 * Bounded FIFO admission + concurrency limiter for the one detector of a process or isolate. Not
 * p-limit / p-queue: a place here is reserved as a ticket and refused at once with BUSY and a
 * Retry-After estimated from recent job times, which those limiters do not offer.
 */
export class RequestQueue {
  readonly #concurrency: number;
  readonly #maxQueue: number;
  #admitted = 0; // tickets not yet finished: running + waiting (incl. those still uploading)
  #running = 0;
  readonly #waiters: (() => void)[] = [];
  #avgJobMs = 0;

  constructor(options: QueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new InvalidInputError("concurrency must be an integer >= 1");
    }
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) {
      throw new InvalidInputError("maxQueue must be an integer >= 0");
    }
    this.#concurrency = options.concurrency;
    this.#maxQueue = options.maxQueue;
  }

  stats(): QueueStats {
    return {
      running: this.#running,
      waiting: this.#admitted - this.#running,
      concurrency: this.#concurrency,
      maxQueue: this.#maxQueue,
    };
  }

  /** Seconds until a slot is likely free, from the recent average job time. */
  retryAfterSeconds(): number {
    const perJob = this.#avgJobMs > 0 ? this.#avgJobMs : 1000;
    const ahead = Math.max(1, this.#admitted - this.#concurrency + 1);
    return Math.min(60, Math.max(1, Math.ceil((perJob * ahead) / this.#concurrency / 1000)));
  }

  /** True when `reserve` would throw BUSY right now. */
  isFull(): boolean {
    return this.#admitted >= this.#concurrency + this.#maxQueue;
  }

  reserve(): Ticket {
    if (this.isFull()) {
      throw new BusyError(this.retryAfterSeconds());
    }
    this.#admitted++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.#admitted--;
    };
    return {
      cancel: finish,
      run: async <T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
        if (done) throw new Error("ticket already used");
        try {
          await this.#acquire(signal);
        } catch (error) {
          finish();
          throw error;
        }
        const started = Date.now();
        try {
          // Detection is CPU-bound and mostly synchronous: without a macrotask break here, a
          // single-threaded server would parse (and admit) no other request until the job ends, so
          // the backlog would pile up unbounded in the socket queue instead of getting 503s.
          await yieldToEventLoop();
          if (signal?.aborted) throw abortError();
          return await job();
        } finally {
          this.#recordJob(Date.now() - started);
          this.#running--;
          finish();
          this.#wakeNext();
        }
      },
    };
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.#running < this.#concurrency && this.#waiters.length === 0) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.#running++;
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(wake);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(wake);
    });
  }

  #wakeNext(): void {
    while (this.#running < this.#concurrency && this.#waiters.length > 0) {
      const next = this.#waiters.shift();
      if (next) next();
    }
  }

  #recordJob(ms: number): void {
    this.#avgJobMs = this.#avgJobMs === 0 ? ms : this.#avgJobMs * 0.8 + ms * 0.2;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function abortError(): DocedgeError {
  return new DocedgeError("ABORTED", "The request was aborted while waiting for the detector.");
}
