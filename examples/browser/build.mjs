#!/usr/bin/env node
/**
 * Builds the browser example into examples/browser/dist/ with esbuild:
 *   app.js      the page's script (imports "docedge" like any app would)
 *   worker.js   docedge's detection worker (src/browser/worker.ts)
 *   docedge.js  the library alone (mod.ts) as a browser ESM bundle, to check it has no Node built-ins
 * and copies what they load at run time next to them: ONNX Runtime's WASM + loader, the codecs'
 * WASM and the model. Any plain static server can then serve examples/browser/.
 *
 *   node examples/browser/build.mjs [--no-minify] [--test]
 * --test also bundles tests/browser/harness.ts (the synthetic-video harness the browser tests use).
 */
import { build } from "esbuild";
import { copyFile, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(here, "dist");
const args = new Set(process.argv.slice(2));
const minify = !args.has("--no-minify");

// docedge's "#ort" import resolves to onnxruntime-web's plain WASM build in a browser (no alias
// needed); the condition below makes that build load its loader (.mjs) from a URL instead of
// inlining it (threads start their workers from that URL).
const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16.4"],
  conditions: ["onnxruntime-web-use-extern-wasm"],
  alias: { docedge: join(root, "mod.ts") },
  // Dynamic imports (ORT, each codec) become chunks loaded on first use, not part of app.js.
  splitting: true,
  chunkNames: "[name]-[hash]",
  sourcemap: true,
  minify,
  logLevel: "warning",
  metafile: true,
};

const entries = {
  app: join(here, "src", "app.ts"),
  worker: join(root, "src", "browser", "worker.ts"),
  docedge: join(root, "mod.ts"),
};
if (args.has("--test")) entries["test-harness"] = join(root, "tests", "browser", "harness.ts");

await mkdir(out, { recursive: true });
// Chunk names carry content hashes: drop the previous build's scripts, keep the copied assets.
for (const f of await readdir(out)) {
  if (f.endsWith(".js") || f.endsWith(".js.map")) await rm(join(out, f));
}
const result = await build({ ...common, entryPoints: entries, outdir: out });

// No Node built-in may reach a browser bundle.
const nodeImports = Object.entries(result.metafile.outputs).flatMap(([file, o]) =>
  o.imports.filter((i) => i.path.startsWith("node:") || i.external).map((i) => `${file}: ${i.path}`),
);
if (nodeImports.length > 0) {
  console.error("browser bundles import Node built-ins or externals:\n  " + nodeImports.join("\n  "));
  process.exit(1);
}

const assets = [
  ["node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.wasm"],
  ["node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.mjs"],
  // docedge's JPEG decoder: found at <assetBase>wasm/jpeg/decoder.wasm like the model under models/.
  ["wasm/jpeg/decoder.wasm", "wasm/jpeg/decoder.wasm"],
  ["node_modules/@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm", "mozjpeg_enc.wasm"],
  ["node_modules/@jsquash/png/codec/pkg/squoosh_png_bg.wasm", "squoosh_png_bg.wasm"],
  ["node_modules/@jsquash/webp/codec/dec/webp_dec.wasm", "webp_dec.wasm"],
  ["node_modules/@jsquash/webp/codec/enc/webp_enc.wasm", "webp_enc.wasm"],
  ["node_modules/@jsquash/webp/codec/enc/webp_enc_simd.wasm", "webp_enc_simd.wasm"],
  ["models/docedge-int8.onnx", "models/docedge-int8.onnx"],
];
await mkdir(join(out, "models"), { recursive: true });
await mkdir(join(out, "wasm/jpeg"), { recursive: true });
for (const [from, to] of assets) {
  const src = join(root, from);
  const dst = join(out, to);
  const [s, d] = await Promise.all([stat(src).catch(() => null), stat(dst).catch(() => null)]);
  if (s === null) {
    console.warn(`warning: ${from} is missing; the page will not find it at ./dist/${to}`);
    continue;
  }
  if (d && d.size === s.size && d.mtimeMs >= s.mtimeMs) continue;
  await copyFile(src, dst);
}

const sizes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith(".js"))
  .map(([f, o]) => `${relative(root, f)} ${(o.bytes / 1024).toFixed(0)} KiB`);
await writeFile(join(out, "build.json"), JSON.stringify({ builtAt: new Date().toISOString(), sizes }, null, 2));
console.log(`built ${relative(root, out)}: ${sizes.join(", ")}`);
