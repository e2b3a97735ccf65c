/**
 * What the coil check (src/quad/coil.ts) costs, measured in one process against the detection
 * it runs in: a 1920x1080 RGBA frame of the sample photo (no coil: each side's coarse look only)
 * and of the tests' drawn spiral notebook drawn at the frame's size (a coil: one side's fine look
 * as well), each against the whole detect() of that frame.
 *
 *   node --import tsx bench/coil.ts [--runs 200]
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import { createDetector, decodeImage, type RgbaImage } from "../mod.ts";
import { findCoil } from "../src/quad/coil.ts";
import type { Quad } from "../src/types.ts";
import { render, spiralPage } from "../tests/quad/coil-scenes.ts";
import { resample } from "../tests/support/resample.ts";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 200;


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const detector = await createDetector({ numThreads: 1 });
const frames: [string, RgbaImage][] = [
  ["sample photo (no coil)", resample(await decodeImage(readFileSync(new URL("../sample/sample.jpg", import.meta.url))), 1920, 1080)],
  ["drawn spiral notebook (a coil)", render(spiralPage(), 1, 1080 / 540, 1920, 1080)],
];
for (const [name, frame] of frames) {
  const r = await detector.detect(frame);
  if (!r.found) throw new Error(`${name}: no page found`);
  const quad = r.quad as Quad;
  const coil: number[] = [], detect: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating, so that drift in the machine's speed falls on both alike.
    let t = performance.now();
    findCoil(frame, quad);
    coil.push(performance.now() - t);
    t = performance.now();
    await detector.detect(frame);
    detect.push(performance.now() - t);
  }
  const c = median(coil), d = median(detect);
  console.log(`${name}: findCoil ${c.toFixed(3)} ms, detect() ${d.toFixed(2)} ms (${((100 * c) / d).toFixed(1)}%), coil ${JSON.stringify(findCoil(frame, quad))}`);
}
await detector.dispose();
