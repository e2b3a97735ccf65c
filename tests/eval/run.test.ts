import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runEval, formatEvalReport, folderWinner } from "../../src/eval/index.ts";
import { cornerErrorPercent } from "../../src/eval/corner-error.ts";
import { findLabelledFolders } from "../../src/eval/labels.ts";
import { jaccardIndex } from "../../src/geometry/jaccard.ts";
import { DocedgeError } from "../../src/errors.ts";
import { DATASETS } from "../core/helpers.ts";
import { JITTER_MARGIN, jitterBoxes, keepsInside } from "../../src/eval/jitter.ts";
import type { EvalReport } from "../../src/eval/types.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const model = join(repo, "models/docedge-int8.onnx");
const folder = join(DATASETS, "tony_xlh_document_scanning_dataset");
const skipModel = existsSync(model) ? false : `no model at ${model} (the lead ships models/)`;
const skipData = existsSync(join(folder, "labels.json")) ? false : `${folder} is absent`;

const tmp = mkdtempSync(join(tmpdir(), "docedge-eval-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("end to end on a real dataset folder: report, JSON, overlays, baseline side by side", { skip: skipModel || skipData }, async () => {
  const overlays = join(tmp, "overlays");
  const jsonFile = join(tmp, "report.json");
  let progress = 0;
  const report = await runEval(folder, {
    detectorOptions: { numThreads: 1 },
    limit: 2,
    overlaysDir: overlays,
    jsonFile,
    onProgress: () => progress++,
  });
  assert.equal(progress, 2);
  assert.equal(report.images.length, 2);
  assert.equal(report.folders.length, 1);
  for (const img of report.images) {
    assert.ok(img.truth, "this folder's photos all hold a document");
    // The JI in the report is the metric applied to what the detector returned.
    assert.equal(img.docedge.ji, jaccardIndex(img.truth, img.docedge.quad));
    assert.ok(img.docedge.ji !== null && img.docedge.ji >= 0 && img.docedge.ji <= 1);
    assert.equal(img.docedge.cornerError, cornerErrorPercent(img.truth, img.docedge.quad, img.width, img.height));
    assert.ok(img.timings.inference > 0 && img.timings.total >= img.timings.inference);
  }
  // Every photo's loss is attributed once: the causes' sums are the positives' whole loss.
  const causes = Object.values(report.lossByCause);
  assert.equal(causes.reduce((a, c) => a + c.photos, 0), 2);
  const lost = report.images.reduce((a, i) => a + (1 - (i.docedge.ji ?? 0)), 0);
  assert.ok(Math.abs(causes.reduce((a, c) => a + c.lost, 0) - lost) < 1e-9, JSON.stringify(report.lossByCause));
  for (const img of report.images) {
    const loss = img.docedge.loss;
    assert.ok(loss && ["edge-map", "line-search", "placement"].includes(loss.cause), JSON.stringify(loss));
    // A photo scored near 1 has its answer on the labelled sides.
    if ((img.docedge.ji ?? 0) > 0.99) assert.equal(loss.cause, "placement");
  }
  const mean = report.images.reduce((s, i) => s + (i.docedge.ji ?? 0), 0) / 2;
  assert.ok(Math.abs((report.overall.docedge.meanJI ?? -1) - mean) < 1e-12);

  // The OpenCV.js baseline is a dev dependency, installed here: it ran on the same photos.
  assert.ok(report.baseline && "name" in report.baseline, JSON.stringify(report.baseline));
  for (const img of report.images) assert.ok(img.baseline && img.baseline.ji !== null);
  assert.ok(folderWinner(report.folders[0]) !== null);

  const text = formatEvalReport(report);
  assert.match(text.split("\n").at(-1) ?? "", /^mean JI: \d\.\d{4} over 2 images$/);
  assert.match(text, /baseline JI/);
  assert.match(text, /corner %/);
  assert.match(text, /where docedge's JI is lost \(1 - JI summed\): edge map \d\.\d{3} \(\d+ photos\) · line search/);
  const ce = report.overall.docedge.cornerError;
  if (report.images.some((i) => i.docedge.found)) assert.ok(ce && ce.median >= 0 && ce.p90 >= ce.median, JSON.stringify(ce));

  const saved = JSON.parse(readFileSync(jsonFile, "utf8"));
  assert.equal(saved.images.length, 2);
  const files = readdirSync(overlays);
  assert.equal(files.length, 2);
  const jpeg = readFileSync(join(overlays, files[0]));
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
});

test("negatives, a folder of folders, and the baseline switched off", { skip: skipModel }, async () => {
  // A labelled tree built here: one real JPEG from the repository's sample (or a generated one),
  // labelled as a negative, so the no-document bookkeeping is exercised without ../shared.
  const root = join(tmp, "tree");
  const sub = join(root, "b", "negatives");
  mkdirSync(sub, { recursive: true });
  const { encodeJpeg } = await import("../../src/image/codecs.ts");
  const w = 160, h = 120;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = (i / w) | 0;
    data.set([((x * 7) ^ (y * 3)) & 255, (x + y) & 255, 128, 255], i * 4);
  }
  writeFileSync(join(sub, "texture.jpg"), await encodeJpeg({ data, width: w, height: h }));
  writeFileSync(join(sub, "labels.json"), JSON.stringify([{ file: "texture.jpg", width: w, height: h, quad: null }]));
  const report = await runEval(root, { detectorOptions: { numThreads: 1 }, baseline: false, threshold: 0.99 });
  assert.equal(report.baseline, null);
  assert.equal(report.folders[0].name, join("b", "negatives"));
  const img = report.images[0];
  assert.equal(img.truth, null);
  assert.equal(img.docedge.ji, null);
  assert.equal(img.docedge.correct, !img.docedge.found);
  assert.equal(report.overall.docedge.meanJI, null);
  assert.equal(report.overall.docedge.negatives, 1);
  assert.match(formatEvalReport(report), /mean JI: 0\.0000 over 0 images$/);
});

/** The report with what changes from run to run (times, the date) taken out. */
function stable(report: EvalReport): unknown {
  return JSON.parse(JSON.stringify(report, (k, v) => (k === "ms" || k === "timings" || k === "stages" || k === "createdAt" ? undefined : v)));
}

test("jitter: looks at crops keep the label inside, score like the original on easy photos; without it the report is as before", { skip: skipModel || skipData }, async () => {
  // The first two photos of the folder, an A4 sheet and a book: easy, every look should agree.
  const detectorOptions = { numThreads: 1 };
  const report = await runEval(folder, { detectorOptions, limit: 2, baseline: false, jitter: 4 });
  assert.equal(report.jitter?.looks, 4);
  let taken = 0;
  for (const img of report.images) {
    const truth = img.truth;
    assert.ok(truth && img.jitter, img.file);
    const j = img.jitter;
    assert.deepEqual(j.looks.map((l) => l.crop), jitterBoxes(img.width, img.height, 4));
    const margin = JITTER_MARGIN * Math.min(img.width, img.height);
    const jis = [img.docedge.ji ?? 0];
    for (const look of j.looks) {
      // A look is taken exactly when its crop keeps the labelled page inside, with the margin.
      assert.equal(!("skipped" in look), keepsInside(look.crop, truth, margin), `${img.file} ${look.crop.join(",")}`);
      if ("skipped" in look) continue;
      taken++;
      assert.ok(look.found && look.quad, `${img.file}: found in crop ${look.crop.join(",")}`);
      // The answer is back in the photo's pixels: it scores against the label like the original run.
      assert.equal(look.ji, jaccardIndex(truth, look.quad));
      assert.ok(Math.abs((look.ji ?? 0) - (img.docedge.ji ?? 0)) < 0.02, `${img.file}: look ${look.ji} vs original ${img.docedge.ji}`);
      assert.ok((cornerErrorPercent(truth, look.quad, img.width, img.height) ?? Infinity) < 1, `${img.file}: corners where the label is`);
      jis.push(look.ji ?? 0);
    }
    assert.equal(j.of, jis.length);
    assert.equal(j.correct, jis.filter((v) => v >= 0.9).length);
    assert.ok(Math.abs((j.meanJI ?? -1) - jis.reduce((a, b) => a + b, 0) / jis.length) < 1e-12);
  }
  // The A4 sheet's right edge lies within 5% of the frame: a crop that cuts it is skipped, not scored.
  assert.ok(taken >= 5 && report.overall.jitter && report.overall.jitter.skipped === 8 - taken, JSON.stringify(report.overall.jitter));
  assert.equal(report.overall.jitter.allLooksJI90, 2);
  assert.match(formatEvalReport(report), /jitter JI +all >=0\.9 +neg looks ok/);

  // Without jitter: no jitter key anywhere, and the rest of the report is what the jitter run said.
  const plain = await runEval(folder, { detectorOptions, limit: 2, baseline: false });
  assert.deepEqual(Object.keys(plain), ["root", "createdAt", "model", "threshold", "baseline", "folders", "overall", "worst", "fromPixels", "lossByCause", "stages", "images"]);
  assert.ok(!JSON.stringify(plain).includes('"jitter"'));
  assert.doesNotMatch(formatEvalReport(plain), /jitter/);
  const withoutJitter = JSON.parse(JSON.stringify(report, (k, v) => (k === "jitter" ? undefined : v)));
  assert.deepEqual(stable(withoutJitter), stable(plain));
});

test("jitter on a photo without a document: every crop is taken, none skipped", { skip: skipModel }, async () => {
  const root = join(tmp, "jitter-negative");
  mkdirSync(root, { recursive: true });
  const { encodeJpeg } = await import("../../src/image/codecs.ts");
  const w = 200, h = 150;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([(i * 13) & 255, ((i / w) * 5) & 255, 90, 255], i * 4);
  writeFileSync(join(root, "noise.jpg"), await encodeJpeg({ data, width: w, height: h }));
  writeFileSync(join(root, "labels.json"), JSON.stringify([{ file: "noise.jpg", width: w, height: h, quad: null }]));
  const report = await runEval(root, { detectorOptions: { numThreads: 1 }, baseline: false, jitter: 8 });
  const j = report.images[0].jitter;
  assert.ok(j);
  assert.equal(j.looks.length, 8);
  assert.ok(j.looks.every((l) => !("skipped" in l) && l.ji === null && l.correct === !l.found));
  assert.equal(j.meanJI, null);
  assert.equal(j.of, 9);
  assert.equal(report.overall.jitter?.negativeLooksRejected, j.correct / 9);
  await assert.rejects(runEval(root, { jitter: 9 }), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT" && /jitter/.test(e.message));
});

test("labels: malformed labels.json and empty trees fail with typed errors", async () => {
  const bad = join(tmp, "bad");
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, "labels.json"), JSON.stringify([{ file: "x.jpg", width: 10, height: 10, quad: [[0, 0], [1, 0]] }]));
  await assert.rejects(findLabelledFolders(bad), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT" && /quad/.test(e.message));
  const empty = join(tmp, "empty");
  mkdirSync(empty, { recursive: true });
  await assert.rejects(findLabelledFolders(empty), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
  await assert.rejects(runEval(join(tmp, "missing")), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
});
