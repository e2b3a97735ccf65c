/**
 * Live document tracking over video: a detector (by default one in a Web Worker) fed frames, and
 * the pure `QuadTracker` turning its per-frame answers into one stable quad.
 *
 * Frames are never queued: while the detector works on one frame, a newer frame replaces any
 * waiting one, and a superseded `track()` call resolves with the current state. So a slow device
 * simply tracks at a lower rate instead of falling further and further behind the camera.
 */
import { DocedgeError } from "../errors.ts";
import type { SecondLookMode } from "../quad/second-look.ts";
import type { DetectResult } from "../types.ts";
import type { QuadTracker, TrackerOptions, TrackState } from "./tracker.ts";
import { createWorkerDetector, type WorkerDetectorOptions, type WorkerImageSource } from "./worker-detector.ts";

/**
 * Anything that detects a document in a frame: a worker detector (frames: any browser image
 * source), or docedge's own `Detector` (frames: RgbaImage or encoded bytes, on any runtime).
 */
export interface FrameDetector<F = WorkerImageSource> {
  detect(input: F, options?: { signal?: AbortSignal; secondLook?: SecondLookMode }): Promise<DetectResult>;
  dispose?(): void | Promise<void>;
}

export interface LiveTrackerOptions<F = WorkerImageSource> extends TrackerOptions {
  /**
   * The detector to run on each frame. Default: a new worker detector made with `worker` options
   * (disposed with the tracker).
   */
  detector?: FrameDetector<F>;
  /** Options for the default worker detector. */
  worker?: WorkerDetectorOptions;
  /**
   * detect()'s `secondLook` for every frame (default `"auto"`). `"never"` keeps each frame to one
   * inference: the track already weighs many frames, where one photo has only its second look.
   */
  secondLook?: SecondLookMode;
}

export interface LiveTracker<F = WorkerImageSource> {
  /** The detector in use. */
  readonly detector: FrameDetector<F>;
  /** The pure smoothing / hold / steady state machine (exposed for custom pipelines). */
  readonly tracker: QuadTracker;
  /** Latest state. */
  readonly state: TrackState;
  /**
   * Detect in one frame and update the track. `timeMs` defaults to now (performance.now()).
   * Resolves with the new state, or with the current one if a newer frame superseded this one.
   */
  track(frame: F, timeMs?: number): Promise<TrackState & { superseded?: true }>;
  /**
   * Track a playing video until stopped: one detection at a time, each on the frame showing when
   * the previous one finished (requestVideoFrameCallback where available). Needs a detector
   * that takes video elements (the worker detector does).
   */
  start(video: HTMLVideoElement, onState: (state: TrackState) => void, onError?: (error: unknown) => void): () => void;
  /** Forget the current track (e.g. after a capture, to scan the next page). */
  reset(): void;
  dispose(): void;
}

function now(): number {
  return typeof performance === "object" ? performance.now() : Date.now();
}

function frameSize(frame: unknown): { width: number; height: number } | null {
  const f = frame as { videoWidth?: number; videoHeight?: number; naturalWidth?: number; naturalHeight?: number; width?: number; height?: number; displayWidth?: number; displayHeight?: number };
  if (typeof f.videoWidth === "number") return { width: f.videoWidth, height: f.videoHeight ?? 0 };
  if (typeof f.displayWidth === "number") return { width: f.displayWidth, height: f.displayHeight ?? 0 };
  if (typeof f.naturalWidth === "number") return { width: f.naturalWidth, height: f.naturalHeight ?? 0 };
  if (typeof f.width === "number" && typeof f.height === "number") return { width: f.width, height: f.height };
  return null;
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
  const { detector: given, worker: workerOptions, secondLook, ...trackerOptions } = options;
  // tracker.ts validates its options with zod: imported here, not by the package root.
  const { createQuadTracker } = await import("./tracker.ts");
  const tracker = createQuadTracker(trackerOptions);
  const detector: FrameDetector<F> = given ?? ((await createWorkerDetector(workerOptions)) as FrameDetector<WorkerImageSource> as FrameDetector<F>);
  const ownsDetector = given === undefined;

  let busy = false;
  let waiting: { frame: F; timeMs: number; resolve: (s: TrackState & { superseded?: true }) => void; reject: (e: unknown) => void } | null = null;
  let disposed = false;
  const controller = new AbortController();

  async function runOne(frame: F, timeMs: number): Promise<TrackState> {
    const size = frameSize(frame);
    const result = await detector.detect(frame, { signal: controller.signal, ...(secondLook !== undefined ? { secondLook } : {}) });
    const width = result.width || size?.width || 0;
    const height = result.height || size?.height || 0;
    return tracker.update({ quad: result.found ? result.quad : null, confidence: result.confidence, width, height }, timeMs);
  }

  async function pump(frame: F, timeMs: number): Promise<TrackState> {
    busy = true;
    try {
      return await runOne(frame, timeMs);
    } finally {
      busy = false;
      const next = waiting;
      waiting = null;
      if (next && !disposed) pump(next.frame, next.timeMs).then(next.resolve, next.reject);
    }
  }

  function track(frame: F, timeMs: number = now()): Promise<TrackState & { superseded?: true }> {
    if (disposed) return Promise.reject(new DocedgeError("DISPOSED", "the tracker was disposed"));
    if (!busy) return pump(frame, timeMs);
    // Grab a video's pixels now: by the time the detector is free, the element shows a later frame.
    const snapshot = isLiveElement(frame) ? (snapshotFrame(frame) as F) : frame;
    if (waiting) waiting.resolve({ ...tracker.state, superseded: true });
    return new Promise((resolve, reject) => {
      waiting = { frame: snapshot, timeMs, resolve, reject };
    });
  }

  function start(video: HTMLVideoElement, onState: (s: TrackState) => void, onError?: (e: unknown) => void): () => void {
    let stopped = false;
    const hasRvfc = typeof (video as { requestVideoFrameCallback?: unknown }).requestVideoFrameCallback === "function";
    const schedule = (): void => {
      if (stopped || disposed) return;
      if (hasRvfc) video.requestVideoFrameCallback(() => step());
      else requestAnimationFrame(() => step());
    };
    const step = (): void => {
      if (stopped || disposed) return;
      if (video.readyState < 2 || video.videoWidth === 0) {
        schedule();
        return;
      }
      track(video as F).then(
        (s) => {
          if (!stopped) onState(s);
          schedule();
        },
        (e: unknown) => {
          if (stopped) return;
          onError?.(e);
          schedule();
        },
      );
    };
    schedule();
    return () => {
      stopped = true;
    };
  }

  return {
    detector,
    tracker,
    get state() {
      return tracker.state;
    },
    track,
    start,
    reset: () => tracker.reset(),
    dispose() {
      if (disposed) return;
      disposed = true;
      controller.abort();
      if (waiting) waiting.resolve({ ...tracker.state, superseded: true });
      waiting = null;
      if (ownsDetector) void detector.dispose?.();
    },
  };
}

function isLiveElement(frame: unknown): frame is HTMLVideoElement {
  return typeof HTMLVideoElement === "function" && frame instanceof HTMLVideoElement;
}

/** A copy of the video's current frame (an ImageBitmap would be async; a canvas copy is not). */
function snapshotFrame(video: HTMLVideoElement): WorkerImageSource {
  const canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(video.videoWidth, video.videoHeight) : document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return video;
  ctx.drawImage(video, 0, 0);
  return canvas;
}
