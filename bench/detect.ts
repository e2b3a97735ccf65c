/**
 * docedge's speed, as ratios measured inside one process per runtime (Node, Bun, Deno), one WASM
 * thread, so that machine noise cancels:
 *
 *   - a 12 MP JPEG (progressive, as mozjpeg writes, and baseline, as cameras write) to corners,
 *     against its full-resolution @jsquash decode, against the reduced-scale decode alone (docedge's
 *     own at 1/8, wasm/jpeg/dc.c) and against libjpeg-turbo's decode at the same scale (issue 14's
 *     reference floor; `libjpeg: true`);
 *   - a 1920x1080 RGBA frame to corners, and against its inference alone;
 *   - detection from decoded pixels against the OpenCV.js baseline on the same pixels (dev photos
 *     from ../shared/datasets when present, else the sample);
 *   - the default model's inference against the float32 reference's;
 *   - cold start: a new process to its first result on sample/sample.jpg, from the built package
 *     (run `npm run build` first), best of 3;
 *   - per-stage medians and p90, and per run the time in no stage (total less its stages).
 *
 *   npm run bench                                   # node, bun, deno
 *   node --import tsx bench/detect.ts --runtimes node --runs 9
 *   bun bench/detect.ts --worker                    # one runtime's in-process part only
 */
import process from "node:process";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createDetector, decodeImage, detectRuntime, type RgbaImage } from "../mod.ts";
import { decodeJpegWasm } from "../src/image/jpeg-wasm.ts";
import { modelInput } from "../src/image/area-wasm.ts";
import { resizeToTensor } from "../src/image/resize.ts";
import { jpegScaleFor } from "../src/image/decode.ts";
import { loadOpenCvBaseline } from "../src/eval/baseline-opencv.ts";
import { runtimeBinary } from "../scripts/runtime-binaries.ts";
import { benchPhotos, type BenchPhotos } from "../tests/support/bench-photos.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAGES = ["decode", "preprocess", "inference", "quad", "refine", "total"] as const;
type Stage = (typeof STAGES)[number];
/**
 * Per run, total less the sum of its stages. Medians do not add up (a stage's occasional pause
 * moves the total's median, not its own), so the sum of the stage medians is no measure of it.
 */
const UNSTAGED = "in no stage";
type Column = Stage | typeof UNSTAGED;
const COLUMNS: readonly Column[] = [...STAGES, UNSTAGED];

interface Stats {
  median: number;
  p90: number;
}
interface WorkerReport {
  runtime: string;
  /** Wall-clock medians of whole operations, ms. */
  ops: Record<string, Stats>;
  /** Per-stage timings of detect() on each input. */
  stages: Record<string, Record<Column, Stats>>;
  notes: string[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { median: q(0.5), p90: q(0.9) };
}


type JsquashDecode = (buffer: ArrayBuffer) => Promise<{ width: number; height: number }>;

/** @jsquash/jpeg's full-resolution decoder (what docedge used before its own), as the reference. */
async function jsquashDecoder(): Promise<JsquashDecode> {
  const mod = (await import("@jsquash/jpeg/decode.js")) as unknown as {
    init(module: WebAssembly.Module, overrides: object): Promise<unknown>;
    default: JsquashDecode;
  };
  const wasm = readFileSync(join(ROOT, "node_modules/@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm"));
  const g = globalThis as { ImageData?: unknown };
  g.ImageData ??= class {
    constructor(
      public data: Uint8ClampedArray,
      public width: number,
      public height: number,
    ) {}
  };
  await mod.init(await WebAssembly.compile(wasm), { print: () => {}, printErr: () => {} });
  return mod.default;
}

/** Up to `n` labelled dev photos (JPEG bytes), or the sample when the datasets are absent. */
function devPhotos(n: number): Uint8Array[] {
  const root = join(ROOT, "../shared/datasets");
  const out: Uint8Array[] = [];
  if (existsSync(root)) {
    for (const folder of readdirSync(root).sort()) {
      const labels = join(root, folder, "labels.json");
      if (!existsSync(labels)) continue;
      for (const l of JSON.parse(readFileSync(labels, "utf8")) as Array<{ file: string; quad: unknown }>) {
        if (l.quad !== null && /\.jpe?g$/i.test(l.file) && out.length < n) out.push(new Uint8Array(readFileSync(join(root, folder, l.file))));
      }
    }
  }
  return out.length ? out : [new Uint8Array(readFileSync(join(ROOT, "sample/sample.jpg")))];
}

async function worker(): Promise<void> {
  const runs = Number(arg("runs", "15"));
  const inputs = JSON.parse(arg("inputs", "{}")) as BenchPhotos;
  const frame: RgbaImage = { data: new Uint8ClampedArray(readFileSync(inputs.frame)), width: 1920, height: 1080 };
  const jpegs = { progressive: new Uint8Array(readFileSync(inputs.progressive)), baseline: new Uint8Array(readFileSync(inputs.baseline)) };
  const detector = await createDetector({ numThreads: 1 });
  const fp32 = await createDetector({ numThreads: 1, model: "fp32" });
  const jsquash = await jsquashDecoder();
  const report: WorkerReport = { runtime: detectRuntime(), ops: {}, stages: {}, notes: [] };
  const ops: Record<string, number[]> = {};
  const stageSamples: Record<string, Record<Column, number[]>> = {};
  const time = async (name: string, f: () => Promise<unknown>, keep: boolean): Promise<void> => {
    const t = performance.now();
    await f();
    if (keep) (ops[name] ??= []).push(performance.now() - t);
  };
  const keepStages = (name: string, t: Record<Stage, number>): void => {
    const s = (stageSamples[name] ??= { decode: [], preprocess: [], inference: [], quad: [], refine: [], total: [], [UNSTAGED]: [] });
    for (const k of STAGES) s[k].push(t[k]);
    s[UNSTAGED].push(t.total - STAGES.reduce((a, k) => (k === "total" ? a : a + t[k]), 0));
  };
  const scale = jpegScaleFor(4000, 3000, 2 * 128);
  // Each phase interleaves its operations, so that load changes hit them alike; 2 warm-ups. The
  // full 12 MP decodes run in a phase of their own: their 48 MB buffers would otherwise bill
  // their garbage collection to whatever runs next.
  for (let i = 0; i < runs + 2; i++) {
    const keep = i >= 2;
    for (const [kind, bytes] of Object.entries(jpegs)) {
      await time(`12 MP ${kind}: detect`, async () => {
        const r = await detector.detect(bytes);
        if (keep) keepStages(`12 MP ${kind}`, r.timings);
      }, keep);
      await time(`12 MP ${kind}: 1/${scale} decode alone`, () => decodeJpegWasm(bytes, { scale, fast: true }), keep);
      await time(`12 MP ${kind}: libjpeg 1/${scale} decode`, () => decodeJpegWasm(bytes, { scale, fast: true, libjpeg: true }), keep);
    }
  }
  for (let i = 0; i < runs + 2; i++) {
    for (const [kind, bytes] of Object.entries(jpegs)) {
      await time(`12 MP ${kind}: full decode (@jsquash)`, () => jsquash(bytes.slice().buffer), i >= 2);
    }
  }
  for (let i = 0; i < runs + 2; i++) {
    const keep = i >= 2;
    await time("frame: detect", async () => {
      const r = await detector.detect(frame);
      if (keep) {
        keepStages("1920x1080 RGBA", r.timings);
        (ops["frame: inference"] ??= []).push(r.timings.inference);
      }
    }, keep);
    await time("frame: detect (fp32 model)", async () => {
      const r = await fp32.detect(frame);
      if (keep) (ops["frame: inference (fp32 model)"] ??= []).push(r.timings.inference);
    }, keep);
    // The model input alone: the decoder's WASM SIMD (what detect uses) and the JavaScript loop
    // (the fallback where that module is absent; the same tensor bit for bit).
    await time("frame: preprocess (WASM)", () => modelInput(frame, 128, 128), keep);
    await time("frame: preprocess (JavaScript)", async () => resizeToTensor(frame, 128, 128), keep);
  }
  // From decoded pixels: docedge vs the OpenCV.js baseline, per photo, medians over photos.
  const cv = await loadOpenCvBaseline().catch((e: unknown) => ({ unavailable: String(e) }));
  if ("unavailable" in cv) report.notes.push(`OpenCV baseline skipped: ${cv.unavailable}`);
  else {
    const photos = await Promise.all(devPhotos(Number(arg("photos", "30"))).map((b) => decodeImage(b)));
    const mine: number[] = [];
    const single: number[] = [];
    const theirs: number[] = [];
    for (const img of photos) {
      const a: number[] = [];
      const n: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 4; i++) {
        let t = performance.now();
        await detector.detect(img);
        a.push(performance.now() - t);
        // One inference per photo (no second look): what the default's "auto" is measured against.
        t = performance.now();
        await detector.detect(img, { secondLook: "never" });
        n.push(performance.now() - t);
        t = performance.now();
        cv.detect(img);
        b.push(performance.now() - t);
      }
      mine.push(stats(a.slice(1)).median);
      single.push(stats(n.slice(1)).median);
      theirs.push(stats(b.slice(1)).median);
    }
    ops[`from pixels: docedge (${photos.length} photos)`] = mine;
    ops[`from pixels: docedge, secondLook never (${photos.length} photos)`] = single;
    ops[`from pixels: OpenCV baseline (${photos.length} photos)`] = theirs;
  }
  await detector.dispose();
  await fp32.dispose();
  for (const [k, v] of Object.entries(ops)) report.ops[k] = stats(v);
  for (const [k, v] of Object.entries(stageSamples)) {
    report.stages[k] = Object.fromEntries(COLUMNS.map((s) => [s, stats(v[s])])) as Record<Column, Stats>;
  }
  console.log(`BENCH ${JSON.stringify(report)}`);
}

/** Bun and Deno as their native binaries: through npm's launcher Deno's cold start would include a Node start. */
function command(runtime: string, args: string[]): [string, string[]] {
  if (runtime === "bun") return [runtimeBinary("bun"), args];
  if (runtime === "deno") return [runtimeBinary("deno"), ["run", "--allow-read", "--allow-env", "--allow-sys", ...args]];
  return [process.execPath, args];
}

/**
 * A new process to its first result from the built package, best of 3: the child's own clock at
 * the result (performance.now(), ms since the process started) and the wall time from spawn to exit.
 */
function coldStart(runtime: string): { first: number; wall: number } | string {
  const mod = pathToFileURL(join(ROOT, "dist/mod.js")).href;
  const sample = join(ROOT, "sample/sample.jpg");
  if (!existsSync(fileURLToPath(mod))) return "no dist/ (run npm run build)";
  // Inside the package, so that Deno finds deno.json and node_modules from it (the folder is git-ignored).
  mkdirSync(join(ROOT, "tmp"), { recursive: true });
  const script = join(ROOT, "tmp", "bench-cold.mjs");
  writeFileSync(
    script,
    `import { readFileSync } from "node:fs";\n` +
      `const { detectDocument } = await import(${JSON.stringify(mod)});\n` +
      `const r = await detectDocument(new Uint8Array(readFileSync(${JSON.stringify(sample)})));\n` +
      `console.log("COLD " + performance.now() + " " + r.found);\n`,
  );
  const firsts: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [cmd, args] = command(runtime, [script]);
    const start = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const wall = performance.now() - start;
    const line = r.stdout?.split("\n").find((l) => l.startsWith("COLD "));
    if (!line) return `failed: ${r.stderr?.slice(-300)}`;
    firsts.push(Number(line.split(" ")[1]));
    walls.push(wall);
  }
  return { first: Math.min(...firsts), wall: Math.min(...walls) };
}

const f1 = (v: number): string => v.toFixed(1);
const fmt = (s: Stats): string => `${f1(s.median)} (p90 ${f1(s.p90)})`;

async function driver(): Promise<void> {
  const runtimes = arg("runtimes", "node,bun,deno").split(",");
  const runs = arg("runs", "15");
  const inputs = await benchPhotos();
  const script = fileURLToPath(import.meta.url);
  console.log(`docedge bench: ${runs} interleaved runs after 2 warm-ups, one process per runtime, 1 WASM thread; ms, median (p90)`);
  for (const runtime of runtimes) {
    const [cmd, args] = command(runtime, runtime === "node" ? ["--import", "tsx", script] : [script]);
    const r = spawnSync(cmd, [...args, "--worker", "--runs", runs, "--inputs", JSON.stringify(inputs), "--photos", arg("photos", "30")], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: Number(arg("timeout", "900")) * 1000,
      maxBuffer: 1 << 26,
    });
    const line = r.stdout?.split("\n").find((l) => l.startsWith("BENCH "));
    console.log(`\n== ${runtime}`);
    if (r.status !== 0 || !line) {
      console.log(`FAILED (${r.status ?? r.signal}) ${r.stderr?.slice(-600) ?? ""}`);
      continue;
    }
    const rep = JSON.parse(line.slice(6)) as WorkerReport;
    for (const [k, s] of Object.entries(rep.ops)) console.log(`  ${k.padEnd(44)} ${fmt(s)}`);
    for (const [input, st] of Object.entries(rep.stages)) {
      console.log(`  stages ${input.padEnd(16)} ` + COLUMNS.map((s) => `${s} ${s === UNSTAGED ? st[s].median.toFixed(2) : fmt(st[s])}`).join("  "));
    }
    const m = (k: string): number | undefined => rep.ops[k]?.median;
    const ratio = (label: string, a: number | undefined, b: number | undefined, target: string): void => {
      if (a !== undefined && b !== undefined) console.log(`  ratio ${label.padEnd(52)} ${(a / b).toFixed(2)}  (target ${target})`);
    };
    for (const kind of ["progressive", "baseline"]) {
      const decodeKey = Object.keys(rep.ops).find((k) => k.startsWith(`12 MP ${kind}: 1/`)) ?? "";
      const libjpegKey = Object.keys(rep.ops).find((k) => k.startsWith(`12 MP ${kind}: libjpeg 1/`)) ?? "";
      ratio(`12 MP ${kind}: detect / full decode (@jsquash)`, m(`12 MP ${kind}: detect`), m(`12 MP ${kind}: full decode (@jsquash)`), "<= 0.7");
      ratio(`12 MP ${kind}: detect / reduced-scale decode alone`, m(`12 MP ${kind}: detect`), m(decodeKey), "<= 1.15");
      ratio(`12 MP ${kind}: detect / libjpeg's reduced-scale decode`, m(`12 MP ${kind}: detect`), m(libjpegKey), "<= 1.15");
      ratio(`12 MP ${kind}: reduced-scale decode, ours / libjpeg's`, m(decodeKey), m(libjpegKey), "as low as can be");
    }
    ratio("frame: detect / inference alone", m("frame: detect"), m("frame: inference"), "as near 1 as can be");
    ratio("frame: preprocess, WASM / JavaScript", m("frame: preprocess (WASM)"), m("frame: preprocess (JavaScript)"), "preprocess <= 1 ms");
    const px = Object.keys(rep.ops).find((k) => k.startsWith("from pixels: docedge ("));
    const one = Object.keys(rep.ops).find((k) => k.startsWith("from pixels: docedge, secondLook never"));
    const cv = Object.keys(rep.ops).find((k) => k.startsWith("from pixels: OpenCV"));
    if (px && cv) ratio("from pixels: docedge / OpenCV baseline", m(px), m(cv), "<= 0.35");
    if (one && cv) ratio("from pixels: docedge secondLook never / OpenCV", m(one), m(cv), "<= 0.35");
    if (px && one) ratio("from pixels: docedge / secondLook never", m(px), m(one), "toward 1");
    ratio("inference: default model / float32", m("frame: inference"), m("frame: inference (fp32 model)"), "issue 13: ~1");
    for (const n of rep.notes) console.log(`  note: ${n}`);
    const cold = coldStart(runtime);
    const coldText = typeof cold === "string" ? cold : `${cold.first.toFixed(0)} ms to the first result, ${cold.wall.toFixed(0)} ms spawn to exit (target <= 300 quiet)`;
    console.log(`  cold start: new process, sample.jpg, best of 3: ${coldText}`);
  }
}

if (process.argv.includes("--worker")) await worker();
else await driver();
