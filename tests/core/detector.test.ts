import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createDetector, type Detector } from "../../src/detector.ts";
import { decodeImage, jpegScaleFor } from "../../src/image/decode.ts";
import { decodeJpegWasm } from "../../src/image/jpeg-wasm.ts";
import type { Quad } from "../../src/types.ts";
import type { LoadProgress } from "../../src/runtime/progress.ts";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { DocedgeError } from "../../src/errors.ts";
import { existsSync } from "node:fs";
import { DATASETS, MODEL_INT8, SAMPLE, hasModel, datasetPhotos, readBytes, storedFor, tagJpeg, uprightFrom } from "./helpers.ts";
import { resample } from "../support/resample.ts";

const skip = hasModel() ? false : `no model at ${MODEL_INT8} (the lead ships models/)`;
// The bundled CC0 sample photo always; more real photos when ../shared/datasets is there.
const photos = [SAMPLE, ...datasetPhotos("tony_xlh_document_scanning_dataset", 3)].filter((p) => existsSync(p));
const noPhotos = photos.length === 0 ? `no ${SAMPLE}` : false;


let detector: Detector | null = null;
async function shared(): Promise<Detector> {
  detector ??= await createDetector({ numThreads: 1 });
  return detector;
}
after(async () => {
  await detector?.dispose();
});

test("result shape: corners in source pixels, sizes, timings", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const bytes = readBytes(photos[0]);
  const r = await d.detect(bytes, { returnEdgeMap: true });
  const img = await decodeImage(bytes);
  assert.equal(r.width, img.width);
  assert.equal(r.height, img.height);
  assert.equal(typeof r.found, "boolean");
  assert.ok(r.confidence >= 0 && r.confidence <= 1);
  if (r.found) {
    assert.ok(r.quad !== null && r.quad.length === 4);
    for (const [x, y] of r.quad) assert.ok(Number.isFinite(x) && Number.isFinite(y));
  } else {
    assert.equal(r.quad, null);
  }
  // The map has the model's input size (256 in the design; read from the model's metadata).
  assert.ok(r.edgeMap && r.edgeMap.width >= 32 && r.edgeMap.data.length === r.edgeMap.width * r.edgeMap.height);
  for (const v of r.edgeMap.data) assert.ok(v >= 0 && v <= 1, "edge probabilities in [0, 1]");
  for (const k of ["decode", "preprocess", "inference", "quad", "total"] as const) {
    assert.ok(r.timings[k] >= 0, `timing ${k}`);
  }
  assert.ok(r.timings.total >= r.timings.inference);
});

test("timings: one call at a time, the stages add up to total exactly; overlapping calls leave only their wait out", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const bytes = readBytes(photos[0]);
  const pixels = await decodeImage(bytes);
  const stages = ["decode", "preprocess", "inference", "quad", "refine"] as const;
  const unstaged = (r: { timings: Record<(typeof stages)[number] | "total", number> }): number =>
    r.timings.total - stages.reduce((a, k) => a + r.timings[k], 0);
  for (const [name, input] of [["JPEG bytes", bytes], ["RGBA pixels", pixels]] as const) {
    for (const secondLook of ["never", "always"] as const) {
      const t = performance.now();
      const r = await d.detect(input, { secondLook });
      const wall = performance.now() - t;
      // Each stage runs from where the one before ended: only floating-point rounding is left over.
      assert.ok(Math.abs(unstaged(r)) < 1e-6, `${name}, ${secondLook}: ${unstaged(r)} ms of total in no stage`);
      assert.ok(r.timings.total <= wall, `${name}, ${secondLook}: total ${r.timings.total} over the call's ${wall}`);
      for (const k of stages) assert.ok(r.timings[k] >= 0, `${name}, ${secondLook}: ${k} ${r.timings[k]}`);
    }
  }
  // Calls that overlap share one model: a run queued behind another's leaves its wait out of
  // every stage rather than counting it as its own inference, so no stage is negative and the
  // stages never exceed total.
  const overlapping = await Promise.all([0, 1, 2].map(() => d.detect(pixels, { secondLook: "always" })));
  for (const r of overlapping) {
    assert.ok(unstaged(r) > -1e-6, `overlapping: stages over total by ${-unstaged(r)} ms`);
    for (const k of stages) assert.ok(r.timings[k] >= 0, `overlapping: ${k} ${r.timings[k]}`);
  }
});

test("threshold 1 never reports found; threshold 0 reports any candidate", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const bytes = readBytes(photos[0]);
  const strict = await d.detect(bytes, { threshold: 1 });
  if (strict.confidence < 1) {
    assert.equal(strict.found, false);
    assert.equal(strict.quad, null);
  }
  const lax = await d.detect(bytes, { threshold: 0 });
  assert.equal(lax.confidence, strict.confidence, "threshold does not change the confidence");
});

/** Largest corner distance between two quads, as a share of the image diagonal. */
function cornerError(a: Quad, b: Quad, width: number, height: number): number {
  let worst = 0;
  for (let i = 0; i < 4; i++) worst = Math.max(worst, Math.hypot(a[i][0] - b[i][0], a[i][1] - b[i][1]));
  return worst / Math.hypot(width, height);
}

test("a JPEG detected from its reduced-scale decode: corners within 0.5% of the diagonal of the full decode's", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const big = await encodeJpeg(resample(await decodeImage(readBytes(SAMPLE)), 3000, 4000), { quality: 90 });
  let compared = 0;
  for (const bytes of [...photos.map(readBytes), big]) {
    const fromBytes = await d.detect(bytes, { returnEdgeMap: true });
    const full = await decodeImage(bytes);
    const scale = jpegScaleFor(full.width, full.height, 2 * fromBytes.edgeMap!.width);
    const fromPixels = await d.detect(full);
    assert.deepEqual([fromBytes.width, fromBytes.height], [full.width, full.height]);
    // A photo the full decode finds no page in has no corners to compare (its best guess may flip).
    if (!fromPixels.found) continue;
    compared++;
    assert.ok(fromBytes.quad && fromPixels.quad, `${full.width}x${full.height} at 1/${scale}: found from the full decode, not from the reduced one`);
    const err = cornerError(fromBytes.quad, fromPixels.quad, full.width, full.height);
    assert.ok(err <= 0.005, `${full.width}x${full.height} at 1/${scale}: corners differ by ${(err * 100).toFixed(2)}% of the diagonal`);
  }
  assert.ok(compared >= 2, "the sample and its 12 MP copy are found");
});

test("EXIF orientations 1-8: tagged JPEG bytes give exactly the corners of the upright pixels", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const upright = await decodeImage(readBytes(photos[0]));
  const reference = await d.detect(upright, { returnEdgeMap: true, threshold: 0 });
  const minShort = 2 * reference.edgeMap!.width;
  for (let o = 1; o <= 8; o++) {
    const stored = storedFor(upright, o);
    const storedJpeg = await encodeJpeg(stored, { quality: 95 });
    const tagged = tagJpeg(storedJpeg, o);
    // What the camera's pixels look like upright, by the tag's definition (test-side transform),
    // decoded at the scale detection uses; its corners, scaled up, are the expected ones.
    const scale = jpegScaleFor(stored.width, stored.height, minShort);
    const expectedUpright = uprightFrom(await decodeJpegWasm(storedJpeg, { scale, fast: true }), o);
    const expected = await d.detect(expectedUpright, { returnEdgeMap: true, threshold: 0 });
    const r = await d.detect(tagged, { returnEdgeMap: true, threshold: 0 });
    assert.deepEqual([r.width, r.height], [upright.width, upright.height], `orientation ${o}: upright size`);
    const scaled = expected.quad?.map(([x, y]) => [Math.min(upright.width, x * scale), Math.min(upright.height, y * scale)]) ?? null;
    assert.deepEqual(r.quad, scaled, `orientation ${o}: corners`);
    assert.deepEqual(r.edgeMap?.data, expected.edgeMap?.data, `orientation ${o}: edge map`);
    // And the page is where it is in the upright photo: the maps agree up to JPEG loss.
    let diff = 0;
    const a = r.edgeMap!.data, b = reference.edgeMap!.data;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    diff /= a.length;
    assert.ok(diff < 0.02, `orientation ${o}: edge map differs by ${diff.toFixed(4)} from the upright photo's`);
  }
});

test("concurrent detect calls on one detector give the sequential results", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const inputs = [...photos, ...photos].map(readBytes);
  const sequential = [];
  for (const b of inputs) sequential.push(await d.detect(b));
  const concurrent = await Promise.all(inputs.map((b) => d.detect(b)));
  for (let i = 0; i < inputs.length; i++) {
    assert.deepEqual(concurrent[i].quad, sequential[i].quad, `image ${i}`);
    assert.equal(concurrent[i].confidence, sequential[i].confidence);
  }
});

test("secondLook: never keeps one inference, always looks again, auto only at a small or unsure page", { skip: skip || noPhotos }, async () => {
  const d = await shared();
  const hand = `${DATASETS}tony_xlh_document_scanning_dataset/holding-with-a-hand.jpg`;
  const looked = new Set<string>();
  const skipped = new Set<string>();
  for (const path of [SAMPLE, hand, ...photos].filter((p) => existsSync(p))) {
    const bytes = readBytes(path);
    const never = await d.detect(bytes, { secondLook: "never" });
    const always = await d.detect(bytes, { secondLook: "always" });
    const auto = await d.detect(bytes, { secondLook: "auto" });
    const byDefault = await d.detect(bytes);
    assert.equal(never.timings.refine, 0, `${path}: "never" ran a second look`);
    // auto answers as one of the other two, by whether it looked again; the default is auto.
    const same = auto.timings.refine > 0 ? always : never;
    assert.deepEqual([auto.found, auto.quad, auto.confidence], [same.found, same.quad, same.confidence], path);
    assert.deepEqual([byDefault.found, byDefault.quad, byDefault.confidence], [auto.found, auto.quad, auto.confidence], path);
    (auto.timings.refine > 0 ? looked : skipped).add(path);
  }
  // The sample is a large page found surely: nothing to gain from a closer look. The card held in
  // a hand is small in the photo and unsure: auto looks again.
  assert.ok(skipped.has(SAMPLE), "auto looked again at the sample's large, sure page");
  if (existsSync(hand)) assert.ok(looked.has(hand), "auto did not look again at the small card held in a hand");
  await assert.rejects(d.detect(readBytes(SAMPLE), { secondLook: "sometimes" as never }), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
});

test("detector errors: options, model, dispose, abort", { skip }, async () => {
  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return "resolved";
    } catch (e) {
      return e instanceof DocedgeError ? e.code : `untyped: ${String(e)}`;
    }
  };
  assert.equal(await code(createDetector({ numThreads: 0 })), "INVALID_INPUT");
  assert.equal(await code(createDetector({ threshold: 2 })), "INVALID_INPUT");
  assert.equal(await code(createDetector({ bogus: 1 } as never)), "INVALID_INPUT");
  assert.equal(await code(createDetector({ model: "/nonexistent/model.onnx" })), "MODEL_LOAD_FAILED");
  assert.equal(await code(createDetector({ model: new Uint8Array([1, 2, 3, 4]) })), "MODEL_LOAD_FAILED");

  const d = await createDetector({ numThreads: 1 });
  const pixels = { data: new Uint8ClampedArray(64 * 48 * 4).fill(200), width: 64, height: 48 };
  assert.equal(await code(d.detect(pixels, { threshold: -1 })), "INVALID_INPUT");
  assert.equal(await code(d.detect(new Uint8Array(0))), "INVALID_INPUT");
  assert.equal(await code(d.detect(new TextEncoder().encode("hello"))), "UNSUPPORTED_FORMAT");
  const ac = new AbortController();
  ac.abort();
  assert.equal(await code(d.detect(pixels, { signal: ac.signal })), "ABORTED");
  const inFlight = d.detect(pixels);
  await d.dispose();
  const settled = await code(inFlight);
  assert.ok(settled === "resolved" || settled === "DISPOSED", `in-flight call: ${settled}`);
  assert.equal(await code(d.detect(pixels)), "DISPOSED");
  await d.dispose(); // idempotent
});

test("detectDocument and scanDocument (shared default detector)", { skip: skip || noPhotos }, async () => {
  const { detectDocument, scanDocument, disposeDefaultDetector } = await import("../../src/detector.ts");
  try {
    const bytes = readBytes(photos[0]);
    const viaShared = await detectDocument(bytes);
    const viaOwn = await (await shared()).detect(bytes);
    assert.deepEqual(viaShared.quad, viaOwn.quad);
    assert.equal(viaShared.confidence, viaOwn.confidence);
    // A given quad skips detection: the page is flattened from exactly those corners.
    const { width: w, height: h } = viaShared;
    const quad: [[number, number], [number, number], [number, number], [number, number]] = [
      [w * 0.1, h * 0.1],
      [w * 0.9, h * 0.12],
      [w * 0.88, h * 0.9],
      [w * 0.12, h * 0.88],
    ];
    const page = await scanDocument(bytes, { quad, format: "png", maxSize: 400 });
    assert.equal(page.format, "png");
    assert.deepEqual(Array.from(page.image.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(page.width > 0 && page.height > 0 && Math.max(page.width, page.height) <= 400);
    const decoded = await decodeImage(page.image);
    assert.deepEqual([decoded.width, decoded.height], [page.width, page.height]);
  } finally {
    await disposeDefaultDetector();
  }
});

test("createDetector reports loading through progress_callback (transformers.js shape) and its loadMs", { skip }, async () => {
  const events: LoadProgress[] = [];
  const d = await createDetector({ progress_callback: (p) => events.push(p) });
  try {
    const statuses = (file: string): string[] => events.filter((e) => "file" in e && e.file === file).map((e) => e.status);
    for (const file of ["model", "jpeg decoder"]) {
      const s = statuses(file);
      assert.equal(s[0], "initiate", `${file}: ${s.join(",")}`);
      assert.equal(s.at(-1), "done", `${file}: ${s.join(",")}`);
    }
    const model = events.find((e) => e.status === "progress" && e.file === "model");
    assert.ok(model && model.status === "progress" && model.loaded > 0 && model.loaded === model.total && model.progress === 100);
    const last = events.at(-1)!;
    assert.ok(last.status === "ready" && last.loadMs === d.loadMs && d.loadMs > 0);
  } finally {
    await d.dispose();
  }
});
