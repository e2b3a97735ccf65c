// Where docedge's "from decoded pixels" milliseconds go, per dev photo: every labelled photo
// (../shared/datasets, else the CC0 fixtures) decoded at full resolution, then in one process, in
// rotating order per round, docedge's detect() on those pixels and the OpenCV.js baseline on the
// same pixels. Prints each photo's size and medians of detect()'s stages (preprocess, inference,
// quad finder, the second look, what is left) and, for photos that take the second look, its
// crop's preprocessing (as detect() averages it: in place), then the median over photos and the
// ratio docedge / baseline that `docedge eval` reports.
// Run: node --import tsx bench/from-pixels.ts [--rounds N] [--quiet]
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createDetector } from "../src/detector.ts";
import { loadOpenCvBaseline } from "../src/eval/baseline-opencv.ts";
import { findLabelledFolders } from "../src/eval/labels.ts";
import { modelInput } from "../src/image/area-wasm.ts";
import { decodeImage } from "../src/image/decode.ts";
import { cropBox } from "../src/quad/second-look.ts";
import type { RgbaImage } from "../src/types.ts";
import { HAS_SHARED_DATASETS, SHARED_DATASETS } from "../tests/core/helpers.ts";

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 5;
const quiet = args.includes("--quiet");
const root = HAS_SHARED_DATASETS ? SHARED_DATASETS : fileURLToPath(new URL("../tests/fixtures/datasets/", import.meta.url));

const photos: { name: string; image: RgbaImage }[] = [];
for (const folder of await findLabelledFolders(root)) {
  for (const label of folder.labels) {
    photos.push({ name: `${folder.name}/${label.file}`, image: await decodeImage(await readFile(`${folder.dir}/${label.file}`)) });
  }
}

const cv = await loadOpenCvBaseline();
if ("unavailable" in cv) throw new Error(`the OpenCV baseline is needed: ${cv.unavailable}`);

const COLUMNS = ["total", "preprocess", "inference", "quad", "refine", "rest", "crop preprocess", "baseline"] as const;
type Column = (typeof COLUMNS)[number];
const samples = photos.map(() => Object.fromEntries(COLUMNS.map((c) => [c, [] as number[]])) as Record<Column, number[]>);

const detector = await createDetector({ numThreads: 1 });
try {
  for (let r = 0; r < rounds + 1; r++) {
    for (let i = 0; i < photos.length; i++) {
      const { image } = photos[i];
      const s = samples[i];
      const keep = r > 0; // round 0 warms up
      const steps: (() => Promise<void>)[] = [
        async () => {
          const t = performance.now();
          const res = await detector.detect(image);
          const total = performance.now() - t;
          if (!keep) return;
          const { preprocess, inference, quad, refine } = res.timings;
          s.total.push(total);
          s.preprocess.push(preprocess);
          s.inference.push(inference);
          s.quad.push(quad);
          s.refine.push(refine);
          s.rest.push(total - preprocess - inference - quad - refine);
          if (refine > 0 && res.quad) {
            // The second look's crop: the box around the final quad (the first pass's, within
            // SECOND_LOOK.maxMove of it), so about the crop detect() took.
            const box = cropBox(image.width, image.height, res.quad);
            if (box === null) return;
            const u = performance.now();
            await modelInput(image, 128, 128, box);
            s["crop preprocess"].push(performance.now() - u);
          }
        },
        async () => {
          const t = performance.now();
          cv.detect(image);
          if (keep) s.baseline.push(performance.now() - t);
        },
      ];
      for (let k = 0; k < steps.length; k++) await steps[(k + r + i) % steps.length]();
    }
  }
} finally {
  await detector.dispose();
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

const per = samples.map((s) => Object.fromEntries(COLUMNS.map((c) => [c, median(s[c])])) as Record<Column, number>);
const fmt = (n: number): string => n.toFixed(2).padStart(8);
if (!quiet) {
  console.log(`${"photo".padEnd(58)} ${"size".padStart(10)} ${COLUMNS.map((c) => c.padStart(8).slice(-8)).join(" ")}`);
  photos.forEach((p, i) => {
    const size = `${p.image.width}x${p.image.height}`;
    console.log(`${p.name.slice(-58).padEnd(58)} ${size.padStart(10)} ${COLUMNS.map((c) => fmt(per[i][c])).join(" ")}`);
  });
}
const overall = Object.fromEntries(COLUMNS.map((c) => [c, median(per.map((p) => p[c]))])) as Record<Column, number>;
const looked = per.filter((p) => p.refine > 0);
const mean = (c: Column, rows: Record<Column, number>[]): number => rows.reduce((a, p) => a + p[c], 0) / Math.max(1, rows.length);
console.log(`from decoded pixels: ${photos.length} photos, ${rounds} rounds, 1 WASM thread, medians per photo, then over photos (ms)`);
console.log(`  median over photos: ${COLUMNS.map((c) => `${c} ${overall[c].toFixed(2)}`).join(" · ")}`);
console.log(`  mean over photos:   ${COLUMNS.map((c) => `${c} ${mean(c, per).toFixed(2)}`).join(" · ")}`);
console.log(`  the ${looked.length} photos with a second look, mean: ${COLUMNS.map((c) => `${c} ${mean(c, looked).toFixed(2)}`).join(" · ")}`);
console.log(`  docedge / baseline: ${(overall.total / overall.baseline).toFixed(3)} (medians over photos)`);
