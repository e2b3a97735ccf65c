// docedge HTTP API on Deno and Deno Deploy (Deno.serve). In your own project:
// import { serveDeno } from "jsr:@docedge/docedge/http/deno".
//   PORT=8787 deno run --allow-net --allow-read --allow-env --allow-sys=uid,gid examples/deno/main.ts
// (the repo's deno.json opts in to --unstable-no-legacy-abort; in your project do the same, see
// docs/http.md, or Deno 2.9 warns about request.signal on the first request).
import { serveDeno } from "../../src/http/deno.ts";

const server = await serveDeno({
  port: Number(Deno.env.get("PORT") ?? 8787),
  hostname: Deno.env.get("HOST") ?? "127.0.0.1",
  maxQueue: Number(Deno.env.get("MAX_QUEUE") ?? 32),
  // Per-request time budget in ms (default 10 000) and detector worker threads (default: cores).
  timeoutMs: optionalInt(Deno.env.get("TIMEOUT_MS")),
  threads: optionalInt(Deno.env.get("THREADS")),
  // Optional overrides; unset means the defaults (20 MiB, 40 megapixels).
  limits: { maxBytes: optionalInt(Deno.env.get("MAX_BYTES")), maxPixels: optionalInt(Deno.env.get("MAX_PIXELS")) },
});
console.log(`docedge listening on http://${server.hostname}:${server.port}`);

function optionalInt(value: string | undefined): number | undefined {
  return value ? Number(value) : undefined;
}
