// A process that churns detector threads, for pool.test.ts: each round, a job past a tiny time
// budget gets its thread terminated mid-job, the replacement must answer, and a second pool is
// started, used once and closed while V8 still compiles its hot WASM in the background. Node 20
// can abort the whole process when a worker's isolate is torn down with V8 work still queued for
// it; this process must instead print its counts and exit 0. Usage: pool-churn.ts ROUNDS
import { makePng } from "../support/png.ts";
import type { Quad } from "../../src/types.ts";
import { PHOTOS } from "./client.ts";

// The build, as pool.test.ts explains (Node cannot start a worker from TypeScript sources).
const BUILT_POOL = "../../dist/src/http/pool.js";
const { createWorkerPool }: typeof import("../../src/http/pool.ts") = await import(BUILT_POOL);
const codeOf = (e: unknown): unknown => (e as { code?: unknown }).code;

const rounds = Number(process.argv[2]);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("usage: pool-churn.ts ROUNDS");

// 36 megapixels from 35 KB of zlib, flattened whole: seconds of decode, warp and encode.
const big = makePng({ width: 6000, height: 6000, bitDepth: 8, colorType: 0, rows: Array.from({ length: 6000 }, () => new Uint8Array(6000)) });
const whole: Quad = [[0, 0], [6000, 0], [6000, 6000], [0, 6000]];
const small = makePng({ width: 8, height: 8, bitDepth: 8, colorType: 0, rows: Array.from({ length: 8 }, () => new Uint8Array(8)) });
const photo = PHOTOS[0]!;

const counts = { terminated: 0, answered: 0, closed: 0, photos: 0 };
const strict = await createWorkerPool({ threads: 1, timeoutMs: 400 });
const timeLimit = (e: unknown): boolean => {
  if (codeOf(e) !== "TIME_LIMIT") throw e;
  counts.terminated++;
  return false;
};
for (let round = 0; round < rounds; round++) {
  await strict.scan(big, { quad: whole }).then(() => {
    throw new Error("a 36 MP scan fit a 400 ms budget");
  }, timeLimit);
  // The replacement loads its model, then answers (a first call on a busy machine may overrun too).
  let answered = false;
  for (let i = 0; i < 5 && !answered; i++) answered = await strict.detect(small).then((r) => r.width === 8, timeLimit);
  if (answered) counts.answered++;
  const extra = await createWorkerPool({ threads: 1 });
  const found = await extra.detect(photo.bytes);
  if (found.found && found.width === photo.width) counts.photos++;
  await extra.close();
  counts.closed++;
}
await strict.close();
console.log(JSON.stringify(counts));
