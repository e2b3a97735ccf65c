import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEdgeModel } from "../../src/model/session.ts";
import { SHIPPED_MODEL_INPUT } from "../../src/runtime/assets.ts";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";
import { MODEL_FP32, MODEL_INT8, ROOT, SAMPLE, hasModel } from "./helpers.ts";
import { existsSync } from "node:fs";

// detectDocument's first call in a process decodes its input while the shared detector loads, at
// the scale the shipped model's input asks for (the model itself is not loaded yet): these check
// that guess and that the answer is the loaded detector's own, in new processes of each runtime.

const skip = !hasModel() ? `no model at ${MODEL_INT8}` : !existsSync(SAMPLE) ? `no ${SAMPLE}` : false;
const RUNNER = "tests/core/runner/one-shot.mjs";

interface Line {
  how: string;
  found?: boolean;
  quad?: [number, number][] | null;
  confidence?: number;
  timings?: Record<string, number>;
  runtime?: string;
  error?: string;
}

function run(cmd: string, args: string[]): Line[] {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(r.status, 0, `${cmd} ${args.slice(0, 3).join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
}

const runtimes = (file: string): Record<string, Line[]> => ({
  node: run(process.execPath, [RUNNER, "dist/mod.js", file]),
  bun: run(runtimeBinary("bun"), [RUNNER, "mod.ts", file]),
  deno: run(runtimeBinary("deno"), ["run", "--allow-read", "--allow-env", RUNNER, "mod.ts", file]),
});

test("the shipped models' input side is SHIPPED_MODEL_INPUT (the scale a first detectDocument decodes at)", { skip }, async () => {
  for (const path of [MODEL_INT8, MODEL_FP32].filter((p) => existsSync(p))) {
    const model = await createEdgeModel(new Uint8Array(readFileSync(path)), { numThreads: 1 });
    try {
      assert.deepEqual([model.inputWidth, model.inputHeight], [SHIPPED_MODEL_INPUT, SHIPPED_MODEL_INPUT], path);
    } finally {
      await model.dispose();
    }
  }
});

test("a new process's first detectDocument gives the loaded detector's answer, stages adding up, in Node, Bun and Deno", { skip, timeout: 300_000 }, () => {
  for (const [name, lines] of Object.entries(runtimes(SAMPLE))) {
    assert.equal(lines.length, 2, `${name}: ${JSON.stringify(lines)}`);
    const [first, loaded] = lines;
    assert.equal(first.error, undefined, `${name}: ${first.error}`);
    assert.equal(first.runtime, name);
    assert.equal(first.found, true, name);
    assert.deepEqual(first.quad, loaded.quad, `${name}: corners`);
    assert.equal(first.confidence, loaded.confidence, `${name}: confidence`);
    // The decode ran while the detector loaded; its own time is the decode stage, and the stages
    // add up to total up to rounding; neither the stages nor total hold the wait for the load (over 100 ms).
    const t = first.timings!;
    assert.ok(t.decode > 0 && t.decode < t.total, `${name}: decode ${t.decode} of ${t.total}`);
    const sum = t.decode + t.preprocess + t.inference + t.quad + t.refine;
    assert.ok(Math.abs(sum - t.total) < 1e-6, `${name}: stages ${sum} vs total ${t.total}`);
  }
});

test("a bad first input to detectDocument is its typed error, and the detector still loads", { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "docedge-one-shot-"));
  try {
    const bad = join(dir, "truncated.jpg");
    writeFileSync(bad, readFileSync(SAMPLE).subarray(0, 600));
    for (const [name, lines] of Object.entries(runtimes(bad))) {
      assert.deepEqual(lines.map((l) => l.error), ["CORRUPT_IMAGE", "CORRUPT_IMAGE"], `${name}: ${JSON.stringify(lines)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
