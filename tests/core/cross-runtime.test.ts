import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";
import { MODEL_INT8, ROOT, SAMPLE, datasetPhotos, hasModel } from "./helpers.ts";

// The same photos through Node (the built dist/, no TypeScript loader: what npm users run), Bun
// and Deno (the sources): all three must find the same corners.
const photos = [
  SAMPLE, // bundled (CC0): the test runs on a clean clone too
  ...datasetPhotos("tony_xlh_document_scanning_dataset", 5),
  ...datasetPhotos("smartdoc15_ch1_shehryar_sample", 2),
  ...datasetPhotos("midv500_fcakyon_testdata", 2),
];
const RUNNER = "tests/core/runner/detect-files.mjs";

interface Line {
  file: string;
  found?: boolean;
  quad?: [number, number][] | null;
  confidence?: number;
  width?: number;
  height?: number;
  mapMean?: number;
  runtime?: string;
  error?: string;
}

/** True when some source is newer than its compiled file (or dist/ is missing). */
function distIsStale(): boolean {
  const sources = ["mod.ts", ...walk("src")];
  return sources.some((src) => {
    const out = join(ROOT, "dist", src.replace(/\.ts$/, ".js"));
    return !existsSync(out) || statSync(out).mtimeMs < statSync(join(ROOT, src)).mtimeMs;
  });
}

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

function run(cmd: string, args: string[]): Line[] {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 600_000, env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(r.status, 0, `${cmd} ${args.slice(0, 3).join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

const skip = !hasModel()
  ? `no model at ${MODEL_INT8}`
  : !existsSync(SAMPLE)
    ? `no ${SAMPLE}`
    : false;

test("Node (dist), Bun and Deno give the same corners on real photos (within 1 px)", { skip, timeout: 900_000 }, () => {
  if (distIsStale()) {
    // Node runs the build; a stale dist/ would compare old code with new.
    const build = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
    assert.ok(!distIsStale(), `build failed:\n${build.stdout}`);
  }
  const model = "default"; // each runtime finds models/docedge-int8.onnx itself
  const results = {
    node: run(process.execPath, [RUNNER, "dist/mod.js", model, "default", ...photos]),
    bun: run(runtimeBinary("bun"), [RUNNER, "mod.ts", model, "default", ...photos]),
    deno: run(runtimeBinary("deno"), ["run", "--allow-read", "--allow-env", RUNNER, "mod.ts", model, "default", ...photos]),
  };
  for (const [name, lines] of Object.entries(results)) {
    assert.equal(lines.length, photos.length, `${name}: one result per photo`);
    for (const l of lines) {
      assert.equal(l.error, undefined, `${name} ${l.file}: ${l.error}`);
      assert.equal(l.runtime, name, "the runner ran in the runtime it names");
    }
  }
  let compared = 0;
  for (let i = 0; i < photos.length; i++) {
    const n = results.node[i];
    for (const other of [results.bun[i], results.deno[i]]) {
      const label = `${other.runtime} vs node, ${photos[i]}`;
      assert.equal(other.file, n.file);
      assert.deepEqual([other.width, other.height], [n.width, n.height], label);
      assert.ok(Math.abs(other.mapMean! - n.mapMean!) < 1e-4, `${label}: edge maps differ`);
      assert.ok(Math.abs(other.confidence! - n.confidence!) < 0.01, `${label}: confidence ${other.confidence} vs ${n.confidence}`);
      assert.equal(other.found, n.found, `${label}: found`);
      if (n.quad && other.quad) {
        for (let k = 0; k < 4; k++) {
          const d = Math.hypot(other.quad[k][0] - n.quad[k][0], other.quad[k][1] - n.quad[k][1]);
          assert.ok(d <= 1, `${label}: corner ${k} differs by ${d.toFixed(3)} px`);
        }
        compared++;
      }
    }
  }
  console.log(`compared corners on ${compared / 2} of ${photos.length} photos (the rest: no document found in all runtimes)`);
});
