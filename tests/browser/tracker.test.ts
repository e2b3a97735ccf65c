import { test } from "node:test";
import assert from "node:assert/strict";
import { createQuadTracker, type TrackState } from "../../src/browser/tracker.ts";
import { DocedgeError } from "../../src/errors.ts";
import type { Quad } from "../../src/types.ts";
import { addNoise, jitter, maxCornerError, mulberry32, pageQuad, restMoveRest, rmsError } from "./synthetic.ts";

const W = 640, H = 480, FPS = 30, SIGMA = 2.5;

function run(frames: { timeMs: number; truth: Quad }[], seed: number, miss?: (i: number) => boolean) {
  const tracker = createQuadTracker();
  const rand = mulberry32(seed);
  const states: TrackState[] = [];
  const raws: Quad[] = [];
  for (let i = 0; i < frames.length; i++) {
    const raw = addNoise(frames[i].truth, SIGMA, rand);
    raws.push(raw);
    const missed = miss?.(i) ?? false;
    states.push(
      tracker.update({ quad: missed ? null : raw, confidence: missed ? 0 : 0.9, width: W, height: H }, frames[i].timeMs),
    );
  }
  return { states, raws };
}

test("smoothing removes most jitter at rest and follows a moving page without lagging", () => {
  const REST = 30, MOVE = 30;
  const frames = restMoveRest({ width: W, height: H, fps: FPS, rest: REST, move: MOVE, speedPxPerS: 240 });
  const { states, raws } = run(frames, 7);
  const truth = frames.map((f) => f.truth);
  const phases = { rest: [2, REST], move: [REST, REST + MOVE], settle: [REST + MOVE + 5, frames.length] } as const;
  const report: Record<string, number> = {};
  for (const [name, [a, b]] of Object.entries(phases)) {
    const out = states.slice(a, b).map((s) => s.quad!);
    assert.ok(out.every((q) => q !== null), `${name}: quad shown on every frame`);
    const t = truth.slice(a, b);
    const r = raws.slice(a, b);
    report[`${name}Jitter`] = jitter(out, t);
    report[`${name}RawJitter`] = jitter(r, t);
    report[`${name}Error`] = rmsError(out, t);
    report[`${name}RawError`] = rmsError(r, t);
  }
  console.log("tracker jitter (px, 640x480, noise sigma 2.5 px):", JSON.stringify(report, (_, v) => (typeof v === "number" ? +v.toFixed(2) : v)));
  // Raw frame-to-frame jitter is about 2 * sigma * sqrt(2) = 7 px RMS per corner.
  assert.ok(report.restJitter < 0.3 * report.restRawJitter, "at rest: jitter cut by more than 3x");
  assert.ok(report.settleJitter < 0.45 * report.settleRawJitter, "after stopping: jitter cut by more than 2x");
  assert.ok(report.moveJitter < 0.8 * report.moveRawJitter, "while moving: still smoother than raw");
  // 240 px/s at 30 fps is 8 px per frame: lag must stay under one frame of motion.
  assert.ok(report.moveError < 8, `moving: RMS error ${report.moveError} px, under one frame of motion`);
  assert.ok(report.restError < report.restRawError, "at rest: closer to the truth than raw");
  assert.ok(report.settleError < report.settleRawError, "after stopping: no overshoot left");
  // The last shown quad sits on the page.
  assert.ok(maxCornerError(states.at(-1)!.quad!, truth.at(-1)!) < 4);
});

test("auto-capture fires once per steady episode, never while moving", () => {
  const frames = restMoveRest({ width: W, height: H, fps: FPS, rest: 40, move: 30, speedPxPerS: 240 });
  const { states } = run(frames, 11);
  const captures = states.flatMap((s, i) => (s.capture ? [i] : []));
  assert.equal(captures.length, 2, `captures at ${captures}`);
  // First: 700 ms after the track was acquired (frame 1) -> about frame 22.
  assert.ok(captures[0] >= 20 && captures[0] < 40, `first capture at ${captures[0]}`);
  assert.ok(captures[1] >= 70 + 21, `second capture at ${captures[1]} only after the page settled`);
  // Motion starts at frame 41 (8 px per frame); allow the filter two frames to notice.
  for (let i = 44; i < 71; i++) assert.equal(states[i].steady, false, `frame ${i} moving, not steady`);
  assert.ok(states.slice(captures[0], 40).every((s) => s.steady));
});

test("holds the quad through a few missed frames and drops it when the page is gone", () => {
  const frames = restMoveRest({ width: W, height: H, fps: FPS, rest: 40, move: 0, speedPxPerS: 0 });
  // Frames 10-13 missed (held), 20-39 missed (gone after maxMissed = 6).
  const { states } = run(frames, 3, (i) => (i >= 10 && i < 14) || i >= 20);
  for (let i = 10; i < 14; i++) {
    assert.equal(states[i].status, "holding");
    assert.deepEqual(states[i].quad, states[9].quad, "held quad is the last one");
    assert.equal(states[i].capture, false);
  }
  assert.equal(states[14].status, "tracking");
  for (let i = 20; i <= 25; i++) assert.equal(states[i].status, "holding");
  assert.equal(states[26].quad, null);
  assert.equal(states[26].status, "searching");
  assert.equal(states[39].quad, null);
});

test("a lone false positive never shows, and a real jump is followed after confirmation", () => {
  const tracker = createQuadTracker();
  const a = pageQuad(200, 240, 200, 280, 0.05);
  const b = pageQuad(470, 240, 200, 280, 0.05);
  const obs = (q: Quad | null) => ({ quad: q, confidence: q ? 0.9 : 0, width: W, height: H });
  let s = tracker.update(obs(a), 0);
  assert.equal(s.status, "acquiring");
  assert.equal(s.quad, null);
  s = tracker.update(obs(null), 33);
  assert.equal(s.status, "searching");
  s = tracker.update(obs(a), 66);
  s = tracker.update(obs(a), 100);
  assert.equal(s.status, "tracking");
  assert.ok(maxCornerError(s.quad!, a) < 1e-9);
  // One outlier far away: held, not followed.
  s = tracker.update(obs(b), 133);
  assert.equal(s.status, "holding");
  assert.ok(maxCornerError(s.quad!, a) < 1e-9);
  // The page really is there: second agreeing detection restarts the track at b.
  s = tracker.update(obs(b), 166);
  assert.equal(s.status, "tracking");
  assert.ok(maxCornerError(s.quad!, b) < 1e-9);
});

test("corner relabelling by the detector does not spin the smoothed quad", () => {
  const tracker = createQuadTracker({ minHits: 1 });
  const q = pageQuad(320, 240, 200, 280, Math.PI / 4 - 0.01);
  const rotated = [q[1], q[2], q[3], q[0]] as Quad;
  const s0 = tracker.update({ quad: q, confidence: 1, width: W, height: H }, 0);
  const s1 = tracker.update({ quad: rotated, confidence: 1, width: W, height: H }, 33);
  assert.equal(s1.status, "tracking");
  assert.ok(maxCornerError(s0.quad!, s1.quad!) < 1e-9, "same corners, same labels");
});

test("low-confidence detections count as misses; a frame size change restarts; options are validated", () => {
  const tracker = createQuadTracker({ minHits: 1, minConfidence: 0.5 });
  const q = pageQuad(320, 240, 200, 280, 0);
  assert.equal(tracker.update({ quad: q, confidence: 0.3, width: W, height: H }, 0).status, "searching");
  assert.equal(tracker.update({ quad: q, confidence: 0.8, width: W, height: H }, 33).status, "tracking");
  assert.equal(tracker.update({ quad: q, confidence: 0.8, width: H, height: W }, 66).status, "tracking");
  assert.equal(tracker.state.width, H);
  tracker.reset();
  assert.equal(tracker.state.quad, null);
  assert.throws(() => createQuadTracker({ beta: -1 }), (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT");
  assert.throws(
    () => createQuadTracker({ steadyMs: 100, nope: 1 } as unknown as Parameters<typeof createQuadTracker>[0]),
    (e: unknown) => e instanceof DocedgeError && e.code === "INVALID_INPUT",
  );
  assert.throws(() => tracker.update({ quad: q, confidence: 1, width: 0, height: H }, 0), DocedgeError);
});
