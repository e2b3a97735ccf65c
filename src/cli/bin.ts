#!/usr/bin/env node
import { enableCompileCache } from "./compile-cache.ts";
import { tuneWasm } from "./v8-tuning.ts";

/** How long after its output has drained a finished command may still be held open. */
const EXIT_FALLBACK_MS = 1000;

enableCompileCache();
tuneWasm();
// Imported after the compile cache is on, so that its modules are cached too.
const { main } = await import("./main.ts");

// `docedge detect dir/ | head -1`: the reader went away; stop quietly as other Unix tools do.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Leave by running out of work, not by process.exit(): on Node, exit() shuts V8's platform down
// before the isolate, and a concurrent compile job waiting there for a garbage collection then
// waits forever (nodejs/node#54918; caught here in 1 of ~370 `detect -` runs, stacks in
// docs/cli.md). The natural teardown disposes the isolate first, which releases such a job.
// Should anything still hold the event loop once our output has drained, exit() a second later,
// when the process has been idle long enough for no compile job to be in flight.
process.stdout.write("", () => {
  setTimeout(() => process.exit(code), EXIT_FALLBACK_MS).unref();
});
