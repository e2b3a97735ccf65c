/**
 * docedge: find the four corners of a paper document in a photo, the same in Node, Bun, Deno,
 * Cloudflare Workers and browsers.
 *
 * @example
 * ```ts
 * import { detectDocument } from "docedge";
 * const result = await detectDocument(jpegBytes);
 * if (result.found) console.log(result.quad); // [[x,y] TL, TR, BR, BL] in source pixels
 * ```
 * @module
 */

export type { Point, Quad, RgbaImage, FloatMap, ImageInput, DetectResult, DetectResultBase, DetectFound, DetectNotFound, DetectTimings } from "./src/types.ts";
export {
  DocedgeError,
  InvalidInputError,
  UnsupportedFormatError,
  CorruptImageError,
  ImageTooLargeError,
  InvalidQuadError,
  ModelLoadError,
  isDocedgeError,
  type DocedgeErrorCode,
} from "./src/errors.ts";
export { env, type DocedgeEnv, type WasmSources } from "./src/runtime/env.ts";
export { detectRuntime, defaultNumThreads, type RuntimeName } from "./src/runtime/detect.ts";
export type { WasmSource, BinarySource } from "./src/runtime/wasm-source.ts";
export type { LoadProgress, ProgressCallback } from "./src/runtime/progress.ts";
export { decodeImage, decodeImageWithInfo, DEFAULT_LIMITS, type DecodeLimits, type DecodedImage } from "./src/image/decode.ts";
export { readImageHeader, sniffFormat, type ImageFormat, type ImageHeader, type Orientation } from "./src/image/header.ts";
export { loadCodecs, configureCodecs, type Codecs, type EncodeOptions } from "./src/image/codecs.ts";

export {
  createDetector,
  detectDocument,
  scanDocument,
  scanToPdf,
  getDefaultDetector,
  disposeDefaultDetector,
  type Detector,
  type DetectOutput,
  type DetectOptions,
  type DetectorOptions,
  type PdfScanInput,
  type PdfScanOptions,
  type PdfScanResult,
} from "./src/detector.ts";
export { resizeToTensor, type PixelBox } from "./src/image/resize.ts";
export { applyOrientation } from "./src/image/orientation.ts";

// --- feature exports ---
// Scanning and the browser's worker detector load on first call (src/deferred.ts): detection never runs them.
export { scanImage, rectifyImage, createTracker, createWorkerDetector } from "./src/deferred.ts";
export type { RectifiedPage } from "./src/scan/scan.ts";
// The zod schemas (scanOptionsSchema, trackerOptionsSchema) and createQuadTracker live in
// "docedge/schemas" and "docedge/tracker": importing the root loads no validator.
export type { ScanOptions, ScanResult, EnhanceMode, ScanFormat } from "./src/scan/options.ts";
export { estimateAspect, PAPER_RATIOS, type AspectEstimate, type PaperSize } from "./src/scan/aspect.ts";
export { pagesToPdf, pdfPageSize, type PdfPage } from "./src/scan/pdf.ts";
export type { LiveTracker, LiveTrackerOptions, FrameDetector } from "./src/browser/live.ts";
export type { QuadTracker, TrackerOptions, TrackerObservation, TrackState, TrackStatus } from "./src/browser/tracker.ts";
export type {
  WorkerDetector,
  WorkerDetectorOptions,
  WorkerDetectOptions,
  WorkerImageSource,
  BrowserBinary,
} from "./src/browser/worker-detector.ts";
export { toRgbaImage, toRgbaFrame, grabFrame, decodeBlob, type BrowserImageSource, type GrabbedFrame, type GrabOptions } from "./src/browser/input.ts";
export { findQuad, findQuadDetailed, type FindQuadOptions, type QuadFinding, type QuadFindingDetail, type QuadFindingTrace } from "./src/quad/find-quad.ts";
export { jaccardIndex } from "./src/geometry/jaccard.ts";
