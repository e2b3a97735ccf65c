#!/usr/bin/env node
import { main } from "./main.ts";
import { tuneWasm } from "./v8-tuning.ts";

tuneWasm();

// `docedge detect dir/ | head -1`: the reader went away; stop quietly as other Unix tools do.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// ONNX Runtime's worker threads can outlive the detector; once our output has drained, leave
// explicitly rather than hang. Waiting for the drain keeps piped stdout from being cut short.
process.stdout.write("", () => process.exit(code));
