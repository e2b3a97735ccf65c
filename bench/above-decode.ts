/**
 * Where a 12 MP JPEG's detection spends the time above its 1/8-scale decode, step by step, in one
 * process, calls interleaved (issue 14's "<= 1.15x the reduced-scale decode alone"):
 *
 *   - `detect()` on the file, and the same file's 1/8 decode alone (`decodeJpegWasm`), per round;
 *   - the same pipeline by hand, each step timed: the decode as detection does it (pixels left in
 *     the decoder), the model input averaged there, ONNX Runtime's `session.run` split into the
 *     time inside its WASM `OrtRun` and the JavaScript around it (tensor wrapping, copying the
 *     input in and the map out), the quad finder; and what the pixels' copy out of the decoder
 *     costs (what a second look, or detection before the pixels stayed in place, pays);
 *   - the finder on the same map back to back (warm caches), against its time right after an
 *     inference;
 *   - each file's 1/8 decode by libjpeg (`libjpeg: true`: the progressive file's DC scans through
 *     libjpeg's whole-image coefficient buffer, the baseline file whole, as before wasm/jpeg/dc.c),
 *     against dc.c's, and for the progressive file each one's WASM memory in a fresh decoder instance;
 *   - with `--old DIR` (the `dist` of an earlier build), that build's `detect()` on the same files,
 *     in the same rounds.
 *
 * The files are bench/detect.ts's (made on its first run, in the temp folder).
 *
 *   node --import tsx bench/above-decode.ts --runs 60 [--old /tmp/old/dist]
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ORT_GLUE = join(ROOT, "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs");

/** Milliseconds inside ORT's `OrtRun` export, summed: ORT's glue names it `_OrtRun` (minified key in its exports). */
let inOrtRun = 0;

/**
 * Wrap ORT's `OrtRun` export when its module is instantiated (before ORT loads): the glue reads
 * every export from the instance it gets, so a copy of the exports with one function wrapped is
 * what it calls. Only this bench does this.
 */
function timeOrtRun(): void {
  const key = /_OrtRun=\w+\.(\w+);/.exec(readFileSync(ORT_GLUE, "utf8"))?.[1];
  if (key === undefined) throw new Error("ORT's glue has no _OrtRun export to time");
  const original = WebAssembly.instantiate.bind(WebAssembly) as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>;
  const wrap = (instance: WebAssembly.Instance): WebAssembly.Instance => {
    const exports = instance.exports;
    const run = exports[key];
    if (typeof run !== "function") return instance;
    const copy: Record<string, unknown> = { ...exports };
    copy[key] = (...args: unknown[]): unknown => {
      const t = performance.now();
      const v = (run as (...a: unknown[]) => unknown)(...args);
      inOrtRun += performance.now() - t;
      return v;
    };
    return { exports: copy } as unknown as WebAssembly.Instance;
  };
  const hooked = async (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    const r = await original(source, imports);
    if (r instanceof WebAssembly.Instance) return wrap(r);
    const { instance, module } = r as WebAssembly.WebAssemblyInstantiatedSource;
    return { instance: wrap(instance), module };
  };
  WebAssembly.instantiate = hooked as typeof WebAssembly.instantiate;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function quantile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
}

/** WASM memory after one 1/8 decode of `bytes` in a fresh instance of the decoder (its peak: memory never shrinks). */
async function freshDecoderMemory(bytes: Uint8Array, libjpeg: boolean): Promise<number> {
  const stubs = { fd_close: () => 8, fd_seek: () => 8, fd_write: () => 8, proc_exit: (code: number) => { throw new Error(`exit ${code}`); } };
  const module = new WebAssembly.Module(readFileSync(join(ROOT, "wasm/jpeg/decoder.wasm")));
  const x = new WebAssembly.Instance(module, { wasi_snapshot_preview1: stubs }).exports as unknown as {
    memory: WebAssembly.Memory;
    _initialize(): void;
    dj_alloc(n: number): number;
    dj_decode(data: number, len: number, scale: number, flags: number, maxScans: number): number;
  };
  x._initialize();
  const at = x.dj_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, at, bytes.length).set(bytes);
  x.dj_decode(at, bytes.length, 8, libjpeg ? 1 | 4 : 1, 64); // DJ_FAST, DJ_LIBJPEG (wasm/jpeg/decoder.c)
  return x.memory.buffer.byteLength;
}

async function main(): Promise<void> {
  timeOrtRun();
  const { createDetector } = await import("../mod.ts");
  const { decodeJpegWasm, copyHeld, decodeJpegHeld, freeHeld } = await import("../src/image/jpeg-wasm.ts");
  const { decodeForDetection } = await import("../src/image/decode.ts");
  const { findQuadDetailed } = await import("../src/quad/find-quad.ts");
  const { loadOrt } = await import("../src/model/ort.ts");
  const runs = Number(arg("runs", "60"));
  const { benchPhotos } = await import("../tests/support/bench-photos.ts");
  const photos = await benchPhotos();
  const files = { progressive: photos.progressive, baseline: photos.baseline };
  const detector = await createDetector({ numThreads: 1 });
  const oldDist = arg("old", "");
  type Detector = Awaited<ReturnType<typeof createDetector>>;
  const old: Detector | null =
    oldDist === "" ? null : await ((await import(pathToFileURL(join(oldDist, "mod.js")).href)) as { createDetector: typeof createDetector }).createDetector({ numThreads: 1 });
  // A session of its own on the same model file detection loads, for the by-hand steps.
  const ort = await loadOrt({ numThreads: 1 });
  const session = await ort.InferenceSession.create(readFileSync(join(ROOT, "models/docedge-int8.opt.onnx")), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "disabled",
    logSeverityLevel: 3,
  });
  const samples: Record<string, number[]> = {};
  const keep = (name: string, ms: number): void => void (samples[name] ??= []).push(ms);
  for (let i = 0; i < runs + 3; i++) {
    for (const [kind, path] of Object.entries(files)) {
      const bytes = new Uint8Array(readFileSync(path));
      const k = (s: string): string => `${kind}: ${s}`;
      const rows: Array<[string, number]> = [];
      let t = performance.now();
      const r = await detector.detect(bytes);
      const wall = performance.now() - t;
      t = performance.now();
      await decodeJpegWasm(bytes, { scale: 8, fast: true });
      const alone = performance.now() - t;
      rows.push(["detect()", wall], ["1/8 decode alone", alone]);
      t = performance.now();
      await decodeJpegWasm(bytes, { scale: 8, fast: true, libjpeg: true });
      rows.push(["1/8 decode alone, by libjpeg", performance.now() - t]);
      if (old !== null) {
        t = performance.now();
        await old.detect(bytes);
        rows.push(["--old build: detect()", performance.now() - t]);
      }
      for (const s of ["decode", "preprocess", "inference", "quad"] as const) rows.push([`  detect stage: ${s}`, r.timings[s]]);
      // By hand.
      t = performance.now();
      const seen = await decodeForDetection(bytes, 256);
      rows.push(["by hand: decode, pixels left in the decoder", performance.now() - t]);
      t = performance.now();
      const input = await seen.pixels.modelInput(128, 128);
      rows.push(["by hand: model input averaged in place", performance.now() - t]);
      seen.pixels.release();
      const before = inOrtRun;
      t = performance.now();
      const out = await session.run({ image: new ort.Tensor("float32", input, [1, 3, 128, 128]) });
      const run = performance.now() - t;
      const inside = inOrtRun - before;
      rows.push(["by hand: session.run", run], ["  inside OrtRun (WASM)", inside], ["  ORT's JavaScript around it", run - inside]);
      const data = out.edges?.data;
      if (!(data instanceof Float32Array)) throw new Error("no edges output");
      const map = { data, width: 128, height: 128 };
      t = performance.now();
      findQuadDetailed(map, { aspect: 4 / 3 });
      rows.push(["by hand: quad finder, after the inference", performance.now() - t]);
      t = performance.now();
      findQuadDetailed(map, { aspect: 4 / 3 });
      rows.push(["by hand: quad finder again (warm)", performance.now() - t]);
      const held = await decodeJpegHeld(bytes, { scale: 8, fast: true });
      t = performance.now();
      copyHeld(held);
      rows.push(["aside: copying the 1/8 pixels out", performance.now() - t]);
      freeHeld(held);
      if (i >= 3) for (const [name, ms] of rows) keep(k(name), ms);
    }
  }
  console.log(`12 MP JPEGs, ${runs} interleaved rounds, one Node process, 1 WASM thread; ms, median (p10)`);
  for (const [name, v] of Object.entries(samples)) {
    console.log(`${name.padEnd(58)} ${quantile(v, 0.5).toFixed(3).padStart(8)} (${quantile(v, 0.1).toFixed(3)})`);
  }
  for (const kind of Object.keys(files)) {
    const m = (s: string): number => quantile(samples[`${kind}: ${s}`], 0.5);
    const above = m("detect()") - m("1/8 decode alone");
    console.log(`${kind}: detect / 1/8 decode alone ${(m("detect()") / m("1/8 decode alone")).toFixed(3)} (target <= 1.15); above the decode ${above.toFixed(2)} ms (difference of medians)`);
    console.log(`${kind}: 1/8 decode, dc.c / libjpeg ${(m("1/8 decode alone") / m("1/8 decode alone, by libjpeg")).toFixed(3)}`);
    if (old !== null) console.log(`${kind}: detect(), this build / --old build ${(m("detect()") / m("--old build: detect()")).toFixed(3)}`);
  }
  const progressive = new Uint8Array(readFileSync(files.progressive));
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  console.log(`progressive 1/8, WASM memory of a fresh decoder after it: dc.c ${mib(await freshDecoderMemory(progressive, false))} MiB, libjpeg ${mib(await freshDecoderMemory(progressive, true))} MiB`);
  await old?.dispose();
  await detector.dispose();
  await session.release();
}

await main();
