import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDetectOptions } from "../../src/options.ts";
import { DocedgeError } from "../../src/errors.ts";

function rejected(value: unknown): string {
  try {
    parseDetectOptions(value);
  } catch (error) {
    assert.ok(error instanceof DocedgeError, `expected a DocedgeError, got ${String(error)}`);
    assert.equal(error.code, "INVALID_INPUT");
    return error.message;
  }
  assert.fail(`accepted ${String(value)}`);
}

test("detect options: every valid field passes as given", () => {
  const signal = new AbortController().signal;
  assert.deepEqual(parseDetectOptions(undefined), {});
  assert.deepEqual(parseDetectOptions(null), {});
  assert.deepEqual(parseDetectOptions({}), {});
  const all = { threshold: 0, signal, returnEdgeMap: false, secondLook: "never" };
  assert.deepEqual(parseDetectOptions(all), all);
  assert.deepEqual(parseDetectOptions({ threshold: 1, secondLook: "always" }), { threshold: 1, secondLook: "always" });
  assert.deepEqual(parseDetectOptions({ threshold: undefined, secondLook: "auto" }), { threshold: undefined, secondLook: "auto" });
});

test("detect options: a wrong field is INVALID_INPUT naming it", () => {
  assert.match(rejected({ threshold: -0.01 }), /threshold/);
  assert.match(rejected({ threshold: 1.5 }), /threshold/);
  assert.match(rejected({ threshold: Number.NaN }), /threshold/);
  assert.match(rejected({ threshold: "0.5" }), /threshold/);
  assert.match(rejected({ signal: {} }), /signal/);
  assert.match(rejected({ returnEdgeMap: 1 }), /returnEdgeMap/);
  assert.match(rejected({ secondLook: "sometimes" }), /secondLook/);
  assert.match(rejected({ bogus: 1 }), /bogus: unknown option/);
  assert.match(rejected({ threshold: 0.5, numThreads: 1 }), /numThreads/);
  assert.match(rejected("fast"), /expected an object/);
  assert.match(rejected([0.5]), /expected an object/);
  assert.match(rejected(7), /expected an object/);
});
