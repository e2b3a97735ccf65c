import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createApp, type AppOptions } from "./app.ts";

export interface ServeOptions extends AppOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: a public bind must be asked for (e.g. "0.0.0.0" in a container). */
  hostname?: string;
}

export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  hostname: string;
  /** Stops accepting connections and resolves once open ones have finished. */
  close(): Promise<void>;
}

/** Serve the docedge API on Node with @hono/node-server (one detector for the process). */
export function serveNode(options: ServeOptions = {}): Promise<RunningServer> {
  const app = createApp(options);
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        hostname,
        close: () =>
          new Promise<void>((done, fail) => {
            (server as Server).close((error) => (error ? fail(error) : done()));
            (server as Server).closeIdleConnections?.();
          }),
      });
    });
    // Node closes idle keep-alive connections after 5 s; a client that reuses one just as it
    // closes sees a reset. Keep them longer than common client pools keep theirs (undici: 4 s,
    // but late under CPU load) so that race stays rare.
    (server as Server).keepAliveTimeout = 30_000;
    (server as Server).headersTimeout = 35_000;
    server.once("error", reject);
  });
}
