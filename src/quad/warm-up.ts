import type { FloatMap } from "../types.ts";
import { findQuadDetailed } from "./find-quad.ts";

let warmed = false;

/**
 * The warm-up's edge map: a 32x32 outline the finder takes all the way to a quad (lines, search,
 * refits, corners), so that every function a real detection runs is compiled by it.
 *
 * @example
 * ```ts
 * console.log(findQuad(warmUpMap()).found); // true
 * ```
 */
export function warmUpMap(): FloatMap {
  const n = 32;
  const data = new Float32Array(n * n);
  for (let i = 5; i <= 26; i++) for (const [x, y] of [[i, 6], [i, 26], [5, i], [26, i]]) data[y * n + x] = 1;
  return { data, width: n, height: n };
}

/**
 * Run the quad finder once, on `warmUpMap()`, so that V8 compiles its functions now rather than
 * inside a process's first detection. A detector calls this once per process while ONNX Runtime's
 * WASM compiles, when the main thread would otherwise wait. A first finder call on Node (14-17 ms
 * of main-thread CPU on the sample's map here) spends about 4 ms compiling its ~80 functions to
 * bytecode and the rest running them in the interpreter; this one costs 6-9 ms and the real first
 * call then takes 8-10 (docs/performance-log.md, cold start, fifth round). A full-size map with clutter
 * would warm the loops more, but costs ~30 ms there (the fourth round).
 *
 * @example
 * ```ts
 * warmUpFinder(); // once; later calls do nothing
 * ```
 */
export function warmUpFinder(): void {
  if (warmed) return;
  warmed = true;
  try {
    findQuadDetailed(warmUpMap());
  } catch {
    // Only a warm-up: whatever went wrong here, the detection it was for will say.
  }
}
