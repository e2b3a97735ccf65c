/**
 * The docedge HTTP server for Deno (`docedge/http/deno`): the Hono app on `Deno.serve`, with a
 * worker-thread pool for detection.
 * @module
 */
import { createThreadedApp } from "./threaded.ts";
import type { RunningServer, ServeOptions } from "./node.ts";

// The slice of Deno's API used here (the project type-checks without Deno's types).
interface DenoHttpServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoHttpServer;
}

/**
 * Serve the docedge API with Deno.serve; detection runs on worker threads (one detector each).
 * Needs --allow-net, and --allow-read for the model and WASM files in the installed package.
 *
 * @example
 * ```ts
 * import { serveDeno } from "docedge/http/deno";
 * const server = await serveDeno({ port: 8787 });
 * ```
 */
export function serveDeno(options: ServeOptions = {}): Promise<RunningServer> {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!deno) return Promise.reject(new Error("serveDeno needs the Deno runtime"));
  const { app, close: closePool } = createThreadedApp(options);
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = deno.serve(
      {
        port: options.port ?? 8787,
        hostname,
        onListen: (addr) =>
          resolve({
            port: addr.port,
            hostname,
            close: async () => {
              await server.shutdown();
              await closePool();
            },
          }),
      },
      (request) => app.fetch(request),
    );
  });
}
