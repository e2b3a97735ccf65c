/**
 * Stage timings of detectDocument (decode, preprocess, inference, quad, total) on a 1920x1080 RGBA
 * frame and a 12-megapixel JPEG, int8 vs float32 model, 1 vs 2 threads, in Node, Bun and Deno.
 *
 *   node --import tsx bench/detect.ts                     # everything (one process per configuration)
 *   node --import tsx bench/detect.ts --runtimes node --runs 10
 *   bun bench/detect.ts --worker --model int8 --threads 2 # one configuration, in this runtime
 *
 * ONNX Runtime's thread count is fixed per process, so each configuration runs in its own process.
 * Prints median and spread (p10-p90) in milliseconds per stage, and the int8/fp32 and 2/1-thread
 * ratios of the inference medians.
 */
import process from "node:process";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDetector, decodeImage, detectRuntime, loadCodecs, type RgbaImage } from "../mod.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAGES = ["decode", "preprocess", "inference", "quad", "total"] as const;
type Stage = (typeof STAGES)[number];

interface Stats {
  median: number;
  p10: number;
  p90: number;
}
interface WorkerReport {
  runtime: string;
  model: string;
  threads: number;
  inputs: Record<string, Record<Stage, Stats>>;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
}

/** Nearest-neighbour resample: only used to make test inputs of the wanted sizes. */
function resample(img: RgbaImage, w: number, h: number): RgbaImage {
  const out = new Uint8ClampedArray(w * h * 4);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / h));
    for (let x = 0; x < w; x++) {
      dst[y * w + x] = src[sy * img.width + Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / w))];
    }
  }
  return { data: out, width: w, height: h };
}

/** The bench inputs, made once from the sample photo and cached in the temp folder. */
async function prepareInputs(): Promise<{ frame: string; jpeg12: string }> {
  const dir = join(tmpdir(), "docedge-bench");
  mkdirSync(dir, { recursive: true });
  const frame = join(dir, "frame-1920x1080.rgba");
  const jpeg12 = join(dir, "photo-4000x3000.jpg");
  if (existsSync(frame) && existsSync(jpeg12)) return { frame, jpeg12 };
  const photo = await decodeImage(new Uint8Array(readFileSync(join(ROOT, "sample/sample.jpg"))));
  writeFileSync(frame, resample(photo, 1920, 1080).data);
  const codecs = await loadCodecs();
  writeFileSync(jpeg12, await codecs.encodeJpeg(resample(photo, 4000, 3000), { quality: 90 }));
  return { frame, jpeg12 };
}

async function worker(): Promise<void> {
  const model = arg("model", "int8");
  const threads = Number(arg("threads", "1"));
  const runs = Number(arg("runs", "15"));
  const warmup = Number(arg("warmup", "2"));
  const frame: RgbaImage = { data: new Uint8ClampedArray(readFileSync(arg("frame", ""))), width: 1920, height: 1080 };
  const jpeg = new Uint8Array(readFileSync(arg("jpeg", "")));
  const detector = await createDetector({ model: model as "int8" | "fp32", numThreads: threads });
  const report: WorkerReport = { runtime: detectRuntime(), model, threads, inputs: {} };
  for (const [name, input] of [["1920x1080 RGBA", frame], ["12 MP JPEG", jpeg]] as const) {
    const samples: Record<Stage, number[]> = { decode: [], preprocess: [], inference: [], quad: [], total: [] };
    for (let i = 0; i < warmup + runs; i++) {
      const r = await detector.detect(input);
      if (i < warmup) continue;
      for (const s of STAGES) samples[s].push(r.timings[s]);
    }
    report.inputs[name] = Object.fromEntries(STAGES.map((s) => [s, stats(samples[s])])) as Record<Stage, Stats>;
  }
  await detector.dispose();
  console.log(`BENCH ${JSON.stringify(report)}`);
}

function command(runtime: string, script: string): [string, string[]] {
  const bin = (n: string): string => join(ROOT, "node_modules/.bin", n);
  if (runtime === "bun") return [bin("bun"), [script]];
  if (runtime === "deno") return [bin("deno"), ["run", "--allow-read", "--allow-env", "--allow-sys", script]];
  return [process.execPath, ["--import", "tsx", script]];
}

const fmt = (s: Stats): string => `${s.median.toFixed(1)} (${s.p10.toFixed(1)}-${s.p90.toFixed(1)})`;

async function driver(): Promise<void> {
  const runtimes = arg("runtimes", "node,bun,deno").split(",");
  const models = arg("models", "int8,fp32").split(",");
  const threadCounts = arg("threads", "1,2").split(",");
  const runs = arg("runs", "15");
  const { frame, jpeg12 } = await prepareInputs();
  const script = fileURLToPath(import.meta.url);
  const reports: WorkerReport[] = [];
  console.log(`docedge bench: ${runs} runs per input after 2 warm-ups; ms, median (p10-p90)`);
  for (const runtime of runtimes) {
    for (const model of models) {
      for (const threads of threadCounts) {
        const [cmd, args] = command(runtime, script);
        const r = spawnSync(cmd, [...args, "--worker", "--model", model, "--threads", threads, "--runs", runs, "--frame", frame, "--jpeg", jpeg12], {
          cwd: ROOT,
          encoding: "utf8",
          // Deno with 2 threads has been seen to hang (DESIGN.md); do not wait forever.
          timeout: Number(arg("timeout", "240")) * 1000,
        });
        const line = r.stdout?.split("\n").find((l) => l.startsWith("BENCH "));
        if (r.status !== 0 || !line) {
          console.log(`${runtime} ${model} ${threads}t: FAILED (${r.status ?? r.signal}) ${r.stderr?.slice(-400) ?? ""}`);
          continue;
        }
        const report = JSON.parse(line.slice(6)) as WorkerReport;
        reports.push(report);
        for (const [input, st] of Object.entries(report.inputs)) {
          console.log(
            `${runtime.padEnd(4)} ${model.padEnd(4)} ${threads}t  ${input.padEnd(14)}  ` +
              STAGES.map((s) => `${s} ${fmt(st[s])}`).join("  "),
          );
        }
      }
    }
  }
  const inf = (rt: string, m: string, t: number, input: string): number | undefined =>
    reports.find((r) => r.runtime === rt && r.model === m && r.threads === t)?.inputs[input]?.inference.median;
  console.log("\ninference median ratios (1920x1080 frame):");
  for (const rt of runtimes) {
    for (const t of threadCounts.map(Number)) {
      const a = inf(rt, "int8", t, "1920x1080 RGBA"), b = inf(rt, "fp32", t, "1920x1080 RGBA");
      if (a && b) console.log(`  ${rt} ${t}t  int8/fp32 = ${(a / b).toFixed(2)}`);
    }
    for (const m of models) {
      const one = inf(rt, m, 1, "1920x1080 RGBA"), two = inf(rt, m, 2, "1920x1080 RGBA");
      if (one && two) console.log(`  ${rt} ${m}  2 threads / 1 thread = ${(two / one).toFixed(2)}`);
    }
  }
}

if (process.argv.includes("--worker")) await worker();
else await driver();
