/**
 * WASM inference of candidate architectures against the shipped model, interleaved in one process,
 * one thread, each as the server loads it (the `.opt.onnx` copy, graph optimisation off). Export the
 * candidates first (`python3 training/candidates.py --out DIR`); prints each model's median, p90
 * and its ratio to the shipped model's median.
 *
 *   node --import tsx bench/inference-arch.ts --dir /tmp/arch [--runs 200]
 *   bun bench/inference-arch.ts --dir /tmp/arch
 *
 * Load changes on a shared machine hit every model alike because each round runs all of them once,
 * in an order that rotates from round to round.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? (process.argv[i + 1] ?? fallback) : fallback;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = arg("dir", "/tmp/arch");
  const runs = Number(arg("runs", "200"));
  ort.env.logLevel = "error";
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const paths: Record<string, string> = { shipped: join(ROOT, "models", "docedge-int8.opt.onnx") };
  for (const f of readdirSync(dir).sort()) if (f.endsWith("-int8.opt.onnx")) paths[f.slice(0, -"-int8.opt.onnx".length)] = join(dir, f);
  const sessions: Record<string, ort.InferenceSession> = {};
  for (const [name, path] of Object.entries(paths)) {
    sessions[name] = await ort.InferenceSession.create(readFileSync(path), {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "disabled",
    });
  }
  const input = new Float32Array(3 * 128 * 128);
  for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) >>> 0) / 4294967296;
  const feeds = { image: new ort.Tensor("float32", input, [1, 3, 128, 128]) };
  const names = Object.keys(sessions);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const warmup = 10;
  for (let round = 0; round < runs + warmup; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] ?? "shipped";
      const t0 = performance.now();
      const out = await sessions[name]?.run(feeds);
      const dt = performance.now() - t0;
      if (out?.["edges"]?.dims.join("x") !== "1x1x128x128") throw new Error(`${name}: unexpected output`);
      if (round >= warmup) times[name]?.push(dt);
    }
  }
  const shipped = quantile([...(times["shipped"] ?? [])].sort((a, b) => a - b), 0.5);
  const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : `node ${process.version}`;
  console.log(`${runtime}: ${runs} interleaved runs after ${warmup} warm-ups, 1 WASM thread; ms median (p90), ratio to shipped`);
  for (const name of names) {
    const s = [...(times[name] ?? [])].sort((a, b) => a - b);
    const med = quantile(s, 0.5);
    console.log(`  ${name.padEnd(10)} ${med.toFixed(2)} (${quantile(s, 0.9).toFixed(2)})  ${(med / shipped).toFixed(3)}`);
  }
}

await main();
