// Two builds of wasm/jpeg/decoder.wasm side by side: their area average (the model input, through
// src/image/area-wasm.ts's own areaInModule, banded as detection runs it) on a noise frame and on
// the photos given, 200 alternating calls each in one process, and whether their tensors are the
// same bit for bit.
// Run: node --import tsx bench/area-builds.ts old.wasm new.wasm [photo.jpg ...]
import { readFile } from "node:fs/promises";
import { decodeImage } from "../src/image/decode.ts";
import { areaInModule, type AreaModule } from "../src/image/area-wasm.ts";
import type { RgbaImage } from "../src/types.ts";

interface AreaExports extends AreaModule {
  _initialize(): void;
}

const STUBS = { fd_close: (): number => 8, fd_seek: (): number => 8, fd_write: (): number => 8, proc_exit: (): never => { throw new Error("exit"); } };

async function load(file: string): Promise<AreaExports> {
  const inst = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: STUBS });
  const x = inst.exports as unknown as AreaExports;
  x._initialize();
  return x;
}

function area(x: AreaExports, image: RgbaImage, outW = 128, outH = 128): Float32Array {
  const out = areaInModule(x, image, outW, outH);
  if (out === null) throw new Error("the module could not average the image");
  return out;
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

const [fileA, fileB, ...photos] = process.argv.slice(2);
if (fileB === undefined) throw new Error("usage: bench/area-builds.ts old.wasm new.wasm [photo.jpg ...]");
const builds = [await load(fileA), await load(fileB)];
const noise: RgbaImage = { data: new Uint8ClampedArray(1920 * 1080 * 4).map((_, i) => Math.imul(i, 2654435761) >>> 24), width: 1920, height: 1080 };
const inputs: [string, RgbaImage][] = [["noise", noise]];
for (const f of photos) inputs.push([f.split("/").pop() ?? f, await decodeImage(await readFile(f))]);
console.log(`area average to 128x128, 200 alternating calls per build after 30 warm-ups (ms): A ${fileA}, B ${fileB}`);
for (const [name, image] of inputs) {
  const times = [[] as number[], [] as number[]];
  const last: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  for (let i = 0; i < 230; i++) {
    for (const k of i % 2 ? [0, 1] : [1, 0]) {
      const t = performance.now();
      last[k] = area(builds[k], image);
      if (i >= 30) times[k].push(performance.now() - t);
    }
  }
  const same = last[0].every((v, i) => Object.is(v, last[1][i]));
  const [a, b] = times.map(median);
  console.log(`${name.slice(0, 40).padEnd(40)} ${`${image.width}x${image.height}`.padStart(10)}  A ${a.toFixed(3)}  B ${b.toFixed(3)}  B/A ${(b / a).toFixed(2)}  ${same ? "same tensor" : "TENSORS DIFFER"}`);
}
