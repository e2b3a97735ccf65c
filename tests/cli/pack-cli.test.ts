// The CLI as a user gets it from the registry: `npm pack`, installed into an empty folder from the
// npm cache only (no network), then `npx docedge detect`, `bunx docedge scan`, `docedge serve` and
// `docedge eval <datasets>` run there. (tests/core/pack.test.ts checks the package's contents
// and the library import; this file checks the commands.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage } from "../../src/image/decode.ts";
import { DATASETS, findBun, hasModel, quadArg, ROOT, runCli, SAMPLE, startCli, tonyPhotos, type Runtime, whileRunning } from "./helpers.ts";
import { ensureBuilt } from "../support/build.ts";

const OFFLINE_ENV = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", NO_COLOR: "1" };

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, ...OFFLINE_ENV } });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const photo = tonyPhotos()[0];
const skip = !hasModel() ? "no model in models/" : !existsSync(SAMPLE) ? "no sample/sample.jpg" : !photo ? "../shared/datasets is absent" : false;
let dir = "";
let installed: Runtime;

before(() => {
  if (skip) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "docedge-pack-cli-"));
  const packed = JSON.parse(ok(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], ROOT), "npm pack")) as { filename: string }[];
  // Pin @types/node (pulled in via onnxruntime-web's protobufjs) to the version in the npm cache.
  const typesNode = (JSON.parse(readFileSync(join(ROOT, "node_modules/@types/node/package.json"), "utf8")) as { version: string }).version;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, overrides: { "@types/node": typesNode } }));
  ok(sh("npm", ["install", "--prefer-offline", "--ignore-scripts", `./${packed[0].filename}`], dir), "npm install --prefer-offline");
  copyFileSync(SAMPLE, join(dir, "sample.jpg"));
  copyFileSync(photo.path, join(dir, "photo.jpg"));
  installed = { name: "node", command: join(dir, "node_modules/.bin/docedge"), args: [] };
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("npx docedge detect (installed package, offline)", { skip, timeout: 600_000 }, () => {
  const out = ok(sh("npx", ["--prefer-offline", "docedge", "detect", "sample.jpg", "photo.jpg", "--threads", "1"], dir), "npx docedge detect");
  const lines = out.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^sample\.jpg {2}(found|no document) {2}confidence [01]\.\d\d/);
  assert.match(lines[1], new RegExp(`^photo\\.jpg .* size ${photo.width}x${photo.height}$`));
  assert.equal(ok(sh("npx", ["--prefer-offline", "docedge", "--version"], dir), "npx docedge --version").trim(), JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
});

test("bunx docedge scan (installed package, offline)", { skip: skip || (findBun() === null ? "bun not found in node_modules" : false), timeout: 600_000 }, async () => {
  const bun = findBun()!;
  ok(sh(bun.command, ["x", "docedge", "scan", "photo.jpg", "-o", "page.jpg", "--quad", quadArg(photo.quad!), "--max-size", "600", "--threads", "1"], dir), "bunx docedge scan");
  const page = await decodeImage(new Uint8Array(readFileSync(join(dir, "page.jpg"))));
  assert.ok(Math.max(page.width, page.height) <= 600 && Math.min(page.width, page.height) > 100, `${page.width}x${page.height}`);
});

test("docedge serve (installed package)", { skip, timeout: 600_000 }, async () => {
  const run = startCli(installed, ["serve", "--port", "0", "--threads", "1"], { cwd: dir });
  await whileRunning(run, async () => {
    const text = await run.waitForStdout(/listening on (http:\/\/\S+)/);
    const url = /listening on (http:\/\/\S+)/.exec(text)![1];
    const res = await fetch(`${url}/v1/detect`, { method: "POST", body: readFileSync(join(dir, "photo.jpg")), headers: { "content-type": "image/jpeg" }, signal: AbortSignal.timeout(120_000) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { width: number; height: number };
    assert.deepEqual([body.width, body.height], [photo.width, photo.height]);
  });
  const r = await run.stop("SIGINT");
  assert.equal(r.code, 0, r.stderr);
});

test("docedge eval ../shared/datasets (installed package; one photo per folder to spare the CPU)", { skip, timeout: 900_000 }, async () => {
  const r = await runCli(installed, ["eval", DATASETS, "--limit", "1", "--threads", "1"], { cwd: dir, timeoutMs: 900_000 });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString();
  assert.match(text, /^docedge eval: /);
  assert.match(text, /mean JI: [01]\.\d{4} over \d+ images/);
  assert.match(text, /tony_xlh_document_scanning_dataset/);
});
