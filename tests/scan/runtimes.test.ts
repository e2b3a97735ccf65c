import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodePng } from "../../src/image/codecs.ts";
import { meanAbsDiff } from "./synthetic.ts";
import { DATASETS } from "../core/helpers.ts";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";

// The same scan (real photos, their labelled corners, enhance none and bw) under Node (tsx),
// Bun and Deno: same sizes, same pixels (the warp and enhancement are plain float math, the codecs
// the same WASM), same JPEG bytes.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = join(DATASETS, "tony_xlh_document_scanning_dataset");
const FILES = ["a4-on-dark-background.jpg", "inner-lines.jpg"].map((f) => join(DIR, f));
const RUNNER = "tests/scan/runner/scan-files.mjs";
const skip = !FILES.every(existsSync) ? `${DIR} is missing photos` : false;

interface Line { file: string; enhance: string; runtime: string; width?: number; height?: number; png?: string; jpegHash?: string; error?: string }

function run(cmd: string, args: string[]): Line[] {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 600_000, env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(r.status, 0, `${cmd} ${args.slice(0, 3).join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
}

test("Node, Bun and Deno scan real photos to the same pages", { skip, timeout: 900_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), "docedge-scan-"));
  try {
    const labels = join(DIR, "labels.json");
    const results = {
      node: run(process.execPath, ["--import", "tsx", RUNNER, "mod.ts", out, labels, ...FILES]),
      bun: run(runtimeBinary("bun"), [RUNNER, "mod.ts", out, labels, ...FILES]),
      deno: run(runtimeBinary("deno"), ["run", "--allow-read", "--allow-write", "--allow-env", RUNNER, "mod.ts", out, labels, ...FILES]),
    };
    for (const [name, lines] of Object.entries(results)) {
      assert.equal(lines.length, FILES.length * 2, `${name}: one line per photo and mode`);
      for (const l of lines) {
        assert.equal(l.error, undefined, `${name} ${l.file}: ${l.error}`);
        assert.equal(l.runtime, name);
      }
    }
    for (let i = 0; i < results.node.length; i++) {
      const n = results.node[i];
      const ref = await decodePng(new Uint8Array(readFileSync(n.png!)));
      for (const o of [results.bun[i], results.deno[i]]) {
        const label = `${o.runtime} vs node, ${o.file} (${o.enhance})`;
        assert.deepEqual([o.width, o.height], [n.width, n.height], label);
        const img = await decodePng(new Uint8Array(readFileSync(o.png!)));
        const mad = meanAbsDiff(img, ref);
        assert.ok(mad < 0.01, `${label}: pixels differ, MAD ${mad}`);
        assert.equal(o.jpegHash, n.jpegHash, `${label}: JPEG bytes differ`);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
