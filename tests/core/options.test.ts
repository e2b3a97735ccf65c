import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDetectOptions, parseDetectorOptions } from "../../src/options.ts";
import { DocedgeError } from "../../src/errors.ts";

async function rejected(parse: (value: unknown) => Promise<unknown>, value: unknown): Promise<string> {
  try {
    await parse(value);
  } catch (error) {
    assert.ok(error instanceof DocedgeError, `expected a DocedgeError, got ${String(error)}`);
    assert.equal(error.code, "INVALID_INPUT");
    return error.message;
  }
  assert.fail(`accepted ${String(value)}`);
}

test("detect options: every valid field passes as given", async () => {
  const signal = new AbortController().signal;
  assert.deepEqual(await parseDetectOptions(undefined), {});
  assert.deepEqual(await parseDetectOptions(null), {});
  assert.deepEqual(await parseDetectOptions({}), {});
  const all = { threshold: 0, signal, returnEdgeMap: false, secondLook: "never" };
  assert.deepEqual(await parseDetectOptions(all), all);
  assert.deepEqual(await parseDetectOptions({ threshold: 1, secondLook: "always" }), { threshold: 1, secondLook: "always" });
});

test("detect options: a wrong field is INVALID_INPUT naming it", async () => {
  assert.match(await rejected(parseDetectOptions, { threshold: -0.01 }), /threshold/);
  assert.match(await rejected(parseDetectOptions, { threshold: 1.5 }), /threshold/);
  assert.match(await rejected(parseDetectOptions, { threshold: Number.NaN }), /threshold/);
  assert.match(await rejected(parseDetectOptions, { threshold: "0.5" }), /threshold/);
  assert.match(await rejected(parseDetectOptions, { signal: {} }), /signal/);
  assert.match(await rejected(parseDetectOptions, { returnEdgeMap: 1 }), /returnEdgeMap/);
  assert.match(await rejected(parseDetectOptions, { secondLook: "sometimes" }), /secondLook/);
  assert.match(await rejected(parseDetectOptions, { bogus: 1 }), /bogus/);
  assert.match(await rejected(parseDetectOptions, { threshold: 0.5, numThreads: 1 }), /numThreads/);
  assert.match(await rejected(parseDetectOptions, "fast"), /invalid detect options/);
  assert.match(await rejected(parseDetectOptions, [0.5]), /invalid detect options/);
});

test("detector options: nested fields are named by path", async () => {
  assert.deepEqual(await parseDetectorOptions({ numThreads: 1, limits: { maxBytes: 10 } }), { numThreads: 1, limits: { maxBytes: 10 } });
  assert.match(await rejected(parseDetectorOptions, { limits: { maxBytes: 0 } }), /limits\.maxBytes/);
  assert.match(await rejected(parseDetectorOptions, { limits: { maxPixel: 5 } }), /maxPixel/);
  assert.match(await rejected(parseDetectorOptions, { numThreads: 1.5 }), /numThreads/);
  assert.match(await rejected(parseDetectorOptions, { wasm: { ort: 42 } }), /wasm\.ort/);
  assert.match(await rejected(parseDetectorOptions, { progress_callback: "log" }), /progress_callback/);
});
