#!/usr/bin/env node
import { main } from "./main.ts";

const code = await main(process.argv.slice(2));
process.exitCode = code;
// ONNX Runtime's worker threads can outlive the detector; once our output has drained, leave
// explicitly rather than hang. Waiting for the drain keeps piped stdout from being cut short.
process.stdout.write("", () => process.exit(code));
