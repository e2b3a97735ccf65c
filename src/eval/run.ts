import { createDetector, type Detector } from "../detector.ts";
import { InvalidInputError } from "../errors.ts";
import { jaccardIndex } from "../geometry/jaccard.ts";
import { scaleQuad } from "../geometry/quad-transform.ts";
import { encodeJpeg } from "../image/codecs.ts";
import { cropRgba } from "../image/crop.ts";
import { decodeImage } from "../image/decode.ts";
import type { DetectorOptions, SecondLookMode } from "../options.ts";
import type { Quad, RgbaImage } from "../types.ts";
import { loadOpenCvBaseline, type Baseline } from "./baseline-opencv.ts";
import { attributeLoss } from "./attribution.ts";
import { cornerErrorPercent } from "./corner-error.ts";
import { findQuadDetailed } from "../quad/find-quad.ts";
import { findLabelledFolders, type Label } from "./labels.ts";
import { imageJitter, JITTER_MARGIN, jitterBoxes, keepsInside, MAX_JITTER } from "./jitter.ts";
import { evalOverlay } from "./overlay.ts";
import { summariseFolder, timingStats, worstCases } from "./summary.ts";
import type { EvalImage, EvalReport, JitterLook, MethodResult } from "./types.ts";

export interface EvalOptions {
  /** Options for the detector eval creates (ignored when `detector` is given). */
  detectorOptions?: DetectorOptions;
  /** Use this detector (eval does not dispose it). */
  detector?: Detector;
  /** Minimum confidence for "found"; default: the detector's. */
  threshold?: number;
  /** Run the classical OpenCV.js baseline on the same photos (default true; skipped with a note when OpenCV.js is missing). */
  baseline?: boolean;
  /** Write one overlay JPEG per photo here. */
  overlaysDir?: string;
  /** Write the full report (every photo) as JSON here. */
  jsonFile?: string;
  /** At most this many photos per folder. */
  limit?: number;
  /** detect()'s `secondLook` for every photo (default: the detector's, "auto"). */
  secondLook?: SecondLookMode;
  /**
   * Besides the usual run, this many looks per photo at fixed crops of its decoded pixels
   * (JITTER_CROPS, 0 to 8; default 0, none): how reliably the network gets each photo, not one draw.
   */
  jitter?: number;
  /** Called after each photo. */
  onProgress?: (done: number, total: number, image: EvalImage) => void;
  signal?: AbortSignal;
}

const BASELINE_DESCRIPTION = "OpenCV.js Canny + Otsu + largest contour + farthest point per quadrant, as jscanify";

/**
 * Score docedge (and the classical baseline) on every labelled folder under `root`. docedge is
 * scored as users run it, from the file's bytes (a JPEG decoded at reduced scale); the baseline
 * gets the full-resolution pixels, and docedge runs on those pixels too (`fromPixels`: the accuracy
 * of the full-decode path, and the speed to put next to the baseline's).
 */
export async function runEval(root: string, options: EvalOptions = {}): Promise<EvalReport> {
  if (typeof root !== "string" || root.length === 0) throw new InvalidInputError("eval: a folder is required");
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    throw new InvalidInputError("eval: limit must be a positive integer");
  }
  const jitter = options.jitter ?? 0;
  if (!(Number.isInteger(jitter) && jitter >= 0 && jitter <= MAX_JITTER)) {
    throw new InvalidInputError(`eval: jitter must be a whole number from 0 to ${MAX_JITTER}, got ${options.jitter}`);
  }
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  const folders = await findLabelledFolders(root);
  const work: { folder: string; dir: string; label: Label }[] = [];
  for (const f of folders) {
    const labels = options.limit ? f.labels.slice(0, options.limit) : f.labels;
    for (const label of labels) work.push({ folder: f.name, dir: f.dir, label });
  }

  let baseline: Baseline | null = null;
  let baselineInfo: EvalReport["baseline"] = null;
  if (options.baseline ?? true) {
    const b = await loadOpenCvBaseline();
    if ("unavailable" in b) baselineInfo = { skipped: b.unavailable };
    else {
      baseline = b;
      baselineInfo = { name: b.name, description: BASELINE_DESCRIPTION };
    }
  }
  if (options.overlaysDir) await fs.mkdir(options.overlaysDir, { recursive: true });

  const ownDetector = options.detector === undefined;
  const detector = options.detector ?? (await createDetector(options.detectorOptions));
  const images: EvalImage[] = [];
  try {
    for (const item of work) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const img = await evalOne(item, detector, baseline, options, fs, path);
      images.push(img);
      options.onProgress?.(images.length, work.length, img);
    }
  } finally {
    if (ownDetector) await detector.dispose();
  }

  const report: EvalReport = {
    root,
    createdAt: new Date().toISOString(),
    model: describeModel(options),
    threshold: options.threshold ?? options.detectorOptions?.threshold ?? null,
    baseline: baselineInfo,
    folders: folders.map((f) => summariseFolder(f.name, images.filter((i) => i.folder === f.name))),
    overall: summariseFolder("all", images),
    worst: worstCases(images, 5),
    fromPixels: fromPixelsSummary(images),
    lossByCause: lossByCause(images),
    stages: {
      decode: timingStats(images.map((i) => i.timings.decode)),
      preprocess: timingStats(images.map((i) => i.timings.preprocess)),
      inference: timingStats(images.map((i) => i.timings.inference)),
      quad: timingStats(images.map((i) => i.timings.quad)),
      refine: timingStats(images.map((i) => i.timings.refine)),
      total: timingStats(images.map((i) => i.timings.total)),
    },
    ...(jitter > 0 ? { jitter: { looks: jitter, ms: timingStats(lookTimes(images)) } } : {}),
    images,
  };
  if (options.jsonFile) await fs.writeFile(options.jsonFile, JSON.stringify(report, null, 1));
  return report;
}

function lookTimes(images: EvalImage[]): number[] {
  return images.flatMap((i) => (i.jitter?.looks ?? []).flatMap((l) => ("ms" in l ? [l.ms] : [])));
}

function fromPixelsSummary(images: EvalImage[]): EvalReport["fromPixels"] {
  const withPixels = images.filter((i) => i.fromPixels !== undefined);
  if (withPixels.length === 0) return null;
  const positives = withPixels.filter((i) => i.truth !== null);
  return {
    meanJI: positives.length ? positives.reduce((a, i) => a + (i.fromPixels?.ji ?? 0), 0) / positives.length : null,
    ms: timingStats(withPixels.map((i) => i.fromPixels!.ms)),
  };
}

function lossByCause(images: EvalImage[]): EvalReport["lossByCause"] {
  const out: EvalReport["lossByCause"] = {
    "edge-map": { photos: 0, lost: 0 },
    "line-search": { photos: 0, lost: 0 },
    placement: { photos: 0, lost: 0 },
  };
  for (const i of images) {
    const { loss, ji } = i.docedge;
    if (!loss || ji === null) continue;
    out[loss.cause].photos++;
    out[loss.cause].lost += 1 - ji;
  }
  return out;
}

function describeModel(options: EvalOptions): string {
  const m = options.detectorOptions?.model;
  if (options.detector) return "(caller's detector)";
  if (m === undefined) return "int8 (shipped)";
  if (typeof m === "string") return m;
  if (m instanceof URL) return m.href;
  return "(model bytes)";
}

async function evalOne(
  item: { folder: string; dir: string; label: Label },
  detector: Detector,
  baseline: Baseline | null,
  options: EvalOptions,
  fs: typeof import("node:fs/promises"),
  path: typeof import("node:path"),
): Promise<EvalImage> {
  const { label } = item;
  const base = {
    folder: item.folder,
    file: label.file,
    width: label.width,
    height: label.height,
    tags: label.tags ?? [],
  };
  let bytes: Uint8Array;
  let image: RgbaImage;
  try {
    bytes = await fs.readFile(path.join(item.dir, label.file));
    image = await decodeImage(bytes);
  } catch (error) {
    const miss: MethodResult = { found: false, quad: null, ji: label.quad ? 0 : null, cornerError: null, correct: label.quad === null, ms: 0 };
    return {
      ...base,
      truth: label.quad,
      docedge: { ...miss, confidence: 0 },
      timings: { decode: 0, preprocess: 0, inference: 0, quad: 0, refine: 0, total: 0 },
      ...(baseline ? { baseline: miss } : {}),
      error: error instanceof Error ? error.message : String(error),
      ...(options.jitter ? { jitter: imageJitter(miss, []) } : {}),
    };
  }
  // Labels are in the stored image's pixels; should a file differ in size, scale them along.
  const truth = label.quad ? scaleQuad(label.quad, image.width / label.width, image.height / label.height) : null;

  const detectOptions = {
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.secondLook !== undefined ? { secondLook: options.secondLook } : {}),
  };
  const r = await detector.detect(bytes, { ...detectOptions, returnEdgeMap: true });
  const docedge = score(truth, r.found ? r.quad : null, r.timings.total - r.timings.decode, image);
  docedge.confidence = r.confidence;
  if (truth && r.edgeMap) {
    // The finder's first look again, for its line hypotheses; everything in the map's pixels.
    const map = r.edgeMap;
    const lines = findQuadDetailed(map, { aspect: image.width / image.height }).lines;
    const toMap = (q: Quad): Quad => scaleQuad(q, map.width / image.width, map.height / image.height);
    docedge.loss = attributeLoss(toMap(truth), lines, r.found ? toMap(r.quad) : null, map.width, map.height);
  }
  const t1 = performance.now();
  const p = await detector.detect(image, detectOptions);
  const fromPixels = score(truth, p.found ? p.quad : null, performance.now() - t1, image);

  let baselineResult: MethodResult | undefined;
  if (baseline) {
    const t2 = performance.now();
    let b: { found: boolean; quad: Quad | null };
    try {
      b = baseline.detect(image);
    } catch {
      b = { found: false, quad: null };
    }
    baselineResult = score(truth, b.found ? b.quad : null, performance.now() - t2, image);
  }

  if (options.overlaysDir) {
    const overlay = evalOverlay(image, truth, docedge.quad, baselineResult?.quad ?? null, r.edgeMap);
    const name = `${item.folder === "." ? "" : item.folder.replace(/[\\/]/g, "__") + "__"}${label.file.replace(/\.[^.]+$/, "")}.jpg`;
    await fs.writeFile(path.join(options.overlaysDir, name), await encodeJpeg(overlay, { quality: 80 }));
  }

  const looks = options.jitter ? await jitterLooks(detector, image, truth, options.jitter, detectOptions) : null;

  return {
    ...base,
    width: image.width,
    height: image.height,
    truth,
    docedge,
    timings: { ...r.timings },
    fromPixels,
    ...(baselineResult ? { baseline: baselineResult } : {}),
    ...(looks ? { jitter: imageJitter(docedge, looks) } : {}),
  };
}

/**
 * docedge on the first `n` jitter crops of the decoded pixels, each answer moved back into the
 * photo's pixels and scored against the label like the original. A crop that would cut the
 * labelled page (or pass within the margin of it) is recorded as skipped; a negative takes all.
 */
async function jitterLooks(
  detector: Detector,
  image: RgbaImage,
  truth: Quad | null,
  n: number,
  detectOptions: Parameters<Detector["detect"]>[1],
): Promise<JitterLook[]> {
  const margin = JITTER_MARGIN * Math.min(image.width, image.height);
  const looks: JitterLook[] = [];
  for (const crop of jitterBoxes(image.width, image.height, n)) {
    if (truth && !keepsInside(crop, truth, margin)) {
      looks.push({ crop, skipped: true });
      continue;
    }
    const t = performance.now();
    const r = await detector.detect(cropRgba(image, crop), detectOptions);
    const ms = performance.now() - t;
    const quad = r.found ? scaleQuad(r.quad, 1, 1, crop[0], crop[1]) : null;
    const s = score(truth, quad, ms, image);
    looks.push({ crop, found: s.found, quad, confidence: r.confidence, ji: s.ji, correct: s.correct, ms });
  }
  return looks;
}

function score(truth: Quad | null, quad: Quad | null, ms: number, image: RgbaImage): MethodResult {
  if (truth === null) return { found: quad !== null, quad, ji: null, cornerError: null, correct: quad === null, ms };
  const ji = jaccardIndex(truth, quad);
  return { found: quad !== null, quad, ji, cornerError: cornerErrorPercent(truth, quad, image.width, image.height), correct: ji >= 0.9, ms };
}

