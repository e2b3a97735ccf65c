/**
 * createTracker over docedge's real detector in Node (frames as RgbaImage): the wiring between
 * detector and tracker, frame superseding, and disposal. The smoothing itself is tracker.test.ts.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDetector, type Detector } from "../../src/detector.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { createTracker } from "../../src/browser/live.ts";
import type { ImageInput, Quad, RgbaImage } from "../../src/types.ts";
import { maxCornerError } from "./synthetic.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const label = JSON.parse(readFileSync(`${fixtures}a4-on-dark-background.json`, "utf8")) as { quad: Quad; width: number; height: number };
const diag = Math.hypot(label.width, label.height);

let detector: Detector;
let photo: RgbaImage;

before(async () => {
  detector = await createDetector({ numThreads: 1 });
  photo = await decodeImage(readFileSync(`${fixtures}a4-on-dark-background.jpg`));
});
after(async () => {
  await detector?.dispose();
});

test("tracks a page in RgbaImage frames with the real detector", async () => {
  const tracker = await createTracker<ImageInput>({ detector });
  const s1 = await tracker.track(photo, 0);
  assert.equal(s1.status, "acquiring", "one detection is not yet a track");
  assert.equal(s1.quad, null);
  const s2 = await tracker.track(photo, 33);
  assert.equal(s2.status, "tracking");
  assert.equal(s2.width, label.width);
  assert.equal(s2.height, label.height);
  assert.ok(s2.quad && maxCornerError(s2.quad, label.quad) < 0.03 * diag, `corners ${JSON.stringify(s2.quad)}`);
  tracker.dispose();
  // Not the tracker's detector to dispose: still usable.
  assert.equal((await detector.detect(photo)).found, true);
});

test("secondLook reaches the detector with every frame", async () => {
  const seen: unknown[] = [];
  const refine: number[] = [];
  // The real detector, recording what the tracker asks of it.
  const recording = {
    async detect(frame: ImageInput, options?: Parameters<Detector["detect"]>[1]) {
      seen.push(options?.secondLook);
      const r = await detector.detect(frame, options);
      refine.push(r.timings.refine);
      return r;
    },
  };
  const tracker = await createTracker<ImageInput>({ detector: recording, secondLook: "always" });
  await tracker.track(photo, 0);
  await tracker.track(photo, 33);
  tracker.dispose();
  assert.deepEqual(seen, ["always", "always"]);
  assert.ok(refine.every((ms) => ms > 0), `second looks taken: ${refine.join(", ")} ms`);
  const plain = await createTracker<ImageInput>({ detector: recording, secondLook: "never" });
  await plain.track(photo, 0);
  plain.dispose();
  assert.deepEqual(seen.slice(2), ["never"]);
  assert.equal(refine[2], 0);
});

test("frames arriving while the detector is busy: only the newest waits, older ones are superseded", async () => {
  const tracker = await createTracker<ImageInput>({ detector, minHits: 1 });
  const a = tracker.track(photo, 0);
  const b = tracker.track(photo, 33);
  const c = tracker.track(photo, 66);
  const [sa, sb, sc] = await Promise.all([a, b, c]);
  assert.equal(sa.status, "tracking");
  assert.equal(sb.superseded, true, "b was replaced by c before the detector was free");
  assert.equal(sc.superseded, undefined);
  assert.equal(sc.timeMs, 66);
  tracker.dispose();
  await assert.rejects(tracker.track(photo, 100), /disposed/);
});
