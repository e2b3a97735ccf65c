/**
 * The package root's asynchronous features that detection never runs (scanning, the browser's
 * worker detector and live tracker), each loading its modules on its first call: Node's loader
 * costs ~0.3-0.5 ms a file at `import("docedge")`, and these are 9 of its files. Same signatures
 * and errors as the functions they load (both async, so a throw is a rejection either way).
 * @module
 */
import type { Quad, RgbaImage } from "./types.ts";
import type { ScanOptions, ScanResult } from "./scan/options.ts";
import type { RectifiedPage } from "./scan/scan.ts";
import type { LiveTracker, LiveTrackerOptions } from "./browser/live.ts";
import type { WorkerDetector, WorkerDetectorOptions, WorkerImageSource } from "./browser/worker-detector.ts";

/**
 * Flatten the page `quad` outlines in `image` (upright RGBA pixels), enhance and encode it.
 * `options.quad`, when given, overrides `quad` (corners a person adjusted).
 * Throws InvalidQuadError for a quad that cannot be a page, InvalidInputError for bad options.
 *
 * @example
 * ```ts
 * import { decodeImage, scanImage } from "docedge";
 * const image = await decodeImage(jpegBytes);
 * const page = await scanImage(image, [[95, 192], [866, 196], [878, 1316], [64, 1300]], { format: "webp" });
 * ```
 */
export async function scanImage(image: RgbaImage, quad: Quad, options?: ScanOptions): Promise<ScanResult> {
  return (await import("./scan/scan.ts")).scanImage(image, quad, options);
}

/**
 * Warp and enhance, without encoding: the page as RGBA pixels (for a canvas, or further work).
 * `quad` is in `image`'s pixels; options.quad, when given, takes precedence.
 *
 * @example
 * ```ts
 * import { decodeImage, detectDocument, rectifyImage } from "docedge";
 * const image = await decodeImage(jpegBytes);
 * const r = await detectDocument(image);
 * if (r.found) {
 *   const { image: page, aspect } = await rectifyImage(image, r.quad, { enhance: "gray" });
 *   console.log(`${page.width}x${page.height}`, aspect.snappedTo);
 * }
 * ```
 */
export async function rectifyImage(image: RgbaImage, quad: Quad, options?: ScanOptions): Promise<RectifiedPage> {
  return (await import("./scan/scan.ts")).rectifyImage(image, quad, options);
}

/**
 * A live tracker over video frames: a detector (by default a new worker detector) and a
 * `QuadTracker` that smooths its answers into one stable quad. Dispose it when done.
 *
 * @example
 * ```ts
 * import { createTracker } from "docedge";
 * const tracker = await createTracker({ worker: { worker: "/docedge/worker.js", assetBase: "/docedge/" } });
 * const video = document.querySelector("video")!;
 * const stop = tracker.start(video, (state) => {
 *   if (state.capture) console.log("steady page at", state.quad);
 * });
 * ```
 */
export async function createTracker<F = WorkerImageSource>(options: LiveTrackerOptions<F> = {}): Promise<LiveTracker<F>> {
  return (await import("./browser/live.ts")).createTracker(options);
}

/**
 * A detector in a Web Worker (a browser page stays responsive): frames are drawn and sent as
 * pixels, files as they are. Needs a Worker (use `createDetector` elsewhere).
 *
 * @example
 * ```ts
 * import { createWorkerDetector } from "docedge";
 * const detector = await createWorkerDetector({ worker: "/docedge/worker.js", assetBase: "/docedge/" });
 * const file = document.querySelector("input")!.files![0];
 * const r = await detector.detect(file); // corners in the upright photo's pixels
 * detector.dispose();
 * ```
 */
export async function createWorkerDetector(options: WorkerDetectorOptions = {}): Promise<WorkerDetector> {
  return (await import("./browser/worker-detector.ts")).createWorkerDetector(options);
}
