import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { detectDocument, disposeDefaultDetector, getDefaultDetector } from "../../src/detector.ts";
import { decodeForDetection } from "../../src/image/decode.ts";
import { decoderInstance, type DecoderExports } from "../../src/image/jpeg-wasm.ts";
import { env } from "../../src/runtime/env.ts";
import { SHIPPED_MODEL_INPUT } from "../../src/runtime/assets.ts";
import { MODEL_INT8, SAMPLE, hasModel } from "./helpers.ts";

// A first detectDocument (and every one after disposeDefaultDetector) decodes its JPEG while the
// shared detector loads, and holds the pixels in the decoder's WASM memory until the detection is
// done with them. Whatever happens next (a result, an error in detection, the input refused, the
// load failing), the block must go back: a held block is never reused, so each call that kept one
// would grow the decoder's memory by at least one decoded image. Node only: Bun never decodes early.

const skip = !hasModel() ? `no model at ${MODEL_INT8}` : !existsSync(SAMPLE) ? `no ${SAMPLE}` : false;
const CALLS = 4;

/** The error's stable code, or "found"/"not found" for a result. */
async function outcome(call: Promise<{ found: boolean }>): Promise<string> {
  try {
    return (await call).found ? "found" : "not found";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

test("a first detectDocument's early decode gives its pixels back to the decoder on every path", { skip, timeout: 300_000 }, async () => {
  const sample = new Uint8Array(readFileSync(SAMPLE));
  // The bytes of one held image: the sample decoded at the scale a first detectDocument uses.
  const probe = await decodeForDetection(sample, 2 * SHIPPED_MODEL_INPUT);
  probe.pixels.release();
  const block = probe.pixels.width * probe.pixels.height * 4;

  /** One call through the early-decode path, then the shared detector dropped so that the next call takes it again. */
  async function early(input: Uint8Array, during?: "dispose" | "abort"): Promise<string> {
    const controller = new AbortController();
    const call = detectDocument(input, during === "abort" ? { signal: controller.signal } : {});
    // Runs as the load ends, before the call goes on to detect in the pixels it decoded meanwhile.
    if (during !== undefined) {
      void getDefaultDetector().then((d) => (during === "dispose" ? void d.dispose() : controller.abort()), () => {});
    }
    const result = await outcome(call);
    await disposeDefaultDetector();
    return result;
  }

  const live = async (): Promise<DecoderExports> => decoderInstance();
  for (let i = 0; i < 2; i++) assert.equal(await early(sample), "found");
  const x = await live();
  const baseline = x.memory.buffer.byteLength;
  const notGaining = async (path: string): Promise<void> => {
    assert.equal(await live(), x, `${path}: the decoder instance was replaced, so its memory says nothing`);
    const grown = x.memory.buffer.byteLength - baseline;
    assert.ok(grown < block, `${path}: the decoder's memory grew ${grown} bytes over ${CALLS} calls (one held image: ${block})`);
  };

  const truncated = sample.subarray(0, Math.floor(sample.length / 3));
  const paths: [string, () => Promise<string>, string][] = [
    ["a result", () => early(sample), "found"],
    ["the detector disposed as its load ends", () => early(sample, "dispose"), "DISPOSED"],
    ["aborted as the load ends", () => early(sample, "abort"), "ABORTED"],
    ["a JPEG the decoder refuses part way", () => early(truncated), "CORRUPT_IMAGE"],
    ["the load failing (not a model)", async () => {
      env.model = new Uint8Array(64).fill(7);
      try {
        return await early(sample);
      } finally {
        env.model = null;
      }
    }, "MODEL_LOAD_FAILED"],
  ];
  for (const [path, call, expected] of paths) {
    for (let i = 0; i < CALLS; i++) assert.equal(await call(), expected, path);
    // A decode whose load failed is released once it ends, which may be after the call returned.
    await new Promise((r) => setTimeout(r, 50));
    await notGaining(path);
  }
  assert.equal(await early(sample), "found");
});
