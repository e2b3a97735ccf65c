// docedge HTTP API on Bun (Bun.serve). In your own project: import { serveBun } from "docedge/http/bun".
//   PORT=8787 bun examples/bun/server.ts
import { serveBun } from "../../src/http/bun.ts";

const server = serveBun({
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

function optionalInt(value: string | undefined) {
  return value ? Number(value) : undefined;
}
