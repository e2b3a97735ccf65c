/**
 * The docedge HTTP server for Bun (`docedge/http/bun`): the Hono app on `Bun.serve`, with a
 * worker-thread pool for detection.
 * @module
 */
import { DEFAULT_HTTP_LIMITS, type AppOptions } from "./app.ts";
import { createThreadedApp } from "./threaded.ts";
import type { RunningServer, ServeOptions } from "./node.ts";

// The slice of Bun's API used here (the project type-checks without bun-types).
interface BunServer {
  port: number;
  hostname: string;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}
interface BunGlobal {
  gc(force: boolean): void;
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Response | Promise<Response>;
    maxRequestBodySize: number;
  }): BunServer;
}

const GC_EVERY = 16;

/**
 * Serve the docedge API with Bun.serve; detection runs on worker threads (one detector each).
 *
 * @example
 * ```ts
 * import { serveBun } from "docedge/http/bun";
 * const server = serveBun({ port: 8787 });
 * ```
 */
export function serveBun(options: ServeOptions = {}): RunningServer {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!bun) throw new Error("serveBun needs the Bun runtime");
  const { app, close: closePool } = createThreadedApp(options);
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_HTTP_LIMITS.maxBytes;
  // Each image request leaves megabytes of short-lived ArrayBuffers (body, decoded RGBA pixels)
  // that JavaScriptCore's heuristics barely count: under steady load Bun's RSS climbed ~30 MiB
  // per 64 requests without end (tests/http/load.test.ts), yet stayed flat at ~150 MiB when
  // collected. So after every GC_EVERY image requests, a full collection runs once the current
  // turn is done; it takes a few milliseconds against seconds of decoding and inference.
  let sinceGc = 0;
  const server = bun.serve({
    port: options.port ?? 8787,
    hostname: options.hostname ?? "127.0.0.1",
    fetch: async (request) => {
      try {
        return await app.fetch(request);
      } finally {
        if (request.method === "POST" && ++sinceGc >= GC_EVERY) {
          sinceGc = 0;
          setTimeout(() => bun.gc(true), 0);
        }
      }
    },
    // Bun refuses larger bodies itself; leave room for multipart framing, the app enforces the rest.
    maxRequestBodySize: maxBytes + 1024 * 1024,
  });
  return {
    port: server.port,
    hostname: server.hostname,
    close: async () => {
      await server.stop();
      await closePool();
    },
  };
}

export type { AppOptions, ServeOptions, RunningServer };
