// Client disconnects on the Deno server (examples/deno on loopback, real model): a request dropped
// by its client while it waits in the queue leaves the queue at once, and reading request.signal
// for that does not make Deno print its legacy-abort deprecation warning (deno.json opts in to
// --unstable-no-legacy-abort; without it Deno 2.9 warns on the first successful request).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasModel } from "../core/helpers.ts";
import { findRuntime } from "../../scripts/runtime-binaries.ts";
import { makePng } from "../support/png.ts";
import { PHOTOS, health, postImage, waitForIdleQueue, type Health } from "./client.ts";
import { startTarget, type Target } from "./servers.ts";

const skip = !hasModel() ? "no model in models/" : !findRuntime("deno") ? "no Deno binary in node_modules" : false;

// What Deno 2.9 prints once per process when a handler read request.signal in legacy-abort mode.
const LEGACY_ABORT_WARNING = /request\.signal aborts on successful responses|unstable-no-legacy-abort/;

/**
 * A smooth 36-megapixel PNG, small on the wire. Scanned whole to a PNG it holds the one detector
 * thread for seconds (3.4 s here: decode, warp, encode), where a detection takes 0.5 s.
 */
const WHOLE_SLOW_PNG = "0,0,5999,0,5999,5999,0,5999";

function slowPng(): Uint8Array {
  const width = 6000;
  const height = 6000;
  const row = new Uint8Array(width * 3);
  for (let x = 0; x < width; x++) row.fill((x * 255) / width, x * 3, x * 3 + 3);
  return makePng({ width, height, bitDepth: 8, colorType: 2, rows: new Array<Uint8Array>(height).fill(row) });
}

/** 124 bytes: small enough that Deno receives it with the headers (see the todo test below). */
function tinyPng(): Uint8Array {
  const row = new Uint8Array(16 * 3).map((_, i) => i * 5);
  return makePng({ width: 16, height: 16, bitDepth: 8, colorType: 2, rows: new Array<Uint8Array>(16).fill(row) });
}

async function waitForQueue(base: string, test: (q: Health["queue"]) => boolean, what: string, timeoutMs = 30_000): Promise<Health["queue"]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { queue } = await health(base);
    if (test(queue)) return queue;
    if (Date.now() > deadline) throw new Error(`${what}: queue stayed ${JSON.stringify(queue)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("deno: client disconnects", { skip, timeout: 300_000 }, () => {
  let target: Target;
  before(async () => {
    // One detector thread, so one slow job holds the only place and later jobs wait.
    target = await startTarget("deno", { env: { THREADS: "1" } });
  });
  after(async () => {
    await target?.stop();
  });

  /**
   * Holds the one thread with a slow scan, queues `body` behind it, aborts that client, and reports
   * whether its place was freed while the slow job still ran (dropped, not skipped at its turn).
   */
  async function abortWhileQueued(body: Uint8Array, type: string): Promise<{ dropped: boolean; queue: Health["queue"] }> {
    let slowAnswered = false;
    const slow = postImage(target.url, `/v1/scan?format=png&quad=${WHOLE_SLOW_PNG}`, slowPng(), "image/png").then((res) => {
      slowAnswered = true;
      return res;
    });
    await waitForQueue(target.url, (q) => q.running === 1 && q.waiting === 0, "the slow job never started");
    const client = new AbortController();
    const queued = fetch(new URL("/v1/detect", target.url), {
      method: "POST",
      headers: { "content-type": type },
      body: body as Uint8Array<ArrayBuffer>,
      signal: client.signal,
    }).catch((error: unknown) => error);
    await waitForQueue(target.url, (q) => q.running === 1 && q.waiting === 1, "the second request never queued");
    client.abort();
    // Were it only skipped at its turn, its place would free when the slow job ends (and answers).
    const queue = await waitForQueue(target.url, (q) => q.waiting === 0, "the aborted request kept its place", 20_000);
    const dropped = queue.running === 1 && !slowAnswered;
    assert.ok((await queued) instanceof Error, "the client saw its own abort");
    const slowRes = await slow;
    assert.equal(slowRes.status, 200, await slowRes.clone().text());
    assert.equal(slowRes.headers.get("content-type"), "image/png");
    await slowRes.arrayBuffer();
    await waitForIdleQueue(target.url);
    return { dropped, queue };
  }

  it("a client that aborts while its request waits in the queue gets its place dropped at once", async () => {
    const photo = PHOTOS[0]!;
    // Warm the thread up first, so the slow job is scanning, not loading the model.
    const warm = await postImage(target.url, "/v1/detect", photo.bytes, photo.type);
    assert.equal(warm.status, 200);
    await warm.arrayBuffer();
    await waitForIdleQueue(target.url);
    const { dropped, queue } = await abortWhileQueued(tinyPng(), "image/png");
    assert.ok(dropped, `the place was freed only when the slow job ended: ${JSON.stringify(queue)}`);
  });

  // Deno 2.9.6 tells a handler about the disconnect (request.signal) only when the whole body came
  // with the headers; once a body was streamed in, the signal stays quiet until the answer is sent.
  it("the same for a photo-sized body", { todo: "Deno 2.9 does not signal a disconnect after a streamed request body" }, async () => {
    const photo = PHOTOS[0]!;
    const { dropped, queue } = await abortWhileQueued(photo.bytes, photo.type);
    assert.ok(dropped, `the place was freed only when the slow job ended: ${JSON.stringify(queue)}`);
  });

  it("prints no legacy-abort warning over successful, failed and aborted requests", async () => {
    const photo = PHOTOS[0]!;
    for (let i = 0; i < 3; i++) {
      const res = await postImage(target.url, "/v1/detect", photo.bytes, photo.type);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const scan = await postImage(target.url, "/v1/scan?format=png", photo.bytes, photo.type);
    assert.equal(scan.status, 200);
    await scan.arrayBuffer();
    const corrupt = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(64).fill(7)]);
    const bad = await postImage(target.url, "/v1/detect", corrupt, "image/jpeg");
    assert.equal(bad.status, 422);
    await bad.arrayBuffer();
    await waitForIdleQueue(target.url);
    // Deno writes the warning when it closes a request, after the answer went out: give it a moment.
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(target.log(), LEGACY_ABORT_WARNING, `server output:\n${target.log()}`);
  });
});
