import type { OpenAPIHono } from "@hono/zod-openapi";
import { createApp, type AppOptions, type HttpDetector } from "./app.ts";
import { createDetector } from "../detector.ts";
import { defaultPoolThreads, WorkerPool } from "./pool.ts";

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
      const detectorOptions = { ...appOptions.detectorOptions, limits };
      let made: WorkerPool;
      try {
        made = new WorkerPool({ threads: threadCount, ...(timeoutMs !== undefined ? { timeoutMs } : {}), detectorOptions });
      } catch (error) {
        // No worker threads here (e.g. an edge host without them): serve from this thread rather
        // than not at all, and say so.
        appOptions.onError?.(new Error("worker threads are unavailable; the detector runs on the server's thread", { cause: error }));
        return createDetector(detectorOptions);
      }
      try {
        await made.ready();
      } catch (error) {
        await made.close();
        throw error;
      }
      pool = made;
      return made;
    },
  });
  return {
    app,
    close: async () => {
      await (pool as WorkerPool | null)?.close();
    },
  };
}

