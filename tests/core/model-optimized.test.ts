import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createDetector, type Detector } from "../../src/detector.ts";
import { optimizedInt8, sha256Hex, OPTIMIZED_INT8 } from "../../src/model/optimized.ts";
import { MODEL_INT8, ROOT, SAMPLE, datasetPhotos, hasModel, readBytes } from "./helpers.ts";

const rootUrl = new URL(`file://${ROOT}`);
const sidecarPath = `${ROOT}${OPTIMIZED_INT8.sidecar}`;
const skip = !hasModel() ? `no model at ${MODEL_INT8}` : !existsSync(sidecarPath) ? `no ${OPTIMIZED_INT8.sidecar}` : false;
const photos = [SAMPLE, ...datasetPhotos("tony_xlh_document_scanning_dataset", 4)].filter((p) => existsSync(p));

test("the pre-optimised int8 model is built from today's int8 model with the pinned ONNX Runtime (else: npm run build:model-opt)", { skip }, async () => {
  const sidecar = JSON.parse(readFileSync(sidecarPath, "utf8")) as { sourceSha256: string; onnxruntime: string };
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { dependencies: Record<string, string> };
  assert.equal(sidecar.sourceSha256, await sha256Hex(new Uint8Array(readFileSync(MODEL_INT8))));
  assert.equal(sidecar.onnxruntime, pkg.dependencies["onnxruntime-web"]);
  const optimized = await optimizedInt8(rootUrl, new Uint8Array(readFileSync(MODEL_INT8)));
  assert.ok(optimized !== null && optimized.length > 0);
});

test("a model the sidecar does not name never gets the pre-optimised copy", { skip }, async () => {
  const other = new Uint8Array(readFileSync(MODEL_INT8));
  other[other.length - 1] ^= 1;
  assert.equal(await optimizedInt8(rootUrl, other), null);
});

const detectors: Detector[] = [];
after(async () => {
  for (const d of detectors) await d.dispose();
});

test("the pre-optimised session (default) and the plain int8 session give the same edge maps and corners on real photos", { skip, timeout: 300_000 }, async () => {
  // The server copy is not only ORT's optimisation saved: it carries scripts/graph_rewrites.py's
  // rewrites (side outputs as Conv + DepthToSpace + Sum, residual Adds inside the convs), so this
  // comparison is the rewritten graph against the original one, in onnxruntime-web itself.
  // (At least one rewrite applied: a retrained model of another shape may match fewer patterns.)
  const sidecar = JSON.parse(readFileSync(sidecarPath, "utf8")) as { rewrites?: { head?: boolean; residual_adds?: number } };
  assert.ok(sidecar.rewrites?.head === true || (sidecar.rewrites?.residual_adds ?? 0) > 0, `rewrites: ${JSON.stringify(sidecar.rewrites)}`);
  const loaded: number[] = [];
  const optimized = await createDetector({ numThreads: 1, progress_callback: (p) => void (p.status === "progress" && p.file === "model" && loaded.push(p.total)) });
  // The default detector read the pre-optimised file (its size, not the int8 model's).
  assert.deepEqual(loaded, [readFileSync(`${ROOT}${OPTIMIZED_INT8.model}`).length]);
  // Bytes, not the name: the plain model through ORT's own graph optimisation.
  const plain = await createDetector({ numThreads: 1, model: new Uint8Array(readFileSync(MODEL_INT8)) });
  detectors.push(optimized, plain);
  for (const photo of photos) {
    const bytes = readBytes(photo);
    const a = await optimized.detect(bytes, { returnEdgeMap: true });
    const b = await plain.detect(bytes, { returnEdgeMap: true });
    assert.ok(a.edgeMap && b.edgeMap && a.edgeMap.data.length === b.edgeMap.data.length);
    let worst = 0;
    for (let i = 0; i < a.edgeMap.data.length; i++) worst = Math.max(worst, Math.abs(a.edgeMap.data[i] - b.edgeMap.data[i]));
    assert.ok(worst < 1e-5, `${photo}: edge maps differ by ${worst}`);
    assert.equal(a.found, b.found, photo);
    assert.ok(Math.abs(a.confidence - b.confidence) < 1e-4, `${photo}: confidence ${a.confidence} vs ${b.confidence}`);
    if (a.quad && b.quad) {
      for (let k = 0; k < 4; k++) {
        const d = Math.hypot(a.quad[k][0] - b.quad[k][0], a.quad[k][1] - b.quad[k][1]);
        assert.ok(d < 0.5, `${photo}: corner ${k} moved ${d.toFixed(3)} px`);
      }
    }
  }
});
