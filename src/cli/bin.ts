#!/usr/bin/env node
import { enableCompileCache } from "./compile-cache.ts";
import { exitOnceCompilerIsQuiet, tuneWasm } from "./v8-tuning.ts";

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
// ONNX Runtime's worker threads can outlive the detector, so leave explicitly once our output has
// drained (waiting for the drain keeps piped stdout from being cut short), and not while V8 may be
// compiling in the background, which can deadlock the exit (exitOnceCompilerIsQuiet).
process.stdout.write("", () => exitOnceCompilerIsQuiet(code));
