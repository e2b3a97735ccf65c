import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createEdgeModel } from "../../src/model/session.ts";
import { DocedgeError } from "../../src/errors.ts";
import { resizeToTensor } from "../../src/image/resize.ts";
import { MODEL_INT8, blockPattern, hasModel } from "./helpers.ts";

// The edge model's run queue: an ORT session must not run twice at once, so calls are served one
// after another; a call made while none runs starts at once and reports no wait, which is what
// lets a detection's stages add up to its total exactly.

const skip = hasModel() ? false : `no model at ${MODEL_INT8}`;

test("one call at a time waits for nothing; calls made together are served in turn with the same maps", { skip }, async () => {
  const model = await createEdgeModel(new Uint8Array(readFileSync(MODEL_INT8)), { numThreads: 1 });
  try {
    const input = resizeToTensor(blockPattern(192, 128), model.inputWidth, model.inputHeight);
    const alone = await model.run(input);
    assert.equal(alone.waitedMs, 0);
    const again = await model.run(input);
    assert.equal(again.waitedMs, 0, "a call after the last one settled starts at once too");

    const together = await Promise.all([model.run(input), model.run(input), model.run(input)]);
    assert.equal(together[0]!.waitedMs, 0, "the first of them found the model idle");
    for (const [i, r] of together.entries()) {
      assert.ok(r.waitedMs >= 0 && Number.isFinite(r.waitedMs), `call ${i}: waited ${r.waitedMs}`);
      assert.deepEqual([r.map.width, r.map.height], [alone.map.width, alone.map.height]);
      assert.deepEqual(r.map.data, alone.map.data, `call ${i}: the same input gives the same map`);
    }
    // A queued call whose signal aborted before its turn is refused without running, and the
    // calls around it are unaffected.
    const stop = new AbortController();
    const first = model.run(input);
    const aborted = model.run(input, stop.signal);
    const last = model.run(input);
    stop.abort();
    await assert.rejects(aborted, (e: unknown) => e instanceof DocedgeError && e.code === "ABORTED");
    assert.deepEqual((await first).map.data, alone.map.data);
    assert.deepEqual((await last).map.data, alone.map.data);
    assert.equal((await model.run(input)).waitedMs, 0, "idle again once every call settled, a refused one included");
  } finally {
    await model.dispose();
  }
  await assert.rejects(model.run(new Float32Array(0)), (e: unknown) => e instanceof DocedgeError && e.code === "DISPOSED");
});
