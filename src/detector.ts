import { mapQuad, scaleQuad } from "./geometry/quad-transform.ts";
import type { DetectResult, FloatMap, ImageInput, Quad } from "./types.ts";
import { DocedgeError, InvalidInputError, InvalidQuadError, ModelLoadError } from "./errors.ts";
import { configureCodecs } from "./image/codecs.ts";
import { decodeForDetection, decodeImage, type DecodeLimits, type DetectionImage } from "./image/decode.ts";
import { prepareJpegDecoder } from "./image/jpeg-wasm.ts";
import { isRgbaImage, readInputBytes, resolveLimits } from "./image/input.ts";
import { sniffFormat } from "./image/header.ts";
import { jsPixels } from "./image/detection-pixels.ts";
import { createEdgeModel, type EdgeModel } from "./model/session.ts";
import { DEFAULT_THRESHOLD, findQuadDetailed } from "./quad/find-quad.ts";
import { boxShare, combineLooks, cropBox, wantsSecondLook } from "./quad/second-look.ts";
import { findCoil, ringLineQuad } from "./quad/coil.ts";
import { warmUpFinder } from "./quad/warm-up.ts";
import { MODEL_FILES, SHIPPED_MODEL_INPUT, packageRoot, resolveDependencyFile } from "./runtime/assets.ts";
import { env, effectiveNumThreads } from "./runtime/env.ts";
import { detectRuntime, isServerRuntime } from "./runtime/detect.ts";
import { compileWasm, loadBinary } from "./runtime/wasm-source.ts";
import { appliedThreads, importOrt } from "./model/ort.ts";
import { optimizedInt8, type ModelBytes } from "./model/optimized.ts";
import { fileExists } from "./runtime/files.ts";
import { byteReporter, report, type ProgressCallback } from "./runtime/progress.ts";
import type { ScanOptions, ScanResult } from "./scan/options.ts";
import { parseDetectOptions, parseDetectorOptions, type DetectOptions, type DetectorOptions } from "./options.ts";

export type { DetectOptions, DetectorOptions } from "./options.ts";

export type DetectOutput = DetectResult & { edgeMap?: FloatMap };

/** A photo for `scanToPdf` with the corners to use (e.g. adjusted by a person) instead of detecting them. */
export interface PdfScanInput {
  image: ImageInput;
  quad?: Quad;
}

/** `scanToPdf`'s options: a scan's, less `format` (always PDF) and `quad` (per photo, via PdfScanInput). */
export type PdfScanOptions = Omit<ScanOptions, "format" | "quad">;

/** The PDF and, per page in order, what `scan` reports. */
export interface PdfScanResult {
  pdf: Uint8Array;
  pages: Array<{ width: number; height: number; quad: Quad; paper: string | null }>;
}

function isPdfScanInput(v: ImageInput | PdfScanInput): v is PdfScanInput {
  return typeof v === "object" && v !== null && "image" in v && !("data" in v);
}

export interface Detector {
  /** Find the document in one image. Safe to call concurrently; inference runs one at a time. */
  detect(input: ImageInput, options?: DetectOptions): Promise<DetectOutput>;
  /** Detect (unless `options.quad` is given), then flatten, enhance and encode the page. */
  scan(input: ImageInput, options?: ScanOptions): Promise<ScanResult>;
  /**
   * Scan several photos into one PDF, one page per photo in order, each sheet sized like its
   * paper. Each page is encoded as JPEG once and embedded as is. Fails on the first photo
   * without a document (give that one a `quad`).
   */
  scanToPdf(inputs: ReadonlyArray<ImageInput | PdfScanInput>, options?: PdfScanOptions): Promise<PdfScanResult>;
  /** Release the ONNX Runtime session. Later calls reject with code `DISPOSED`. */
  dispose(): Promise<void>;
  /** The thread count this detector asked ONNX Runtime for. */
  readonly numThreads: number;
  /** Milliseconds `createDetector` took: model, ONNX Runtime and JPEG decoder, loaded side by side. */
  readonly loadMs: number;
}

const now = (): number => performance.now();

const plain = (bytes: Uint8Array): ModelBytes => ({ bytes, preOptimized: false });

async function resolveModel(model: DetectorOptions["model"], onBytes?: (loaded: number, total: number) => void): Promise<ModelBytes> {
  const chosen = model ?? env.model ?? "int8";
  try {
    if (chosen === "int8" || chosen === "fp32") {
      const file = MODEL_FILES[chosen];
      if (env.assetBase !== null) return plain(await loadBinary(new URL(file, env.assetBase), onBytes));
      if (!isServerRuntime()) {
        throw new Error("pass `model` (URL or bytes) or set env.assetBase: the package files cannot be found here");
      }
      const root = await packageRoot();
      const url = new URL(file, root);
      if (chosen === "fp32" && !(await fileExists(url))) {
        // Only the default model ships in the npm package (the reference would double its size).
        throw new Error(
          `the float32 reference model is not in the npm package: download ${file} from the docedge repository and pass its path (model: "./docedge-fp32.onnx", or --model ./docedge-fp32.onnx)`,
        );
      }
      if (chosen === "int8") {
        const bytes = await loadBinary(url);
        const optimized = await optimizedInt8(root, bytes, onBytes);
        if (optimized !== null) return { bytes: optimized, preOptimized: true };
        onBytes?.(bytes.length, bytes.length);
        return plain(bytes);
      }
      return plain(await loadBinary(url, onBytes));
    }
    return plain(await loadBinary(chosen, onBytes));
  } catch (error) {
    const what = typeof chosen === "string" || chosen instanceof URL ? String(chosen) : "model bytes";
    throw new ModelLoadError(`could not load the model (${what}): ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

const MODEL_FILE = "model";
const JPEG_FILE = "jpeg decoder";

/**
 * The model (read, then handed to ONNX Runtime) and the JPEG decoder (compiled and instantiated)
 * load side by side; a new process spends most of its first result here. A decoder that fails to
 * load does not fail the detector: JPEG input then fails with the cause, other input still works.
 */
/**
 * On Node, Bun and Deno, the first detector compiles ONNX Runtime's 14 MB WASM itself, in the
 * background while the model is read and ORT's JavaScript is imported, and hands ORT the compiled
 * module (ORT would otherwise read and compile it only once its session is being created). Where
 * the file cannot be resolved, or ORT is already loaded or given its own WASM, ORT loads as usual.
 */
async function precompiledOrt(compiling: () => void): Promise<WebAssembly.Module | undefined> {
  try {
    if (!isServerRuntime() || env.wasm.ort !== undefined || appliedThreads() !== null) return undefined;
    const file = resolveDependencyFile("onnxruntime-web/ort-wasm-simd-threaded.wasm");
    if (file === null) return undefined;
    return await compileWasm(file, undefined, () => {
      compiling();
      // Then, in the wait for the compile (after a first detectDocument's decode, which starts
      // on `compiling`), the finder's functions are compiled once.
      if (overlapsLoad()) setTimeout(warmUpFinder, 0);
    });
  } catch {
    return undefined;
  } finally {
    compiling();
  }
}

/**
 * Whether work is moved into the wait for ONNX Runtime's WASM compile (ORT's JavaScript, a first
 * `detectDocument`'s decode, the quad finder's warm-up). Not on Bun: JavaScriptCore queues other
 * WASM's tier-up behind that 14 MB compile, so a decode during it runs in its interpreter
 * (measured: 235 ms median instead of 52, first result 482 ms instead of 444), importing ORT's
 * JavaScript early measured 10-25 ms later to the first result there, and the warm-up was not
 * clearly better (docs/performance-log.md, cold start, fourth and fifth rounds).
 */
function overlapsLoad(): boolean {
  return detectRuntime() !== "bun";
}

/** Hooks into a detector's load (internal: for `detectDocument`'s first call). */
interface LoadHooks {
  /**
   * Called once ONNX Runtime's WASM is compiling on a background thread (or when there is no
   * such compile): from then until the compile ends the main thread has little else to do.
   */
  compiling?: () => void;
}

async function loadParts(opts: DetectorOptions, numThreads: number, progress?: ProgressCallback, hooks?: LoadHooks): Promise<EdgeModel> {
  report(progress, { status: "initiate", file: MODEL_FILE });
  report(progress, { status: "initiate", file: JPEG_FILE });
  const decoder = prepareJpegDecoder(byteReporter(progress, JPEG_FILE)).then(
    () => report(progress, { status: "done", file: JPEG_FILE }),
    () => {},
  );
  const compiling = hooks?.compiling ?? ((): void => {});
  const ortWasm = opts.wasm?.ort !== undefined ? Promise.resolve(opts.wasm.ort) : precompiledOrt(compiling);
  if (opts.wasm?.ort !== undefined) compiling();
  // ORT's JavaScript parses while its WASM is read and compiled; a failure surfaces in createEdgeModel.
  if (overlapsLoad()) importOrt().catch(() => {});
  const { bytes, preOptimized } = await resolveModel(opts.model, byteReporter(progress, MODEL_FILE));
  const model = await createEdgeModel(bytes, { numThreads, ortWasm: await ortWasm, preOptimized });
  report(progress, { status: "done", file: MODEL_FILE });
  await decoder;
  return model;
}

/**
 * Create a detector: loads the model, ONNX Runtime and the JPEG decoder once; reuse it for many
 * images. `loadMs` says how long that took; `progress_callback` hears each file's progress.
 *
 * @example
 * ```ts
 * import { createDetector } from "docedge";
 * const detector = await createDetector({ progress_callback: (p) => console.log(p.status) });
 * const result = await detector.detect(jpegBytes);
 * console.log(detector.loadMs, result.timings);
 * ```
 */
export function createDetector(options?: DetectorOptions): Promise<Detector> {
  return openDetector(options);
}

async function openDetector(options?: DetectorOptions, hooks?: LoadHooks): Promise<Detector> {
  const loadStart = now();
  const opts = await parseDetectorOptions(options);
  if (opts.wasm) await configureCodecs(opts.wasm);
  const numThreads = effectiveNumThreads(opts.numThreads);
  const progress = opts.progress_callback as ProgressCallback | undefined;
  const model = await loadParts(opts, numThreads, progress, hooks);
  const loadMs = now() - loadStart;
  report(progress, { status: "ready", loadMs });
  const minShortSide = minShortSideFor(model.inputWidth, model.inputHeight);
  const limits = resolveLimits(opts.limits);
  const defaultThreshold = opts.threshold;
  let disposed = false;

  const checkOpen = (): void => {
    if (disposed) throw new DocedgeError("DISPOSED", "the detector was disposed");
  };

  /**
   * Each stage's timing runs from where the one before it ended (`t1` is when decoding ended), so
   * that the stages add up to `total`; only a wait for other detections' model runs, when calls
   * overlap, is in none of them.
   */
  async function detectImage(input: DetectionImage, start: number, t1: number, o: DetectOptions): Promise<DetectOutput> {
    const image = input.pixels;
    const tensor = await image.modelInput(model.inputWidth, model.inputHeight);
    const t2 = now();
    const { map, waitedMs } = await model.run(tensor, o.signal);
    const t3 = now();
    const threshold = o.threshold ?? defaultThreshold ?? DEFAULT_THRESHOLD;
    const finding = findQuadDetailed(map, { aspect: image.width / image.height, threshold });
    const t4 = now();
    // Corners in the decoded image's pixels; the second look may replace them.
    let best = finding.candidate ? { quad: scaleQuad(finding.candidate, image.width / map.width, image.height / map.height, 0, 0), confidence: finding.confidence } : null;
    let looked = false;
    let refineWaitedMs = 0;
    const box = best ? cropBox(image.width, image.height, best.quad) : null;
    if (best && box && wantsSecondLook(o.secondLook ?? "auto", best.confidence, boxShare(box, image.width, image.height))) {
      // The crop is averaged in place (modelInput's box), not copied out of the image first.
      const cropW = box.x1 - box.x0, cropH = box.y1 - box.y0;
      const second = await model.run(await image.modelInput(model.inputWidth, model.inputHeight, box), o.signal);
      const f2 = findQuadDetailed(second.map, { aspect: cropW / cropH, threshold });
      const seen = f2.candidate
        ? { quad: scaleQuad(f2.candidate, cropW / second.map.width, cropH / second.map.height, box.x0, box.y0), confidence: f2.confidence }
        : null;
      best = combineLooks(best, seen, Math.hypot(image.width, image.height));
      looked = true;
      refineWaitedMs = second.waitedMs;
    }
    if (best && best.confidence >= threshold) {
      // A spiral-bound side answers at the coil's ring line, as such pages are labelled (src/quad/coil.ts).
      const coil = findCoil(image.peek(), best.quad);
      if (coil) best = { quad: ringLineQuad(best.quad, coil), confidence: best.confidence };
    }
    const quad = best && best.confidence >= threshold ? toSourcePixels(best.quad, input) : null;
    const t5 = now();
    const base = {
      confidence: best?.confidence ?? finding.confidence,
      width: input.width,
      height: input.height,
      timings: {
        decode: t1 - start,
        preprocess: t2 - t1,
        inference: t3 - t2 - waitedMs,
        // Choosing and mapping the answer ends the finder's stage, or the second look's where one ran.
        quad: (looked ? t4 : t5) - t3,
        refine: looked ? t5 - t4 - refineWaitedMs : 0,
        total: t5 - start,
      },
    };
    const result: DetectOutput = quad ? { found: true, quad, ...base } : { found: false, quad: null, ...base };
    if (o.returnEdgeMap) result.edgeMap = map;
    return result;
  }

  /** detectImage on decoded pixels (decoding ended now), which are released after it, whatever happens. */
  async function detectReleasing(decoded: DetectionImage, start: number, o: DetectOptions): Promise<DetectOutput> {
    try {
      checkOpen();
      return await detectImage(decoded, start, now(), o);
    } finally {
      // A JPEG's pixels were held in its decoder's memory for the whole detection.
      decoded.pixels.release();
    }
  }

  async function scan(input: ImageInput, options?: ScanOptions): Promise<ScanResult> {
    checkOpen();
    // The bytes are read once: the page is warped from a full decode, while a JPEG's corners come
    // from the reduced-scale decode detect() uses, so detect and scan report the same corners.
    const source = isRgbaImage(input) || input === null || input === undefined ? input : await readInputBytes(input, limits);
    const image = await decodeImage(source, limits);
    let quad: Quad | undefined = options?.quad;
    if (quad === undefined) {
      checkOpen();
      const jpeg = source instanceof Uint8Array && sniffFormat(source) === "jpeg";
      const seen: DetectionImage = jpeg
        ? await decodeForDetection(source, minShortSide, limits)
        : { pixels: jsPixels(image), width: image.width, height: image.height, scale: 1, setupMs: 0 };
      const found = await detectReleasing(seen, now(), {});
      if (!found.found) {
        throw new InvalidQuadError(`no document found (confidence ${found.confidence.toFixed(2)}); pass options.quad to scan anyway`);
      }
      quad = found.quad;
    }
    // Scanning (warp, enhance, encode, its zod-validated options) loads on first use: detection alone never imports it.
    const { scanImage } = await import("./scan/scan.ts");
    return scanImage(image, quad, options);
  }

  const detector: Detector = {
    numThreads,
    loadMs,
    async detect(input, options) {
      checkOpen();
      const o = await parseDetectOptions(options);
      const start = now();
      const decoded = await decodeForDetection(input, minShortSide, limits, o.signal);
      // Loading a decoder's WASM on first use is not decoding; it is left out of every timing.
      return detectReleasing(decoded, start + decoded.setupMs, o);
    },
    scan,
    async scanToPdf(inputs, options) {
      if (!Array.isArray(inputs) || inputs.length === 0) throw new InvalidInputError("scanToPdf needs an array of at least one image");
      const pages: ScanResult[] = [];
      for (const entry of inputs) {
        const { image, quad } = isPdfScanInput(entry) ? entry : { image: entry, quad: undefined };
        pages.push(await scan(image, { ...options, ...(quad ? { quad } : {}), format: "jpeg" }));
      }
      const { pagesToPdf } = await import("./scan/pdf.ts");
      const pdf = await pagesToPdf(pages.map((p) => ({ jpeg: p.image, width: p.width, height: p.height, paper: p.paper })));
      return { pdf, pages: pages.map(({ width, height, quad, paper }) => ({ width, height, quad, paper })) };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await model.dispose();
    },
  };
  earlyEntry.set(detector, {
    minShortSide,
    limits,
    detectDecoded(decoded, decodeMs, o) {
      return detectReleasing(decoded, now() - decodeMs, o);
    },
  });
  return detector;
}

/**
 * The decoded short side the model input is taken from: at least 2x the input, so every input
 * pixel still averages 2x2 or more decoded pixels, as from a full decode.
 */
function minShortSideFor(inputWidth: number, inputHeight: number): number {
  return 2 * Math.max(inputWidth, inputHeight);
}

/** What `detectDocument` needs to detect in an image it decoded while the shared detector loaded. */
interface EarlyEntry {
  minShortSide: number;
  limits: Required<DecodeLimits>;
  /** Detect in `decoded`, decoded in `decodeMs` (reported as `timings.decode`). */
  detectDecoded(decoded: DetectionImage, decodeMs: number, o: DetectOptions): Promise<DetectOutput>;
}

const earlyEntry = new WeakMap<Detector, EarlyEntry>();

/**
 * Map-space corners (continuous, [0, W] x [0, H]) to the full-resolution source's pixels. A
 * reduced JPEG decode's pixel i covers source pixels [i*scale, (i+1)*scale) (only the last one is
 * partial), so scaling by `scale` and clamping to the source is exact.
 */
/** Corners in the decoded image's pixels to the upright source image's (a reduced JPEG decode is scaled back). */
function toSourcePixels(quad: Quad, input: DetectionImage): Quad {
  const { scale, width, height } = input;
  return mapQuad(quad, ([x, y]) => [Math.min(width, x * scale), Math.min(height, y * scale)]);
}

let shared: Promise<Detector> | null = null;
/** The shared detector once loaded (null while loading, failed or disposed). */
let sharedReady: Detector | null = null;

/**
 * The lazily created detector behind `detectDocument` and `scanDocument` (default options, `env` applied).
 *
 * @example
 * ```ts
 * import { getDefaultDetector } from "docedge";
 * const detector = await getDefaultDetector(); // the one detectDocument and scanDocument use
 * console.log(detector.numThreads, detector.loadMs);
 * ```
 */
export function getDefaultDetector(): Promise<Detector> {
  return sharedDetector();
}

function sharedDetector(hooks?: LoadHooks): Promise<Detector> {
  if (shared === null) {
    const p = openDetector(undefined, hooks);
    shared = p;
    p.then(
      (d) => {
        if (shared === p) sharedReady = d;
      },
      () => {
        if (shared === p) shared = null;
      },
    );
  }
  return shared;
}

/**
 * Release the shared default detector (e.g. before a CLI exits).
 *
 * @example
 * ```ts
 * import { detectDocument, disposeDefaultDetector } from "docedge";
 * await detectDocument(jpegBytes);
 * await disposeDefaultDetector(); // frees ONNX Runtime's memory; the next call loads it again
 * ```
 */
export async function disposeDefaultDetector(): Promise<void> {
  const p = shared;
  shared = null;
  sharedReady = null;
  if (p) await (await p.catch(() => null))?.dispose();
}

const DETECTOR_KEYS = ["model", "numThreads", "limits", "wasm", "progress_callback"] as const;

/**
 * Find the document in one image with a shared detector. Detector-level options (`model`,
 * `numThreads`, `limits`, `wasm`) make a one-off detector; for many images, use `createDetector`.
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { detectDocument } from "docedge";
 * const r = await detectDocument(await readFile("photo.jpg"), { threshold: 0.6 });
 * if (r.found) console.log(r.quad, r.confidence.toFixed(2));
 * ```
 */
export async function detectDocument(input: ImageInput, options?: DetectOptions & DetectorOptions): Promise<DetectOutput> {
  const { detectOpts, detectorOpts } = split(options);
  if (detectorOpts === null) {
    if (sharedReady !== null) return sharedReady.detect(input, detectOpts);
    if (shared !== null || !overlapsLoad()) return (await getDefaultDetector()).detect(input, detectOpts);
    return detectWhileLoading(input, detectOpts);
  }
  const detector = await createDetector(detectorOpts);
  try {
    return await detector.detect(input, detectOpts);
  } finally {
    await detector.dispose();
  }
}


/**
 * A new process's first `detectDocument`: the input is decoded while the shared detector loads,
 * once ONNX Runtime's WASM is compiling (the JPEG decoder is ready by then, and the main thread
 * would wait), at the scale the shipped model asks for. Should the loaded model want another
 * scale, or other limits, the input is decoded again: the answer is always the one `detect`
 * gives. A load failure is reported before a decode failure, as when decoding waited for the load.
 */
async function detectWhileLoading(input: ImageInput, options: DetectOptions): Promise<DetectOutput> {
  let compiling = (): void => {};
  const compileStarted = new Promise<void>((resolve) => (compiling = resolve));
  const pending = sharedDetector({ compiling });
  const loadSettled = pending.then(() => {}, () => {});
  const o = await parseDetectOptions(options);
  const guess = minShortSideFor(SHIPPED_MODEL_INPUT, SHIPPED_MODEL_INPUT);
  const limits = resolveLimits(undefined);
  // Bytes are read at once (a stream can be read only once); the timed decode starts once the
  // compile has, so that neither delays it and no load work runs inside the decode's time.
  const reading = isRgbaImage(input) || input === null || input === undefined ? Promise.resolve(input) : readInputBytes(input, limits, o.signal);
  const decoding = reading.then(async (source) => {
    await Promise.race([compileStarted, loadSettled]);
    const start = now();
    const decoded = await decodeForDetection(source, guess, limits, o.signal);
    return { decoded, ms: now() - start - decoded.setupMs };
  });
  decoding.catch(() => {});
  // An early decode that is not used gives its pixels back to the decoder.
  const discard = (): void => void decoding.then(({ decoded }) => decoded.pixels.release(), () => {});
  const detector = await pending.catch((error: unknown) => {
    discard();
    throw error;
  });
  const entry = earlyEntry.get(detector);
  const fits = entry !== undefined && entry.minShortSide === guess && entry.limits.maxBytes === limits.maxBytes && entry.limits.maxPixels === limits.maxPixels;
  if (!fits) {
    discard();
    return detector.detect(await reading, o);
  }
  const { decoded, ms } = await decoding;
  return entry.detectDecoded(decoded, ms, o);
}

/**
 * Scan several photos into one PDF with the shared detector: one page per photo, in order.
 *
 * @example
 * ```ts
 * import { readFile, writeFile } from "node:fs/promises";
 * import { scanToPdf } from "docedge";
 * const { pdf } = await scanToPdf([await readFile("page1.jpg"), await readFile("page2.jpg")], { enhance: "color" });
 * await writeFile("scans.pdf", pdf);
 * ```
 */
export async function scanToPdf(inputs: ReadonlyArray<ImageInput | PdfScanInput>, options?: PdfScanOptions): Promise<PdfScanResult> {
  return (await getDefaultDetector()).scanToPdf(inputs, options);
}

/**
 * Detect the document (unless `options.quad` is given) and return the flattened page.
 *
 * @example
 * ```ts
 * import { readFile, writeFile } from "node:fs/promises";
 * import { scanDocument } from "docedge";
 * const page = await scanDocument(await readFile("photo.jpg"), { enhance: "bw", format: "png" });
 * await writeFile("page.png", page.image);
 * ```
 */
export async function scanDocument(input: ImageInput, options?: ScanOptions): Promise<ScanResult> {
  return (await getDefaultDetector()).scan(input, options);
}

function split(options?: DetectOptions & DetectorOptions): { detectOpts: DetectOptions; detectorOpts: DetectorOptions | null } {
  if (!options) return { detectOpts: {}, detectorOpts: null };
  const { model, numThreads, limits, wasm, progress_callback, ...detectOpts } = options;
  const hasDetectorOpts = DETECTOR_KEYS.some((k) => options[k] !== undefined);
  return {
    detectOpts,
    detectorOpts: hasDetectorOpts ? { model, numThreads, limits, wasm, progress_callback, threshold: options.threshold } : null,
  };
}
