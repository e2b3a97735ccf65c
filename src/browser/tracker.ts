/**
 * The pure part of live tracking: per-frame detections in, one stable quad out.
 *
 * No DOM, no timers, no detector: `update(observation, timeMs)` is a deterministic function of
 * the observations so far, which is what lets it be tested in Node on synthetic noisy video.
 *
 * - Smoothing: a One-Euro filter per corner, in units of the frame diagonal so the same
 *   parameters work for a 320 px preview and a 1920 px stream.
 * - Acquire: a quad is shown only after `minHits` consistent detections in a row, so a single
 *   false positive never flashes on screen.
 * - Hold: through up to `maxMissed` missed frames the last quad is kept (a detector blinks when
 *   a hand or glare crosses the page); after that the page is considered gone and the quad drops.
 * - Jumps: a detection far from the tracked quad is a miss, unless `minHits` such detections agree
 *   in a row, in which case the track restarts there (the page really moved, or a new page).
 * - Steady: when no corner of the smoothed quad has left a small circle for `steadyMs`, `steady`
 *   turns true and `capture` is true for exactly that one frame. It re-arms only once the page
 *   moves or is lost.
 *
 * The package entry `docedge/tracker` (apart from the root, which loads no validator; this module
 * checks its options with zod). `createTracker` from `docedge` wraps it around a detector.
 *
 * @example
 * ```ts
 * import { detectDocument, type RgbaImage } from "docedge";
 * import { createQuadTracker } from "docedge/tracker";
 * declare const frame: RgbaImage; // one video frame's pixels
 * const tracker = createQuadTracker({ minHits: 3 });
 * const result = await detectDocument(frame);
 * const state = tracker.update({ quad: result.quad, confidence: result.confidence, width: result.width, height: result.height }, performance.now());
 * if (state.capture) console.log("steady: take the photo", state.quad);
 * ```
 * @module
 */
import * as z from "zod/mini";
import { InvalidInputError } from "../errors.ts";
import { mapQuad, rotateCorners } from "../geometry/quad-transform.ts";
import type { Point, Quad } from "../types.ts";
import { OneEuroFilter2D } from "./one-euro.ts";

/** The tracker's tuning, every field filled in (see `trackerOptionsSchema` for the defaults). */
export interface ResolvedTrackerOptions {
  /** One-Euro cutoff at rest, Hz. */
  minCutoff: number;
  /** One-Euro speed gain, per (frame diagonals per second). */
  beta: number;
  /** One-Euro cutoff for the speed estimate, Hz. */
  dCutoff: number;
  /** Consistent detections in a row before a quad is shown (and before a jump is believed). */
  minHits: number;
  /** Missed frames the last quad is held through before it is dropped. */
  maxMissed: number;
  /** Detections below this confidence count as misses. */
  minConfidence: number;
  /** Mean corner distance, in frame diagonals, beyond which a detection is a jump. */
  jumpDistance: number;
  /** Radius, in frame diagonals, each smoothed corner must stay within to count as steady. */
  steadyTolerance: number;
  /** How long the quad must stay within `steadyTolerance` before `steady` (and `capture`), ms. */
  steadyMs: number;
}

/** The tracker's tuning as given: any field may be left out. */
export type TrackerOptions = Partial<ResolvedTrackerOptions>;

// zod/mini (numbers are finite in zod 4): tree-shakable, this module runs in browsers. Typed
// explicitly for JSR.
/**
 * The tracker options' zod schema (zod/mini), defaults filled in: `docedge/schemas` exports it.
 *
 * @example
 * ```ts
 * import { trackerOptionsSchema } from "docedge/schemas";
 * const parsed = trackerOptionsSchema.safeParse({ steadyMs: 600 });
 * if (parsed.success) console.log(parsed.data.minHits); // the defaults filled in
 * ```
 */
export const trackerOptionsSchema: z.ZodMiniType<ResolvedTrackerOptions, TrackerOptions> = z.strictObject({
  /** One-Euro cutoff at rest, Hz. */
  minCutoff: z._default(z.number().check(z.positive()), 1.2),
  /** One-Euro speed gain, per (frame diagonals per second). */
  beta: z._default(z.number().check(z.nonnegative()), 25),
  /** One-Euro cutoff for the speed estimate, Hz. */
  dCutoff: z._default(z.number().check(z.positive()), 1),
  /** Consistent detections in a row before a quad is shown (and before a jump is believed). */
  minHits: z._default(z.int().check(z.minimum(1), z.maximum(30)), 2),
  /** Missed frames the last quad is held through before it is dropped. */
  maxMissed: z._default(z.int().check(z.minimum(0), z.maximum(600)), 6),
  /** Detections below this confidence count as misses. */
  minConfidence: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
  /** Mean corner distance, in frame diagonals, beyond which a detection is a jump. */
  jumpDistance: z._default(z.number().check(z.positive(), z.maximum(2)), 0.12),
  /** Radius, in frame diagonals, each smoothed corner must stay within to count as steady. */
  steadyTolerance: z._default(z.number().check(z.positive(), z.maximum(1)), 0.012),
  /** How long the quad must stay within `steadyTolerance` before `steady` (and `capture`). */
  steadyMs: z._default(z.number().check(z.nonnegative()), 700),
});



/** One detector result for one frame, in that frame's pixels. */
export interface TrackerObservation {
  quad: Quad | null;
  confidence: number;
  width: number;
  height: number;
}

export type TrackStatus =
  /** Nothing tracked. */
  | "searching"
  /** A candidate is being confirmed (fewer than `minHits` detections so far); no quad shown. */
  | "acquiring"
  /** The quad was updated from this frame's detection. */
  | "tracking"
  /** This frame missed; the last quad is held. */
  | "holding";

export interface TrackState {
  status: TrackStatus;
  /** The smoothed quad in frame pixels (TL, TR, BR, BL), or null when nothing is tracked. */
  quad: Quad | null;
  /** This frame's raw detection (after confidence gating), or null. */
  rawQuad: Quad | null;
  /** Confidence of the latest accepted detection (0 when nothing is tracked). */
  confidence: number;
  /** Consecutive missed frames so far. */
  missed: number;
  /** The quad has stayed within `steadyTolerance` for at least `steadyMs`. */
  steady: boolean;
  /** How long the quad has stayed within `steadyTolerance`, ms. */
  steadyForMs: number;
  /** True on exactly one frame per steady episode: the moment to auto-capture. */
  capture: boolean;
  width: number;
  height: number;
  timeMs: number;
}

export interface QuadTracker {
  readonly options: Readonly<ResolvedTrackerOptions>;
  /** Feed one frame's detection; `timeMs` is the frame's time (e.g. video currentTime * 1000). */
  update(observation: TrackerObservation, timeMs: number): TrackState;
  /** The state returned by the last update. */
  readonly state: TrackState;
  /** Forget everything (e.g. after a capture was taken and the user wants to scan again). */
  reset(): void;
}

/**
 * Every tracker option, the given ones checked and the rest defaulted; InvalidInputError names a bad field.
 *
 * @example
 * ```ts
 * import { parseTrackerOptions } from "docedge/tracker";
 * const options = parseTrackerOptions({ steadyMs: 600 }); // every field, defaults filled in
 * ```
 */
export function parseTrackerOptions(options: TrackerOptions | undefined): ResolvedTrackerOptions {
  const parsed = trackerOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(`invalid tracker options: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function meanCornerDistance(a: readonly Point[], b: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += Math.hypot(a[i][0] - b[i][0], a[i][1] - b[i][1]);
  return s / 4;
}

function maxCornerDistance(a: readonly Point[], b: readonly Point[]): number {
  let m = 0;
  for (let i = 0; i < 4; i++) m = Math.max(m, Math.hypot(a[i][0] - b[i][0], a[i][1] - b[i][1]));
  return m;
}

/** Cyclic rotation of `q` (keeping its winding) whose corners lie closest to `ref`'s. */
function alignTo(q: Quad, ref: readonly Point[]): Quad {
  let best = q;
  let bestD = Infinity;
  for (let k = 0; k < 4; k++) {
    const r: Quad = [q[k % 4], q[(k + 1) % 4], q[(k + 2) % 4], q[(k + 3) % 4]];
    const d = meanCornerDistance(r, ref);
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}

/**
 * Relabel as TL, TR, BR, BL by cyclic rotation only (the detector gives clockwise quads): start
 * at the smallest x + y. Rotation, unlike re-sorting, never makes a bow-tie of a smoothed quad.
 */
function canonical(points: readonly Point[]): Quad {
  let start = 0;
  for (let i = 1; i < 4; i++) {
    if (points[i][0] + points[i][1] < points[start][0] + points[start][1]) start = i;
  }
  return rotateCorners(points, start);
}

function isUsableQuad(q: Quad | null): q is Quad {
  return (
    q !== null &&
    q.length === 4 &&
    q.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
  );
}

/**
 * The smoothing / hold / steady state machine alone, for pipelines that run their own detector.
 * Throws InvalidInputError for options `trackerOptionsSchema` rejects.
 *
 * @example
 * ```ts
 * import { createQuadTracker } from "docedge/tracker";
 * const tracker = createQuadTracker();
 * const state = tracker.update({ quad: null, confidence: 0, width: 1280, height: 720 }, 0);
 * state.status; // "searching"
 * ```
 */
export function createQuadTracker(options?: TrackerOptions): QuadTracker {
  const opts = parseTrackerOptions(options);
  const filters = [0, 1, 2, 3].map(
    () => new OneEuroFilter2D({ minCutoff: opts.minCutoff, beta: opts.beta, dCutoff: opts.dCutoff }),
  );

  // Track state, in normalized units (pixels / frame diagonal).
  let smoothed: Point[] | null = null; // the shown quad, or null
  let candidate: Point[] | null = null; // last detection while acquiring or confirming a jump
  let candidateHits = 0;
  let missed = 0;
  let confidence = 0;
  let lastTime: number | null = null;
  let frameW = 0;
  let frameH = 0;
  let anchor: Point[] | null = null; // where the steady window started
  let steadySince = 0;
  let captured = false;
  let state: TrackState = emptyState(0, 0, 0);

  function emptyState(width: number, height: number, timeMs: number): TrackState {
    return {
      status: "searching",
      quad: null,
      rawQuad: null,
      confidence: 0,
      missed: 0,
      steady: false,
      steadyForMs: 0,
      capture: false,
      width,
      height,
      timeMs,
    };
  }

  function reset(): void {
    smoothed = null;
    forgetCandidate();
    missed = 0;
    confidence = 0;
    lastTime = null;
    anchor = null;
    captured = false;
    for (const f of filters) f.reset();
    state = emptyState(frameW, frameH, state.timeMs);
  }

  /** Starts (or restarts, after a confirmed jump) the track at `q`, seen with `seenConfidence`. */
  function startTrack(q: Point[], seenConfidence: number): void {
    for (let i = 0; i < 4; i++) filters[i].reset(q[i][0], q[i][1]);
    smoothed = q.map((p) => [p[0], p[1]] as Point);
    anchor = null;
    captured = false;
    confidence = seenConfidence;
    missed = 0;
    forgetCandidate();
  }

  function forgetCandidate(): void {
    candidate = null;
    candidateHits = 0;
  }

  /** Counts a detection toward acquiring (or re-acquiring) a track at `q`; the candidate once confirmed, else null. */
  function confirmCandidate(q: Quad): Point[] | null {
    if (candidate && meanCornerDistance(q, alignTo(q, candidate)) <= opts.jumpDistance) {
      candidateHits++;
    } else {
      candidateHits = 1;
    }
    candidate = candidate ? alignTo(q, candidate) : q;
    return candidateHits >= opts.minHits ? candidate : null;
  }

  function update(obs: TrackerObservation, timeMs: number): TrackState {
    if (!Number.isFinite(timeMs)) throw new InvalidInputError("tracker: timeMs must be a finite number");
    if (!(obs.width > 0 && obs.height > 0)) {
      throw new InvalidInputError("tracker: observation width and height must be positive");
    }
    if (obs.width !== frameW || obs.height !== frameH) {
      // A new frame size (rotation, camera switch) invalidates the normalized track.
      frameW = obs.width;
      frameH = obs.height;
      reset();
    }
    const diag = Math.hypot(frameW, frameH);
    const dt = lastTime === null || timeMs <= lastTime ? 1 / 30 : (timeMs - lastTime) / 1000;

    // Copied: the caller may reuse the arrays of its observation.
    const rawQuad =
      isUsableQuad(obs.quad) && obs.confidence >= opts.minConfidence ? mapQuad(obs.quad, (p) => [p[0], p[1]]) : null;
    const q = rawQuad ? mapQuad(rawQuad, (p) => [p[0] / diag, p[1] / diag]) : null;

    let status: TrackStatus;
    let updated = false;
    if (smoothed === null) {
      const confirmed = q ? confirmCandidate(q) : null;
      if (confirmed) {
        startTrack(confirmed, obs.confidence);
        status = "tracking";
        updated = true;
      } else {
        if (!q) forgetCandidate();
        status = q ? "acquiring" : "searching";
      }
    } else {
      const aligned = q ? alignTo(q, smoothed) : null;
      if (aligned && meanCornerDistance(aligned, smoothed) <= opts.jumpDistance) {
        forgetCandidate();
        smoothed = aligned.map((p, i) => filters[i].filter(p[0], p[1], dt));
        confidence = obs.confidence;
        missed = 0;
        status = "tracking";
        updated = true;
      } else {
        const confirmed = aligned ? confirmCandidate(aligned) : null;
        if (confirmed) {
          startTrack(confirmed, obs.confidence);
          status = "tracking";
          updated = true;
        } else {
          missed++;
          if (!aligned) forgetCandidate();
          if (missed > opts.maxMissed) {
            smoothed = null;
            anchor = null;
            captured = false;
            confidence = 0;
            for (const f of filters) f.reset();
            status = q ? "acquiring" : "searching";
          } else {
            status = "holding";
          }
        }
      }
    }
    // Filters only advance on frames they saw, so time is measured between updates.
    if (updated) lastTime = timeMs;

    let steady = false;
    let steadyForMs = 0;
    let capture = false;
    if (smoothed) {
      if (updated) {
        if (anchor === null || maxCornerDistance(smoothed, anchor) > opts.steadyTolerance) {
          anchor = smoothed.map((p) => [p[0], p[1]] as Point);
          steadySince = timeMs;
          captured = false;
        }
      }
      if (anchor) {
        steadyForMs = Math.max(0, timeMs - steadySince);
        steady = steadyForMs >= opts.steadyMs;
        // Capture only on a frame that actually saw the page, never while holding a stale quad.
        if (steady && updated && !captured) {
          capture = true;
          captured = true;
        }
      }
    }

    state = {
      status,
      quad: smoothed ? canonical(smoothed.map((p) => [p[0] * diag, p[1] * diag] as Point)) : null,
      rawQuad,
      confidence: smoothed ? confidence : 0,
      missed: smoothed ? missed : 0,
      steady,
      steadyForMs,
      capture,
      width: frameW,
      height: frameH,
      timeMs,
    };
    return state;
  }

  return {
    options: opts,
    update,
    get state() {
      return state;
    },
    reset,
  };
}
