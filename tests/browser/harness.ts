/**
 * Runs inside the example page during the browser tests (bundled by `build.mjs --test` into
 * dist/test-harness.js): renders a short synthetic video of a real page moving under sensor
 * noise, feeds each frame to a tracker over the example's worker detector, and reports what the
 * tracker showed next to the truth. The Node side computes jitter and error from the report.
 */
import { createTracker, type Quad, type TrackStatus } from "docedge";
import type { ExampleApi } from "../../examples/browser/src/app.ts";
import { mulberry32 } from "./synthetic.ts";

// What the example page and this harness put on the page's globalThis; the tests read both inside
// page.evaluate.
declare global {
  var docedgeExample: ExampleApi;
  var docedgeHarness: { runSyntheticVideo: typeof runSyntheticVideo };
}

export interface SyntheticVideoOptions {
  /** URL of a photo holding the page, and the page's axis-aligned inner box in it [x0, y0, x1, y1]. */
  photoUrl: string;
  pageBox: [number, number, number, number];
  width: number;
  height: number;
  fps: number;
  rest: number;
  move: number;
  settle: number;
  /** Page size relative to the crop. */
  scale: number;
  start: { cx: number; cy: number; angle: number };
  end: { cx: number; cy: number; angle: number };
  /** Per-channel uniform pixel noise amplitude (0-255 units). */
  noise: number;
  /** Each frame is blurred by a random radius up to this many pixels (focus hunting, shake). */
  blur: number;
  seed: number;
}

export interface FrameRecord {
  timeMs: number;
  truth: Quad;
  raw: Quad | null;
  quad: Quad | null;
  status: TrackStatus;
  steady: boolean;
  capture: boolean;
  superseded: boolean;
  /** Wall time of the track() call. */
  trackMs: number;
  /** Longest the main thread went without running a timer while the detector worked. */
  mainThreadGapMs: number;
}

function smoothstep(t: number): number {
  const c = Math.min(Math.max(t, 0), 1);
  return c * c * (3 - 2 * c);
}

function pose(o: SyntheticVideoOptions, i: number): { cx: number; cy: number; angle: number } {
  // Ease in and out: real hands accelerate and stop, and a sudden stop is the hardest case.
  const u = smoothstep((i - o.rest) / o.move);
  return {
    cx: o.start.cx + (o.end.cx - o.start.cx) * u,
    cy: o.start.cy + (o.end.cy - o.start.cy) * u,
    angle: o.start.angle + (o.end.angle - o.start.angle) * u,
  };
}

function background(w: number, h: number, rand: () => number): ImageData {
  // Dark fabric: low-frequency blotches over a fine weave.
  const small = new OffscreenCanvas(12, 16);
  const sctx = small.getContext("2d")!;
  const blot = sctx.createImageData(12, 16);
  for (let i = 0; i < 12 * 16; i++) {
    const v = 30 + rand() * 30;
    blot.data[i * 4] = v;
    blot.data[i * 4 + 1] = v * 1.02;
    blot.data[i * 4 + 2] = v * 1.15;
    blot.data[i * 4 + 3] = 255;
  }
  sctx.putImageData(blot, 0, 0);
  const big = new OffscreenCanvas(w, h);
  const ctx = big.getContext("2d")!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const weave = ((x + y) % 3 === 0 ? 6 : 0) + ((x - y + 999) % 4 === 0 ? -5 : 0);
      const k = (y * w + x) * 4;
      img.data[k] += weave;
      img.data[k + 1] += weave;
      img.data[k + 2] += weave;
    }
  }
  return img;
}

export async function runSyntheticVideo(o: SyntheticVideoOptions): Promise<FrameRecord[]> {
  const ex = globalThis.docedgeExample;
  await ex.ready;
  const rand = mulberry32(o.seed);
  const photo = await createImageBitmap(await (await fetch(o.photoUrl)).blob());
  const [bx0, by0, bx1, by1] = o.pageBox;
  const pw = (bx1 - bx0) * o.scale;
  const ph = (by1 - by0) * o.scale;
  const canvas = document.createElement("canvas");
  canvas.width = o.width;
  canvas.height = o.height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const bg = background(o.width, o.height, rand);
  const tracker = await createTracker({ detector: ex.detector });

  let measuring = false;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    if (measuring) maxGap = Math.max(maxGap, t - last);
    last = t;
  }, 4);

  const records: FrameRecord[] = [];
  const total = o.rest + o.move + o.settle;
  try {
    for (let i = 0; i < total; i++) {
      const { cx, cy, angle } = pose(o, i);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.putImageData(bg, 0, 0);
      ctx.setTransform(Math.cos(angle), Math.sin(angle), -Math.sin(angle), Math.cos(angle), cx, cy);
      ctx.imageSmoothingEnabled = true;
      ctx.filter = o.blur > 0 ? `blur(${(rand() * o.blur).toFixed(2)}px)` : "none";
      ctx.drawImage(photo, bx0, by0, bx1 - bx0, by1 - by0, -pw / 2, -ph / 2, pw, ph);
      ctx.filter = "none";
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const frame = ctx.getImageData(0, 0, o.width, o.height);
      const d = frame.data;
      const flicker = (rand() - 0.5) * 6;
      for (let k = 0; k < d.length; k += 4) {
        d[k] += (rand() - 0.5) * 2 * o.noise + flicker;
        d[k + 1] += (rand() - 0.5) * 2 * o.noise + flicker;
        d[k + 2] += (rand() - 0.5) * 2 * o.noise + flicker;
      }
      ctx.putImageData(frame, 0, 0);
      const c = Math.cos(angle), s = Math.sin(angle);
      const truth = (
        [
          [-pw / 2, -ph / 2],
          [pw / 2, -ph / 2],
          [pw / 2, ph / 2],
          [-pw / 2, ph / 2],
        ] as const
      ).map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]) as Quad;

      const timeMs = (i * 1000) / o.fps;
      const t0 = performance.now();
      maxGap = 0;
      last = t0;
      measuring = true;
      const st = await tracker.track(canvas, timeMs);
      measuring = false;
      records.push({
        timeMs,
        truth,
        raw: st.rawQuad,
        quad: st.quad,
        status: st.status,
        steady: st.steady,
        capture: st.capture,
        superseded: st.superseded === true,
        trackMs: performance.now() - t0,
        mainThreadGapMs: maxGap,
      });
    }
  } finally {
    clearInterval(timer);
    tracker.dispose(); // the detector belongs to the example; only the tracker goes
  }
  return records;
}

globalThis.docedgeHarness = { runSyntheticVideo };
