// What the second look costs, per `secondLook` mode, from decoded pixels: every labelled dev photo
// (../shared/datasets, else the CC0 fixtures) run in each mode in rotating order in one process, so
// load on a shared machine hits the modes alike. Prints the median over photos of each photo's
// median time, the ratio to "never" (one inference), and on how many photos the crop was looked at.
// Run: node --import tsx bench/second-look.ts [--rounds N]
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createDetector } from "../src/detector.ts";
import { findLabelledFolders } from "../src/eval/labels.ts";
import { decodeImage } from "../src/image/decode.ts";
import type { SecondLookMode } from "../src/options.ts";
import type { RgbaImage } from "../src/types.ts";
import { HAS_SHARED_DATASETS, SHARED_DATASETS } from "../tests/core/helpers.ts";

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 4;
const root = HAS_SHARED_DATASETS ? SHARED_DATASETS : fileURLToPath(new URL("../tests/fixtures/datasets/", import.meta.url));

const photos: RgbaImage[] = [];
for (const folder of await findLabelledFolders(root)) {
  for (const label of folder.labels) photos.push(await decodeImage(await readFile(`${folder.dir}/${label.file}`)));
}

const modes: SecondLookMode[] = ["never", "auto", "always"];
const times = new Map(modes.map((m) => [m, photos.map((): number[] => [])]));
const looked = new Map(modes.map((m) => [m, 0]));
const detector = await createDetector({ numThreads: 1 });
try {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < photos.length; i++) {
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(k + r + i) % modes.length];
        const start = performance.now();
        const result = await detector.detect(photos[i], { secondLook: mode });
        times.get(mode)![i].push(performance.now() - start);
        if (r === 0 && result.timings.refine > 0) looked.set(mode, looked.get(mode)! + 1);
      }
    }
  }
} finally {
  await detector.dispose();
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const perMode = new Map(modes.map((m) => [m, median(times.get(m)!.map(median))]));
console.log(`second look, from decoded pixels: ${photos.length} photos, ${rounds} rounds, 1 WASM thread; median over photos of each photo's median`);
for (const m of modes) {
  const ms = perMode.get(m)!;
  console.log(`  ${m.padEnd(7)} ${ms.toFixed(1).padStart(6)} ms  ${(ms / perMode.get("never")!).toFixed(2)}x never  crop looked at on ${looked.get(m)} photos`);
}
