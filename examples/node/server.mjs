// docedge HTTP API on Node (>= 20) with @hono/node-server. Run `npm run build` first; in your own
// project: import { serveNode } from "docedge/http/node".
//   PORT=8787 node examples/node/server.mjs
import { serveNode } from "../../dist/src/http/node.js";

const server = await serveNode({
  port: Number(process.env.PORT ?? 8787),
  hostname: process.env.HOST ?? "127.0.0.1",
  maxQueue: Number(process.env.MAX_QUEUE ?? 32),
  // Per-request time budget in ms (default 10 000) and detector worker threads (default: cores).
  timeoutMs: optionalInt(process.env.TIMEOUT_MS),
  threads: optionalInt(process.env.THREADS),
  // Optional overrides; unset means the defaults (20 MiB, 40 megapixels).
  limits: { maxBytes: optionalInt(process.env.MAX_BYTES), maxPixels: optionalInt(process.env.MAX_PIXELS) },
});
console.log(`docedge listening on http://${server.hostname}:${server.port}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => server.close().then(() => process.exit(0)));
}

function optionalInt(value) {
  return value ? Number(value) : undefined;
}
