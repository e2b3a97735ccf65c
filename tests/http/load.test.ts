/**
 * Load test: a few hundred real detections, 16 in flight at a time, against each runtime's example
 * server. Every answer is checked against the SDK's own result, and the server's resident memory
 * must settle: after the warm-up round it may not keep growing from round to round.
 *
 * LOAD_RUNTIMES=node,bun (comma list) picks runtimes; default all four. LOAD_ROUNDS (default 3)
 * and LOAD_PER_ROUND (default 64) size it: 16 + 3 x 64 = 208 requests per runtime.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DetectResult } from "../../src/types.ts";
import { PHOTOS, inProcessDetections, postImage } from "./client.ts";
import { RUNTIMES, rssBytes, settledRss, startTarget, type RuntimeName, type Target } from "./servers.ts";

const CONCURRENCY = 16;
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 3);
const PER_ROUND = Number(process.env.LOAD_PER_ROUND ?? 64);
const WARMUP = 16;
const selected = (process.env.LOAD_RUNTIMES?.split(",") ?? RUNTIMES) as RuntimeName[];

let reference = new Map<string, DetectResult>();

before(async () => {
  reference = await inProcessDetections();
});

/** Sends `count` detections with CONCURRENCY in flight; returns failures (status or content). */
async function round(url: string, count: number, tolerance: number): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const photo = PHOTOS[i % PHOTOS.length]!;
      const ref = reference.get(photo.name)!;
      try {
        const res = await postImage(url, "/v1/detect", photo.bytes, photo.type);
        const text = await res.text();
        if (res.status !== 200) {
          failures.push(`#${i} ${photo.name}: ${res.status} ${text}`);
          continue;
        }
        const body = JSON.parse(text) as DetectResult;
        const quadOk =
          ref.quad === null
            ? body.quad === null
            : body.quad !== null && body.quad.every((p, c) => Math.abs(p[0] - ref.quad![c]![0]) <= 0.5 && Math.abs(p[1] - ref.quad![c]![1]) <= 0.5);
        if (body.found !== ref.found || !quadOk || Math.abs(body.confidence - ref.confidence) > tolerance || body.width !== photo.width) {
          failures.push(`#${i} ${photo.name}: unexpected ${text}`);
        }
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        failures.push(`#${i} ${photo.name}: ${String(error)}${cause ? ` (${String(cause)})` : ""}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}


const MiB = 1024 * 1024;

for (const runtime of selected) {
  describe(`load on ${runtime}`, { timeout: 900_000 }, () => {
    let target: Target;
    before(async () => {
      target = await startTarget(runtime, { maxQueue: 16 });
    });
    after(async () => {
      await target?.stop();
    });

    it(`${WARMUP} + ${ROUNDS} x ${PER_ROUND} detections, ${CONCURRENCY} at a time: all correct, memory settles`, async () => {
      const tolerance = runtime === "workerd" ? 0.03 : 0.01;
      const started = performance.now();
      const warm = await round(target.url, WARMUP, tolerance);
      assert.deepEqual(warm, [], "warm-up failures");
      const rss: number[] = [await settledRss(target)];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        const failures = await round(target.url, PER_ROUND, tolerance);
        const seconds = (performance.now() - t0) / 1000;
        rss.push(await settledRss(target));
        console.log(
          `${runtime} round ${r + 1}: ${PER_ROUND} requests in ${seconds.toFixed(1)} s ` +
            `(${(PER_ROUND / seconds).toFixed(1)}/s), RSS ${(rss.at(-1)! / MiB).toFixed(1)} MiB`,
        );
        assert.deepEqual(failures, [], `round ${r + 1} failures`);
      }
      const total = WARMUP + ROUNDS * PER_ROUND;
      console.log(
        `${runtime}: ${total} requests in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS after warm-up ` +
          `${(rss[0]! / MiB).toFixed(1)} MiB, per round ${rss.slice(1).map((b) => (b / MiB).toFixed(1)).join(", ")} MiB`,
      );
      // Settled memory may wobble (GC timing, allocator pools) but must not climb round after
      // round: the last round ends within 10% + 24 MiB of the first measured round.
      const first = rss[1]!;
      const last = rss.at(-1)!;
      assert.ok(last <= first * 1.1 + 24 * MiB, `RSS grew from ${(first / MiB).toFixed(1)} to ${(last / MiB).toFixed(1)} MiB`);
    });
  });
}

/**
 * Soak: 64 clients keep a request in flight each for LOAD_SOAK_S seconds (default 60), far more
 * than the queue holds. Every answer must be 200 or 503 BUSY with Retry-After (never another 5xx),
 * and resident memory, sampled each second, must stay flat.
 * LOAD_SOAK_RUNTIMES=node,bun (default) picks runtimes; LOAD_SOAK_S=0 skips.
 */
const SOAK_S = Number(process.env.LOAD_SOAK_S ?? 60);
const SOAK_IN_FLIGHT = 64;
const soakRuntimes = (process.env.LOAD_SOAK_RUNTIMES?.split(",") ?? ["node", "bun"]) as RuntimeName[];

for (const runtime of SOAK_S > 0 ? soakRuntimes : []) {
  describe(`soak on ${runtime}`, { timeout: 900_000 }, () => {
    let target: Target;
    before(async () => {
      target = await startTarget(runtime, { maxQueue: 16 });
    });
    after(async () => {
      await target?.stop();
    });

    it(`${SOAK_IN_FLIGHT} in flight for ${SOAK_S} s: only 200 or 503 + Retry-After, RSS flat`, async () => {
      // One request per thread first, so the baseline includes warm threads.
      const first = await postImage(target.url, "/v1/detect", PHOTOS[0]!.bytes, PHOTOS[0]!.type);
      assert.equal(first.status, 200, `${await first.text()}\n${target.log()}`);
      await first.arrayBuffer().catch(() => {});
      const baseline = await settledRss(target);
      const statuses = new Map<number, number>();
      const bad: string[] = [];
      const samples: { t: number; rss: number }[] = [];
      const started = performance.now();
      const end = started + SOAK_S * 1000;
      const sampler = setInterval(() => samples.push({ t: (performance.now() - started) / 1000, rss: rssBytes(target.pid) }), 1000);
      const client = async (k: number): Promise<void> => {
        for (let i = k; performance.now() < end; i += SOAK_IN_FLIGHT) {
          const photo = PHOTOS[i % PHOTOS.length]!;
          try {
            const res = await postImage(target.url, "/v1/detect", photo.bytes, photo.type);
            const text = await res.text();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 503) {
              if (!(Number(res.headers.get("retry-after")) >= 1) || !text.includes('"BUSY"')) bad.push(`503 without Retry-After/BUSY: ${text}`);
              // A client that backs off a little (not the full Retry-After: keep the pressure on).
              await new Promise((r) => setTimeout(r, 100));
            } else if (res.status !== 200) {
              bad.push(`${res.status}: ${text}`);
            }
          } catch (error) {
            bad.push(`request failed: ${String(error)}`);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: SOAK_IN_FLIGHT }, (_, k) => client(k)));
      } finally {
        clearInterval(sampler);
      }
      const window = (from: number, to: number): number =>
        Math.max(...samples.filter((s) => s.t >= from && s.t < to).map((s) => s.rss));
      // The first third warms the heaps of every thread up to their working size; flat means the
      // last third peaks no higher than the second.
      const third = SOAK_S / 3;
      const early = window(third, 2 * third);
      const late = window(2 * third, SOAK_S + 1);
      const settled = await settledRss(target);
      const buckets = Array.from({ length: Math.ceil(SOAK_S / 10) }, (_, i) => (window(i * 10, i * 10 + 10) / MiB).toFixed(0));
      console.log(
        `${runtime} soak: ${JSON.stringify(Object.fromEntries(statuses))} in ${SOAK_S} s; RSS ${(baseline / MiB).toFixed(0)} MiB ` +
          `settled before, max per 10 s under load ${buckets.join(", ")} MiB, ${(settled / MiB).toFixed(0)} settled after`,
      );
      assert.deepEqual(bad.slice(0, 5), []);
      assert.ok((statuses.get(200) ?? 0) > 0, "some requests were served");
      assert.ok(late <= early * 1.1 + 32 * MiB, `RSS under load climbed from ${(early / MiB).toFixed(0)} to ${(late / MiB).toFixed(0)} MiB`);
    });
  });
}
