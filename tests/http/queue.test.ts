// The bounded queue in isolation: admission, FIFO order, 503 hints, and places freed on every path.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BusyError, RequestQueue } from "../../src/http/queue.ts";
import { InvalidInputError, isDocedgeError } from "../../src/errors.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("RequestQueue", () => {
  it("admits concurrency + maxQueue, then refuses with BUSY and a Retry-After hint", () => {
    const q = new RequestQueue({ concurrency: 1, maxQueue: 2 });
    const tickets = [q.reserve(), q.reserve(), q.reserve()];
    assert.throws(
      () => q.reserve(),
      (e: unknown) => e instanceof BusyError && isDocedgeError(e) && e.code === "BUSY" && e.retryAfter >= 1,
    );
    assert.deepEqual(q.stats(), { running: 0, waiting: 3, concurrency: 1, maxQueue: 2 });
    tickets[0]!.cancel();
    tickets[0]!.cancel(); // idempotent
    assert.equal(q.stats().waiting, 2);
    q.reserve();
  });

  it("runs jobs one at a time in arrival order", async () => {
    const q = new RequestQueue({ concurrency: 1, maxQueue: 8 });
    const order: number[] = [];
    let active = 0;
    let maxActive = 0;
    const gates = Array.from({ length: 4 }, deferred);
    const runs = gates.map((gate, i) =>
      q.reserve().run(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        order.push(i);
        await gate.promise;
        active--;
        return i;
      }),
    );
    for (const gate of gates) {
      await new Promise((r) => setTimeout(r, 5));
      gate.resolve();
    }
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(maxActive, 1);
    assert.deepEqual(q.stats(), { running: 0, waiting: 0, concurrency: 1, maxQueue: 8 });
  });

  it("frees the place of a job that throws, and of a waiter whose signal aborts", async () => {
    const q = new RequestQueue({ concurrency: 1, maxQueue: 1 });
    const gate = deferred();
    const first = q.reserve().run(() => gate.promise);
    const controller = new AbortController();
    const second = q.reserve().run(async () => "never", controller.signal);
    assert.throws(() => q.reserve());
    controller.abort();
    await assert.rejects(second, (e: unknown) => isDocedgeError(e) && e.code === "ABORTED");
    assert.equal(q.stats().waiting, 0);
    const third = q.reserve().run(async () => {
      throw new Error("boom");
    });
    gate.resolve();
    await first;
    await assert.rejects(third, /boom/);
    assert.deepEqual(q.stats(), { running: 0, waiting: 0, concurrency: 1, maxQueue: 1 });
  });

  it("rejects nonsense sizes", () => {
    assert.throws(() => new RequestQueue({ concurrency: 0, maxQueue: 1 }), InvalidInputError);
    assert.throws(() => new RequestQueue({ concurrency: 1, maxQueue: -1 }), InvalidInputError);
  });
});
