import { setFlagsFromString } from "node:v8";
import { detectRuntime } from "../runtime/detect.ts";

/** V8's default is 1,800,000 (Node 20); ten times it, see below. */
export const WASM_TIERING_BUDGET = 18_000_000;

/**
 * Node only, and only in the CLI's own process (the SDK never changes a host's V8 flags): let
 * WASM functions run longer in V8's baseline code before they are recompiled optimised. ONNX
 * Runtime's session creation runs many functions just often enough to reach the default budget
 * once, and recompiling them cost more than it saved: with ten times the budget a new process
 * spent 0.7x the CPU to its first result on sample.jpg and 0.4-0.6x the session creation, and
 * inference still reached optimised code within a few runs (40 runs: 0.4-0.65x the time in all).
 * Must run before ONNX Runtime's WASM is compiled. V8's flags are process-wide, so `docedge serve`'s
 * worker threads get it too (spawn to first answer 0.76-0.79x with 0-2 threads, docs/performance.md).
 * Bun (JavaScriptCore) has no such flag; Deno's V8 showed no difference; Node 22's default is
 * already 13,000,000.
 */
export function tuneWasmTiering(): void {
  if (detectRuntime() !== "node") return;
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}
