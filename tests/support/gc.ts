// A real garbage collection for memory tests: without --expose-gc on the command line, gc is not a
// global, and RSS measured before V8 collects the dropped WASM instances swings with GC timing
// (a PNG test once read +162 MiB over 30 failures that a collection brings back to a few MiB).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Resident set size after two full collections (the second takes what the first's finalizers freed). */
export function settledRss(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}
