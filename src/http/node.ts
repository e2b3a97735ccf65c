/**
 * The docedge HTTP server for Node (`docedge/http/node`): the Hono app on `@hono/node-server`,
 * with a worker-thread pool for detection.
 * @module
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { AppOptions } from "./app.ts";
import { makeProblem, PROBLEM_CONTENT_TYPE, type Problem } from "./problem.ts";
import { createThreadedApp, type ThreadOptions } from "./threaded.ts";

export interface ServeOptions extends AppOptions, ThreadOptions {
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

/**
 * Serve the docedge API on Node with @hono/node-server; detection runs on worker threads (one
 * detector each, as many as cores), so the server's own thread stays free.
 *
 * @example
 * ```ts
 * import { serveNode } from "docedge/http/node";
 * const server = await serveNode({ port: 8787, timeoutMs: 5000, cors: true });
 * console.log(`listening on ${server.port}`);
 * ```
 */
export function serveNode(options: ServeOptions = {}): Promise<RunningServer> {
  const { app, close: closePool } = createThreadedApp(options);
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        hostname,
        close: async () => {
          await new Promise<void>((done, fail) => {
            (server as Server).close((error) => (error ? fail(error) : done()));
            (server as Server).closeIdleConnections?.();
          });
          await closePool();
        },
      });
    });
    // Node closes idle keep-alive connections after 5 s; a client that reuses one just as it
    // closes sees a reset. Keep them longer than common client pools keep theirs (undici: 4 s,
    // but late under CPU load) so that race stays rare.
    (server as Server).keepAliveTimeout = 30_000;
    (server as Server).headersTimeout = 35_000;
    (server as Server).on("clientError", answerClientError);
    server.once("error", reject);
  });
}

/**
 * Node answers requests it cannot parse itself, with a bare status and no body; answer them as
 * problem+json like every other error (431 for oversized headers).
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const problem: Problem =
    error.code === "HPE_HEADER_OVERFLOW"
      ? makeProblem("INVALID_INPUT", "The request headers are larger than the server accepts.", { status: 431 })
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? makeProblem("ABORTED", "The request did not arrive in time.")
        : makeProblem("INVALID_INPUT", "The request is not valid HTTP.");
  const body = JSON.stringify(problem);
  const reason = problem.status === 431 ? "Request Header Fields Too Large" : problem.status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
