import type { FloatMap } from "../types.ts";
import type { EdgePixels } from "./edges.ts";
import { refitToEdges } from "./hough.ts";
import type { Line } from "./line.ts";
import { lineSupport, type EvidenceScale, type LineSupport } from "./support.ts";

/**
 * One map's evidence for lines: their support on the map and their refits to its edge pixels,
 * each computed once per distinct line (and refit arguments). One findQuad call asks for the same
 * ones again and again: the retry look re-finds the first look's lines, and the quads closed
 * across frame borders share sides, so their refits and supports repeat (up to two thirds of
 * them on a cluttered map). The answers are the functions' own, so nothing changes but the time.
 */
export interface LineEvidence {
  readonly map: FloatMap;
  readonly edges: EdgePixels;
  readonly scale: EvidenceScale;
  /** `lineSupport(map, line, scale)`. */
  support(line: Line): LineSupport;
  /** `refitToEdges(line, edges, band, iterations, tRange)`. */
  refit(line: Line, band: number, iterations: number, tRange?: [number, number]): Line | null;
}

interface Entry<T> {
  nx: number;
  ny: number;
  c: number;
  /** A refit's band, iterations and t-range (NaN where not given). */
  band: number;
  iterations: number;
  t0: number;
  t1: number;
  value: T;
}

/** The evidence of one map, remembered for the lifetime of this object (one findQuad call). */
export function lineEvidence(map: FloatMap, edges: EdgePixels, scale: EvidenceScale): LineEvidence {
  // A few dozen distinct lines per call (a few hundred at most): a list scanned for exact equals
  // costs less than hashing them.
  const supports: Entry<LineSupport>[] = [];
  arenaUsed = 0;
  const refits: Entry<Line | null>[] = [];
  return {
    map,
    edges,
    scale,
    support(line) {
      return remember(supports, line, NaN, NaN, NaN, NaN, () => lineSupport(map, line, scale, fromArena));
    },
    refit(line, band, iterations, tRange) {
      const t0 = tRange ? tRange[0] : NaN, t1 = tRange ? tRange[1] : NaN;
      return remember(refits, line, band, iterations, t0, t1, () => refitToEdges(line, edges, band, iterations, tRange));
    },
  };
}

// The supports' arrays are views on one buffer that every findQuad call reuses from its start:
// a call's supports live only while it runs, and a typed array of its own each (two per line)
// costs an allocation outside the heap and work for the collector.
let arena = new Float32Array(1 << 14);
let arenaUsed = 0;

function fromArena(n: number): Float32Array {
  if (arenaUsed + n > arena.length) {
    // Views handed out before keep the old buffer.
    arena = new Float32Array(Math.max(2 * arena.length, n));
    arenaUsed = 0;
  }
  arenaUsed += n;
  return arena.subarray(arenaUsed - n, arenaUsed);
}

/** Exact equality (Object.is: NaN, meaning no argument, equals NaN; -0 is not 0, as the functions may tell them apart). */
function remember<T>(memo: Entry<T>[], line: Line, band: number, iterations: number, t0: number, t1: number, compute: () => T): T {
  for (let i = 0; i < memo.length; i++) {
    const e = memo[i];
    if (Object.is(e.c, line.c) && Object.is(e.nx, line.nx) && Object.is(e.ny, line.ny) &&
      Object.is(e.band, band) && Object.is(e.iterations, iterations) && Object.is(e.t0, t0) && Object.is(e.t1, t1)) return e.value;
  }
  const value = compute();
  memo.push({ nx: line.nx, ny: line.ny, c: line.c, band, iterations, t0, t1, value });
  return value;
}
