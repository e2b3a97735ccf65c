import type { OpenAPIHono } from "@hono/zod-openapi";
import { createApp, type AppOptions, type HttpDetector } from "./app.ts";
import { createWorkerPool, defaultPoolThreads, type WorkerPool } from "./pool.ts";

/** Server options about the detector threads (Node, Bun and Deno servers). */
export interface ThreadOptions {
  /**
   * Detector worker threads. Default: the machine's cores (at most 8). 0 runs the detector on the
   * server's own thread (then a long decode delays every other request, `/healthz` included).
   */
  threads?: number;
  /**
   * Time budget per request once it runs (decode, inference, encode), in ms. Past it the request
   * ends with 422 TIME_LIMIT and its thread is terminated and replaced, which frees its memory.
   * Default 10 000. Needs threads.
   */
  timeoutMs?: number;
}

/**
 * The app the Node, Bun and Deno adapters serve: its detector is a pool of worker threads (made
 * on the first request, or passed in), unless the caller brings a detector or asks for 0 threads.
 */
export function createThreadedApp(options: AppOptions & ThreadOptions): { app: OpenAPIHono; close(): Promise<void> } {
  const { threads, timeoutMs, ...appOptions } = options;
  if (appOptions.detector !== undefined || threads === 0) return { app: createApp(appOptions), close: async () => {} };
  let pool: WorkerPool | null = null;
  const threadCount = threads ?? defaultPoolThreads();
  const app = createApp({
    ...appOptions,
    concurrency: appOptions.concurrency ?? threadCount,
    detector: async (limits): Promise<HttpDetector> => {
      pool = await createWorkerPool({
        threads: threadCount,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        detectorOptions: { ...appOptions.detectorOptions, limits },
      });
      return pool;
    },
  });
  return {
    app,
    close: async () => {
      await (pool as WorkerPool | null)?.close();
    },
  };
}

