import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, SAMPLE, hasModel } from "./helpers.ts";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";
import { codeBlocks } from "../support/markdown.ts";

// The published package, as a user gets it: `npm pack`, installed into an empty folder from the
// npm cache only (no network), then run by `npx docedge` and `bunx docedge` (as `bun x`, Bun's own
// binary) and imported by plain Node (no TypeScript loader).

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 600_000,
    env: { ...process.env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", NO_COLOR: "1", ...env },
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const skip = !hasModel() ? "no model in models/" : !existsSync(SAMPLE) ? `no ${SAMPLE}` : false;

test("npm pack -> offline install -> npx/bunx docedge detect and import from plain Node", { skip, timeout: 1_200_000 }, () => {
  if (!existsSync(join(ROOT, "dist/src/cli/bin.js"))) {
    ok(sh(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], ROOT), "build");
  }
  const dir = mkdtempSync(join(tmpdir(), "docedge-pack-"));
  try {
    const packed = JSON.parse(ok(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], ROOT), "npm pack")) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0].files.map((f) => f.path);
    for (const needed of ["dist/mod.js", "dist/mod.d.ts", "dist/src/cli/bin.js", "dist/src/detector.js", "models/docedge-int8.onnx", "models/docedge-int8.opt.onnx", "models/docedge-int8.opt.json", "package.json", "README.md", "LICENSE"]) {
      assert.ok(files.includes(needed), `tarball holds ${needed}`);
    }
    assert.ok(!files.includes("models/docedge-fp32.onnx"), "only the default model ships");
    for (const f of files) {
      assert.ok(!/^(tests|training|bench|src|scripts|\.ci)\//.test(f), `tarball leaves out ${f}`);
    }

    // Pin @types/node (pulled in by protobufjs via onnxruntime-web) to the version in the npm cache.
    const typesNode = JSON.parse(readFileSync(join(ROOT, "node_modules/@types/node/package.json"), "utf8")).version as string;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module", overrides: { "@types/node": typesNode } }),
    );
    ok(sh("npm", ["install", "--prefer-offline", "--ignore-scripts", `./${packed[0].filename}`], dir), "npm install --prefer-offline");
    assert.ok(existsSync(join(dir, "node_modules/docedge/models/docedge-int8.onnx")));
    copyFileSync(SAMPLE, join(dir, "photo.jpg"));

    const viaNpx = ok(sh("npx", ["--prefer-offline", "docedge", "detect", "photo.jpg", "--json"], dir), "npx docedge detect");
    const viaBunx = ok(sh(runtimeBinary("bun"), ["x", "docedge", "detect", "photo.jpg", "--json"], dir), "bunx docedge detect");
    const parse = (out: string): { quad?: unknown; found?: boolean } =>
      JSON.parse(out.split("\n").find((l) => l.startsWith("{")) ?? "{}");
    const a = parse(viaNpx);
    const b = parse(viaBunx);
    assert.equal(typeof a.found, "boolean", `npx output: ${viaNpx}`);
    assert.equal(a.found, b.found, "npx and bunx agree");

    writeFileSync(
      join(dir, "use.mjs"),
      `import { readFile } from "node:fs/promises";
import { createDetector } from "docedge";
const d = await createDetector();
const r = await d.detect(await readFile("photo.jpg"));
console.log(JSON.stringify({ found: r.found, quad: r.quad, width: r.width, height: r.height }));
await d.dispose();
`,
    );
    const lib = JSON.parse(ok(sh(process.execPath, ["use.mjs"], dir), "import docedge from plain node").trim().split("\n").pop()!) as {
      found: boolean;
      width: number;
    };
    assert.equal(lib.found, a.found, "library and CLI agree");
    assert.ok(lib.width > 0);
    // The reference model is one documented option away, and asking for it by name says how.
    const fp32 = sh("npx", ["--prefer-offline", "docedge", "detect", "photo.jpg", "--model", "fp32"], dir);
    assert.notEqual(fp32.status, 0);
    assert.match(fp32.stderr, /float32 reference model is not in the npm package: download models\/docedge-fp32\.onnx/);

    // The README's TypeScript examples, as a user pastes them: they compile under strict against
    // the tarball's typings, and the ones that finish on their own run and print what they say.
    const readme = codeBlocks(join(ROOT, "README.md")).filter((b) => b.lang.split(/\s+/)[0] === "ts");
    assert.ok(readme.length >= 3, "the README has its three examples");
    mkdirSync(join(dir, "sample"));
    copyFileSync(SAMPLE, join(dir, "sample/sample.jpg"));
    readme.forEach((b, i) => writeFileSync(join(dir, `readme-${i}.ts`), b.code));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], outDir: "out", skipLibCheck: false },
        include: readme.map((_, i) => `readme-${i}.ts`),
      }),
    );
    ok(sh(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], dir), "tsc --strict on the README's examples");
    const detectOut = ok(sh(process.execPath, ["out/readme-0.js"], dir), "README example 1");
    assert.match(detectOut, /^page at [\d.]+,[\d.]+ .* confidence [01]\.\d\d$/m);
    ok(sh(process.execPath, ["out/readme-1.js"], dir), "README example 2");
    const page = readFileSync(join(dir, "page.jpg"));
    assert.deepEqual([...page.subarray(0, 3)], [0xff, 0xd8, 0xff], "README example 2 wrote a JPEG");
    assert.equal(readFileSync(join(dir, "scans.pdf")).subarray(0, 5).toString("latin1"), "%PDF-", "and a PDF");
  } finally {
    // Only what this test made: the tarball was packed into `dir`, never into the repository.
    rmSync(dir, { recursive: true, force: true });
  }
});
