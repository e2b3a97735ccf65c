// The worker-thread pool on its own (real threads, the real model): same answers as the SDK
// in-process, jobs beyond the thread count wait their turn, a job past the time budget ends
// with TIME_LIMIT while its thread is replaced by one that works, and threads terminated or
// closed again and again never take the process down.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDetector } from "../../src/detector.ts";
import type { WorkerPool } from "../../src/http/pool.ts";
import type { Quad } from "../../src/types.ts";
import { ensureBuilt } from "../support/build.ts";
import { makePng } from "../support/png.ts";
import { PHOTOS } from "./client.ts";

// Node cannot start a worker thread from TypeScript sources (tsx's hooks do not reach workers on
// Node 20), so the pool comes from the build, as it does for every Node user.
ensureBuilt();
// Typed as the sources it is built from. (The path is a variable so that type-checking the tests
// needs no dist/; a literal would make tsc read the build's own declarations, whose WorkerPool is
// not the sources' class by name.)
const BUILT_POOL = "../../dist/src/http/pool.js";
const { createWorkerPool }: typeof import("../../src/http/pool.ts") = await import(BUILT_POOL);

// The build's DocedgeError is not the sources' class: compare codes.
const codeOf = (e: unknown): unknown => (e as { code?: unknown }).code;

describe("WorkerPool", { timeout: 300_000 }, () => {
  let pool: WorkerPool;
  before(async () => {
    pool = await createWorkerPool({ threads: 1 });
  });
  after(async () => {
    await pool?.close();
  });

  it("answers as the in-process detector does, one job at a time per thread", async () => {
    const detector = await createDetector({ numThreads: 1 });
    try {
      const [a, b] = await Promise.all(PHOTOS.slice(0, 2).map((p) => pool.detect(p.bytes)));
      for (const [i, got] of [a!, b!].entries()) {
        const want = await detector.detect(PHOTOS[i]!.bytes);
        assert.equal(got.found, want.found);
        assert.equal(got.width, want.width);
        assert.ok(Math.abs(got.confidence - want.confidence) < 1e-6);
        assert.deepEqual(got.quad, want.quad);
      }
    } finally {
      await detector.dispose();
    }
  });

  it("typed errors cross the thread boundary with their code", async () => {
    await assert.rejects(pool.detect(new Uint8Array([1, 2, 3, 4])), (e: unknown) => codeOf(e) === "UNSUPPORTED_FORMAT");
  });

  it("nonsense sizes are INVALID_INPUT, before any thread starts", async () => {
    for (const options of [{ threads: 0 }, { threads: 1.5 }, { timeoutMs: 0 }]) {
      await assert.rejects(createWorkerPool(options), (e: unknown) => codeOf(e) === "INVALID_INPUT", JSON.stringify(options));
    }
  });

  it("a job past the budget fails with TIME_LIMIT; the replacement thread works", async () => {
    // 36 megapixels from 35 KB of zlib, flattened whole: a full decode, a 36 MP warp and a 36 MP
    // JPEG encode take seconds even on a quiet machine (a decode alone can beat the budget there).
    const big = makePng({ width: 6000, height: 6000, bitDepth: 8, colorType: 0, rows: Array.from({ length: 6000 }, () => new Uint8Array(6000)) });
    const whole: Quad = [[0, 0], [6000, 0], [6000, 6000], [0, 6000]];
    const strict = await createWorkerPool({ threads: 1, timeoutMs: 400 });
    try {
      const started = performance.now();
      await assert.rejects(strict.scan(big, { quad: whole }), (e: unknown) => codeOf(e) === "TIME_LIMIT");
      const ms = performance.now() - started;
      assert.ok(ms < 400 + 1500, `TIME_LIMIT after ${ms.toFixed(0)} ms`);
      // The replacement loads its model, then answers (a small image fits the budget once warm).
      const png = makePng({ width: 8, height: 8, bitDepth: 8, colorType: 0, rows: Array.from({ length: 8 }, () => new Uint8Array(8)) });
      let answered = false;
      for (let i = 0; i < 5 && !answered; i++) {
        answered = await strict.detect(png).then(
          (r) => r.width === 8,
          (e: unknown) => {
            assert.equal(codeOf(e), "TIME_LIMIT", String(e));
            return false;
          },
        );
      }
      assert.ok(answered, "the replacement thread answers");
    } finally {
      await strict.close();
    }
  });

  it("threads terminated mid-job and closed mid-compile, round after round, leave the process alive and answering", async () => {
    // Node 20 can abort the whole process (SIGABRT, NodePlatform::ForIsolate) when a worker's
    // isolate is torn down while V8 still has work queued for it. The churn runs in a process of
    // its own so that such an abort fails this test instead of killing the runner. Each round is
    // one forced termination and one close (about 5 s on a busy 2-core machine).
    const rounds = 10;
    const churn = fileURLToPath(new URL("./pool-churn.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", churn, String(rounds)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    assert.equal(signal, null, `the process died of ${signal}:\n${stderr.slice(-3000)}`);
    assert.equal(code, 0, stderr.slice(-3000));
    const counts = JSON.parse(stdout.trim().split("\n").at(-1)!) as { terminated: number; answered: number; closed: number; photos: number };
    assert.ok(counts.terminated >= rounds, `${counts.terminated} terminations`);
    assert.deepEqual({ answered: counts.answered, closed: counts.closed, photos: counts.photos }, { answered: rounds, closed: rounds, photos: rounds });
  });
});
