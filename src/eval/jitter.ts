import type { CropBox } from "../image/crop.ts";
import type { Quad } from "../types.ts";
import type { EvalImage, ImageJitter, JitterLook, JitterSummary, MethodResult } from "./types.ts";

/** The most looks `--jitter` takes: the length of JITTER_CROPS. */
export const MAX_JITTER = 8;

type Corner = "top-left" | "bottom-right" | "top-right" | "bottom-left";

/**
 * The fixed list of framings, taken in order (`--jitter N` uses the first N). Each cuts `cut` of
 * the width and of the height off the two sides that meet at `corner`: the page moves by a few
 * percent in the frame and the frame shrinks by as much, so the network's output grid (128 cells
 * across) falls 4 to 6 cells differently on the page's edges, while the aspect ratio stays the
 * photo's. The order puts opposite corners and both amounts early: the first two looks shift the
 * page in opposite directions at two scales, the first four cover every corner and both amounts.
 * No randomness: two runs, or two networks, see the same crops.
 */
export const JITTER_CROPS: readonly { corner: Corner; cut: number }[] = [
  { corner: "top-left", cut: 0.03 },
  { corner: "bottom-right", cut: 0.05 },
  { corner: "top-right", cut: 0.03 },
  { corner: "bottom-left", cut: 0.05 },
  { corner: "top-left", cut: 0.05 },
  { corner: "bottom-right", cut: 0.03 },
  { corner: "top-right", cut: 0.05 },
  { corner: "bottom-left", cut: 0.03 },
];

/**
 * How far inside a crop a labelled corner must stay, as a share of the photo's short side: a page
 * whose edge touches the frame is a different problem (the edge becomes the border), not the same
 * shot framed differently.
 */
export const JITTER_MARGIN = 0.01;

/** The first `n` crop boxes of JITTER_CROPS for a width x height photo, in whole pixels. */
export function jitterBoxes(width: number, height: number, n: number): CropBox[] {
  return JITTER_CROPS.slice(0, n).map(({ corner, cut }) => {
    const dx = Math.max(1, Math.round(cut * width));
    const dy = Math.max(1, Math.round(cut * height));
    const left = corner.endsWith("left"), top = corner.startsWith("top");
    return [left ? dx : 0, top ? dy : 0, left ? width : width - dx, top ? height : height - dy];
  });
}

/** Whether every corner of `quad` lies at least `margin` pixels inside `box`. */
export function keepsInside(box: CropBox, quad: Quad, margin: number): boolean {
  const [x0, y0, x1, y1] = box;
  return quad.every(([x, y]) => x >= x0 + margin && x <= x1 - margin && y >= y0 + margin && y <= y1 - margin);
}

/**
 * A photo's jitter record: its looks and, over the original run and the looks taken (skipped ones
 * left out), the mean JI (null on a negative) and how many were right.
 */
export function imageJitter(original: MethodResult, looks: JitterLook[]): ImageJitter {
  const taken = [original, ...looks.filter((l): l is Extract<JitterLook, { found: boolean }> => !("skipped" in l))];
  const jis = taken.map((r) => r.ji);
  const positive = original.ji !== null;
  return {
    looks,
    meanJI: positive ? jis.reduce<number>((a, j) => a + (j ?? 0), 0) / jis.length : null,
    correct: taken.filter((r) => r.correct).length,
    of: taken.length,
  };
}

/** The folder's (or overall) jitter numbers; null when its photos were scored without jitter. */
export function summariseJitter(images: EvalImage[]): JitterSummary | null {
  if (images.length === 0 || images.some((i) => i.jitter === undefined)) return null;
  const rows = images.map((i) => i.jitter as ImageJitter);
  const pos = rows.filter((j) => j.meanJI !== null);
  const neg = rows.filter((j) => j.meanJI === null);
  const negLooks = neg.reduce((a, j) => a + j.of, 0);
  const looks = rows.flatMap((j) => j.looks);
  return {
    meanJI: pos.length ? pos.reduce((a, j) => a + (j.meanJI ?? 0), 0) / pos.length : null,
    positives: pos.length,
    allLooksJI90: pos.filter((j) => j.correct === j.of).length,
    negatives: neg.length,
    negativeLooksRejected: negLooks ? neg.reduce((a, j) => a + j.correct, 0) / negLooks : null,
    negativesAlwaysRejected: neg.filter((j) => j.correct === j.of).length,
    looks: looks.filter((l) => !("skipped" in l)).length,
    skipped: looks.filter((l) => "skipped" in l).length,
  };
}

export interface JitterSpread {
  folder: string;
  file: string;
  /** Lowest and highest JI over the original run and the looks; null on a negative. */
  min: number | null;
  max: number | null;
  /** Looks answered right (the original included) out of those taken. */
  correct: number;
  of: number;
}

/**
 * The photos whose looks disagree most, worst first: positives by max - min JI, and negatives
 * rejected in some looks but not all (ranked as a spread of 1, the whole answer flipping).
 */
export function widestSpreads(images: EvalImage[], n: number): JitterSpread[] {
  const out: [spread: number, row: JitterSpread][] = [];
  for (const i of images) {
    if (!i.jitter) continue;
    const jis = [i.docedge.ji, ...i.jitter.looks.map((l) => ("skipped" in l ? null : l.ji))].filter((j): j is number => j !== null);
    const base = { folder: i.folder, file: i.file, correct: i.jitter.correct, of: i.jitter.of };
    if (i.truth === null) {
      if (i.jitter.correct > 0 && i.jitter.correct < i.jitter.of) out.push([1, { ...base, min: null, max: null }]);
    } else if (jis.length > 1) {
      const min = Math.min(...jis), max = Math.max(...jis);
      if (max > min) out.push([max - min, { ...base, min, max }]);
    }
  }
  return out
    .sort((a, b) => b[0] - a[0])
    .slice(0, n)
    .map(([, row]) => row);
}
