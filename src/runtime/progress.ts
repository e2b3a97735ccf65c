/**
 * One step of loading a detector, in the shape transformers.js' `progress_callback` reports (so a
 * UI that shows its bars can show these): `initiate` and `done` per file, `progress` with bytes
 * while a file downloads (`total` 0 when the server sends no length), `ready` once the detector
 * can run.
 */
export type LoadProgress =
  | { status: "initiate"; file: string }
  | { status: "progress"; file: string; loaded: number; total: number; progress: number }
  | { status: "done"; file: string }
  | { status: "ready"; loadMs: number };

/**
 * Called for each loading step; see `LoadProgress`.
 *
 * @example
 * ```ts
 * import { createDetector } from "docedge";
 * const detector = await createDetector({
 *   progress_callback: (p) => { if (p.status === "progress") console.log(p.file, p.progress.toFixed(0) + "%"); },
 * });
 * ```
 */
export type ProgressCallback = (progress: LoadProgress) => void;

/** Report to a user callback; a throwing callback must not fail the load. */
export function report(callback: ProgressCallback | undefined, progress: LoadProgress): void {
  if (callback === undefined) return;
  try {
    callback(progress);
  } catch {
    // The caller's UI code failing is not a load failure.
  }
}

/** A byte counter for one file, or undefined when nobody listens. */
export function byteReporter(callback: ProgressCallback | undefined, file: string): ((loaded: number, total: number) => void) | undefined {
  if (callback === undefined) return undefined;
  return (loaded, total) =>
    report(callback, { status: "progress", file, loaded, total, progress: total > 0 ? (100 * loaded) / total : 0 });
}
