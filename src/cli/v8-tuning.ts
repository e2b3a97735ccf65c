import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { detectRuntime } from "../runtime/detect.ts";

/** V8's default is 1,800,000 (Node 20); ten times it, see below. */
export const WASM_TIERING_BUDGET = 18_000_000;

/** The V8 flags the CLI sets in its own process on Node (see `tuneWasm`). */
export const CLI_V8_FLAGS: readonly string[] = [`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`, "--wasm-lazy-validation"];

/**
 * Node only, and only in the CLI's own process (the SDK never changes a host's V8 flags). Must
 * run before ONNX Runtime's WASM is compiled. V8's flags are process-wide, so `docedge serve`'s
 * worker threads get them too. Measured in docs/performance.md:
 *
 * - `--wasm-tiering-budget`: let WASM functions run longer in V8's baseline code before they are
 *   recompiled optimised. ONNX Runtime's session creation runs many functions just often enough
 *   to reach the default budget once, and recompiling them cost more than it saved: with ten
 *   times the budget a new process spent 0.7x the CPU to its first result on sample.jpg and
 *   0.4-0.6x the session creation, and inference still reached optimised code within a few runs
 *   (40 runs: 0.4-0.65x the time in all); `serve`'s spawn to first answer 0.76-0.79x with 0-2
 *   threads. Node 22's default is already 13,000,000; Bun (JavaScriptCore) has no such flag;
 *   Deno's V8 showed no difference.
 * - `--wasm-lazy-validation`: validate a WASM function when it is first compiled, not all of a
 *   module's functions up front. ONNX Runtime's 14 MB module holds thousands of functions a
 *   detection never calls; compiling it took ~75 ms of CPU with every function validated and
 *   ~27 ms without. The binaries are the package's own (ONNX Runtime's, the codecs'): a bad one
 *   would fail at its first call instead of at compile time.
 */
export function tuneWasm(): void {
  if (detectRuntime() !== "node") return;
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
}

/** The V8 flags a finished command sets before it exits (`exitOnceCompilerIsQuiet`). */
export const EXIT_V8_FLAGS: readonly string[] = ["--no-turbofan", "--no-maglev"];

/**
 * How long a finished command keeps its event loop turning before it exits, so that a compile job
 * already running in the background can finish (see `exitOnceCompilerIsQuiet`).
 */
export const EXIT_SETTLE_MS = 25;

/**
 * Exit with `code`, on Node only once V8's background compilers are quiet. A JavaScript compile
 * job (TurboFan's; Maglev's from Node 22) runs on a background thread and, when it needs a
 * garbage collection, waits for the main thread to run one. If the main thread is leaving just
 * then, neither ever moves (nodejs/node#54918): process.exit() joins the platform's threads, a
 * natural end drains their tasks first. Seen here as a `docedge detect` that printed its answer
 * and never exited, once in ~370 runs (docs/cli.md has the stacks and rates). So: no new
 * optimisation (the command's work is done; optimised code still runs), a few milliseconds in the
 * event loop for a job in flight to finish (the main thread runs the collections it asks for),
 * then one full collection, which answers a job still waiting and leaves the rest room to
 * allocate, and out.
 */
export function exitOnceCompilerIsQuiet(code: number): void {
  if (detectRuntime() !== "node") {
    process.exit(code);
    return;
  }
  for (const flag of EXIT_V8_FLAGS) setFlagsFromString(flag);
  setTimeout(() => {
    setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
    process.exit(code);
  }, EXIT_SETTLE_MS);
}
