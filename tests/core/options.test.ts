import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDetectOptions, parseDetectorOptions } from "../../src/options.ts";
import { DocedgeError } from "../../src/errors.ts";

function rejected(value: unknown, parse: (v: unknown) => unknown = parseDetectOptions): string {
  try {
    parse(value);
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
  assert.match(rejected({ bogus: 1 }), /bogus: no such option/);
  assert.match(rejected({ threshold: 0.5, numThreads: 1 }), /numThreads/);
  assert.match(rejected("fast"), /expected an object/);
  assert.match(rejected([0.5]), /expected an object/);
  assert.match(rejected(7), /expected an object/);
});

test("detector options: every valid field passes as given", () => {
  const module = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  const all = {
    model: "int8",
    numThreads: 64,
    threshold: 0.5,
    limits: { maxBytes: 1, maxPixels: 2 ** 40 },
    wasm: { ort: module, jpeg: new Uint8Array(1), jpegEncode: new ArrayBuffer(1), png: new URL("file:///x.wasm"), webp: "x.wasm", webpEncode: undefined },
    progress_callback: () => {},
  };
  assert.deepEqual(parseDetectorOptions(all), all);
  assert.deepEqual(parseDetectorOptions({}), {});
  for (const model of [new Uint8Array(1), new ArrayBuffer(1), new URL("file:///m.onnx"), "fp32"]) assert.deepEqual(parseDetectorOptions({ model }), { model });
  // detectDocument passes every detector key, the unset ones as undefined.
  assert.deepEqual(parseDetectorOptions({ model: undefined, numThreads: 1, limits: undefined }), { model: undefined, numThreads: 1, limits: undefined });
});

test("detector options: a wrong field is INVALID_INPUT naming it, nested fields by their path", () => {
  const d = (v: unknown): string => rejected(v, parseDetectorOptions);
  assert.match(d({ numThreads: 0 }), /numThreads: expected an integer in \[1, 64\]/);
  assert.match(d({ numThreads: 1.5 }), /numThreads/);
  assert.match(d({ numThreads: 65 }), /numThreads/);
  assert.match(d({ threshold: 2 }), /threshold/);
  assert.match(d({ model: "" }), /model/);
  assert.match(d({ model: 7 }), /model/);
  assert.match(d({ limits: { maxBytes: 0 } }), /limits\.maxBytes: expected a positive integer/);
  assert.match(d({ limits: { maxPixels: 1, maxWidth: 3 } }), /limits\.maxWidth: no such option/);
  assert.match(d({ limits: 5 }), /limits: expected an object/);
  assert.match(d({ wasm: { ort: 1 } }), /wasm\.ort/);
  assert.match(d({ wasm: { gif: "x.wasm" } }), /wasm\.gif: no such option/);
  assert.match(d({ progress_callback: "log" }), /progress_callback/);
  assert.match(d({ bogus: 1 }), /bogus: no such option/);
  assert.match(d({ secondLook: "never" }), /secondLook: no such option/);
  assert.match(d("int8"), /\(root\): expected an object/);
});
