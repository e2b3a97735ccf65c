import { createApp, DEFAULT_LIMITS, type AppOptions } from "./app.ts";
import type { RunningServer, ServeOptions } from "./node.ts";

// The slice of Bun's API used here (the project type-checks without bun-types).
interface BunServer {
  port: number;
  hostname: string;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}
interface BunGlobal {
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Response | Promise<Response>;
    maxRequestBodySize: number;
  }): BunServer;
}

/** Serve the docedge API with Bun.serve (one detector for the process). */
export function serveBun(options: ServeOptions = {}): RunningServer {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!bun) throw new Error("serveBun needs the Bun runtime");
  const app = createApp(options);
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const server = bun.serve({
    port: options.port ?? 8787,
    hostname: options.hostname ?? "127.0.0.1",
    fetch: (request) => app.fetch(request),
    // Bun refuses larger bodies itself; leave room for multipart framing, the app enforces the rest.
    maxRequestBodySize: maxBytes + 1024 * 1024,
  });
  return {
    port: server.port,
    hostname: server.hostname,
    close: async () => {
      await server.stop();
    },
  };
}

export type { AppOptions, ServeOptions, RunningServer };
