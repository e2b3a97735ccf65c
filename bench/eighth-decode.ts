/**
 * A JPEG's 1/8-scale decode (detection's, `{ scale: 8, fast: true }`) by docedge's own decoder
 * (wasm/jpeg/dc.c) against libjpeg-turbo's (`libjpeg: true`), the two alternating call by call in
 * one process, CPU time (process.cpuUsage: on a shared machine, less moved by other processes
 * than wall time) and wall time, per file and summed over a set:
 *
 *   - bench/detect.ts's 12 MP files (mozjpeg, quality 90: progressive, and baseline 4:4:4);
 *   - a 12 MP baseline 4:2:0 file (mozjpeg, quality 75: at 85 it writes 4:2:2), as most phone
 *     cameras sample, made from the same pixels once and kept beside them;
 *   - the labelled dev photos (../shared/datasets; camera JPEGs), when present.
 *
 * Both ways give the same pixels (tests/core/jpeg-baseline.test.ts, jpeg-dc.test.ts); this checks
 * that too, per file, and says which way dc.c went (it leaves some files to libjpeg).
 *
 *   node --import tsx bench/eighth-decode.ts [--runs 9]
 */
import process from "node:process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeJpegHeld, copyReleased, type JpegDecodeOptions } from "../src/image/jpeg-wasm.ts";
import { decodeImage } from "../src/image/decode.ts";
import { encodeJpeg } from "../src/image/codecs.ts";
import type { RgbaImage } from "../src/types.ts";
import { BENCH_DIR, benchPhotos } from "../tests/support/bench-photos.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

interface Timed {
  cpu: number;
  wall: number;
  data: RgbaImage["data"];
  ours: boolean;
}

async function decodeTimed(bytes: Uint8Array, options: JpegDecodeOptions): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const held = await decodeJpegHeld(bytes, { scale: 8, fast: true, ...options });
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu0);
  return { cpu: (used.user + used.system) / 1000, wall, ours: held.dcOnly === true, data: copyReleased(held).data };
}

/** The 12 MP 4:2:0 baseline file, made once from the baseline bench photo. */
async function fourTwoZero(baseline: string): Promise<string> {
  const path = join(BENCH_DIR, "photo-4000x3000-baseline-q75.jpg");
  if (!existsSync(path)) {
    const pixels = await decodeImage(new Uint8Array(readFileSync(baseline)));
    writeFileSync(path, await encodeJpeg(pixels, { quality: 75, progressive: false }));
  }
  return path;
}

function devPhotos(): string[] {
  const root = join(ROOT, "../shared/datasets");
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    if (!existsSync(join(dir, "labels.json"))) continue;
    for (const f of readdirSync(dir).sort()) if (/\.jpe?g$/i.test(f)) out.push(join(dir, f));
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(arg("runs", "9"));
  const photos = await benchPhotos();
  const sets: Record<string, string[]> = {
    "12 MP progressive (mozjpeg q90)": [photos.progressive],
    "12 MP baseline 4:4:4 (mozjpeg q90)": [photos.baseline],
    "12 MP baseline 4:2:0 (mozjpeg q75)": [await fourTwoZero(photos.baseline)],
    "dev photos": devPhotos(),
  };
  console.log(`1/8 decode, dc.c vs libjpeg, ${runs} alternating calls a file after one warm-up, one Node process; sums of per-file medians, ms`);
  for (const [name, files] of Object.entries(sets)) {
    if (files.length === 0) continue;
    const sum = { oursCpu: 0, libCpu: 0, oursWall: 0, libWall: 0 };
    let byUs = 0;
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const ours: Timed[] = [];
      const lib: Timed[] = [];
      for (let i = 0; i <= runs; i++) {
        const a = await decodeTimed(bytes, {});
        const b = await decodeTimed(bytes, { libjpeg: true });
        if (i === 0) {
          if (!Buffer.from(a.data).equals(Buffer.from(b.data))) throw new Error(`${file}: the two ways differ`);
          if (a.ours) byUs++;
          continue;
        }
        ours.push(a);
        lib.push(b);
      }
      sum.oursCpu += median(ours.map((t) => t.cpu));
      sum.libCpu += median(lib.map((t) => t.cpu));
      sum.oursWall += median(ours.map((t) => t.wall));
      sum.libWall += median(lib.map((t) => t.wall));
    }
    const f = (v: number): string => v.toFixed(1);
    console.log(
      `  ${name.padEnd(36)} ${files.length} file(s), ${byUs} by dc.c; CPU ${f(sum.oursCpu)} vs libjpeg ${f(sum.libCpu)} (${(sum.oursCpu / sum.libCpu).toFixed(2)}x); ` +
        `wall ${f(sum.oursWall)} vs ${f(sum.libWall)} (${(sum.oursWall / sum.libWall).toFixed(2)}x)`,
    );
  }
}

await main();
