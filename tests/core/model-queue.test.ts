import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createEdgeModel } from "../../src/model/session.ts";
import { DocedgeError } from "../../src/errors.ts";
import { MODEL_INT8, hasModel } from "./helpers.ts";

// The edge model's run queue: an ORT session must not run twice at once, so calls are served one
// after another; a call made while none runs starts at once and reports no wait, which is what
// lets a detection's stages add up to its total exactly.

const skip = hasModel() ? false : `no model at ${MODEL_INT8}`;

/** A deterministic model input: a bright square on a dark ground, RGB planes in [0, 1]. */
function squareInput(width: number, height: number): Float32Array {
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x > width / 4 && x < (3 * width) / 4 && y > height / 5 && y < (4 * height) / 5;
      for (let c = 0; c < 3; c++) data[c * plane + y * width + x] = inside ? 0.9 : 0.15;
    }
  }
  return data;
}

test("one call at a time waits for nothing; calls made together are served in turn with the same maps", { skip }, async () => {
  const model = await createEdgeModel(new Uint8Array(readFileSync(MODEL_INT8)), { numThreads: 1 });
  try {
    const input = squareInput(model.inputWidth, model.inputHeight);
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
