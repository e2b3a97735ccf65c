// Two builds of wasm/jpeg/decoder.wasm side by side: their area average (the model input, banded
// as src/image/area-wasm.ts calls it, every row) on a noise frame and on the photos given, 200
// alternating calls each in one process, and whether their tensors are the same bit for bit.
// Run: node --import tsx bench/area-builds.ts old.wasm new.wasm [photo.jpg ...]
import { readFile } from "node:fs/promises";
import { decodeImage } from "../src/image/decode.ts";
import { areaNorm, axisSpans, type Spans } from "../src/image/resize.ts";
import type { RgbaImage } from "../src/types.ts";

interface AreaExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  dj_alloc(n: number): number;
  dj_free(p: number): void;
  dj_area_rows(...args: number[]): number;
}

const STUBS = { fd_close: (): number => 8, fd_seek: (): number => 8, fd_write: (): number => 8, proc_exit: (): never => { throw new Error("exit"); } };

async function load(file: string): Promise<AreaExports> {
  const inst = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: STUBS });
  const x = inst.exports as unknown as AreaExports;
  x._initialize();
  return x;
}

const BAND_BYTES = 512 * 1024;

function area(x: AreaExports, image: RgbaImage, outW = 128, outH = 128): Float32Array {
  const { width: w, height: h } = image;
  const xs = axisSpans(w, outW);
  const ys = axisSpans(h, outH);
  const rowBytes = w * 4;
  const firstRow = (oy: number): number => (ys.headWeight[oy] > 0 ? ys.start[oy] - 1 : ys.start[oy]);
  const endRow = (oy: number): number => Math.min(h, ys.tailWeight[oy] > 0 ? ys.end[oy] + 1 : ys.end[oy]);
  const bands: { oy0: number; oy1: number; first: number; rows: number }[] = [];
  for (let oy0 = 0; oy0 < outH; ) {
    const first = firstRow(oy0);
    let oy1 = oy0 + 1;
    while (oy1 < outH && (endRow(oy1) - first) * rowBytes <= BAND_BYTES) oy1++;
    bands.push({ oy0, oy1, first, rows: endRow(oy1 - 1) - first });
    oy0 = oy1;
  }
  const bandBytes = Math.max(...bands.map((b) => b.rows)) * rowBytes;
  const floats = 3 * outW * outH;
  const spanBytes = 16 * (outW + outH);
  const src = x.dj_alloc(bandBytes + spanBytes + 4 * floats + 16);
  const at = (src + bandBytes + 3) & ~3;
  const place = (s: Readonly<Spans>, n: number, base: number): number[] => {
    new Int32Array(x.memory.buffer, base, n).set(s.start);
    new Int32Array(x.memory.buffer, base + 4 * n, n).set(s.end);
    new Float32Array(x.memory.buffer, base + 8 * n, n).set(s.headWeight);
    new Float32Array(x.memory.buffer, base + 12 * n, n).set(s.tailWeight);
    return [base, base + 4 * n, base + 8 * n, base + 12 * n];
  };
  const xp = place(xs, outW, at);
  const yp = place(ys, outH, at + 16 * outW);
  const out = at + spanBytes;
  const norm = areaNorm(w, h, outW, outH);
  for (const b of bands) {
    new Uint8Array(x.memory.buffer, src, b.rows * rowBytes).set(image.data.subarray(b.first * rowBytes, (b.first + b.rows) * rowBytes));
    if (x.dj_area_rows(src, b.first, w, outW, outH, b.oy0, b.oy1, ...xp, ...yp, norm, out) !== 0) throw new Error("dj_area_rows failed");
  }
  const result = new Float32Array(x.memory.buffer.slice(out, out + 4 * floats));
  x.dj_free(src);
  return result;
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
