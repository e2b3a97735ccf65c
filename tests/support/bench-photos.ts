import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { decodeImage } from "../../src/image/decode.ts";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { resample } from "./resample.ts";

/** The benches' inputs: a 1080p RGBA frame and a 12 MP JPEG written progressive and baseline. */
export interface BenchPhotos {
  frame: string;
  progressive: string;
  baseline: string;
}

/** Where the bench inputs are cached between runs. */
export const BENCH_DIR = join(tmpdir(), "docedge-bench");

const SAMPLE = fileURLToPath(new URL("../../sample/sample.jpg", import.meta.url));

/**
 * The bench inputs, made from the bundled sample photo (nearest-neighbour upscaled, mozjpeg q90)
 * the first time any bench or test asks, then read from BENCH_DIR. Tests that check the 12 MP
 * decode paths call this too, so they run on a fresh machine instead of skipping there.
 */
export async function benchPhotos(): Promise<BenchPhotos> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const files: BenchPhotos = {
    frame: join(BENCH_DIR, "frame-1920x1080.rgba"),
    progressive: join(BENCH_DIR, "photo-4000x3000.jpg"),
    baseline: join(BENCH_DIR, "photo-4000x3000-baseline.jpg"),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  const photo = await decodeImage(new Uint8Array(readFileSync(SAMPLE)));
  const big = resample(photo, 4000, 3000);
  writeAtomically(files.frame, resample(photo, 1920, 1080).data);
  writeAtomically(files.progressive, await encodeJpeg(big, { quality: 90 }));
  writeAtomically(files.baseline, await encodeJpeg(big, { quality: 90, progressive: false }));
  return files;
}

// Test files run in parallel processes and may make the same file at once: each writes its own
// temporary name and renames it, so no reader ever sees half a file.
function writeAtomically(path: string, bytes: Uint8Array | Uint8ClampedArray): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}
