import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../core/helpers.ts";

// What a page pays up front for `createWorkerDetector`: the browser paths validate with zod/mini,
// which tree-shakes (full zod was 454 KB of a 465 KB bundle), and ONNX Runtime, codecs and
// pdf-lib stay in chunks loaded on first use.
test("a page that only calls createWorkerDetector bundles under 60 KB minified, zod under 40 KB of it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "docedge-bundle-"));
  try {
    const entry = join(dir, "page.ts");
    writeFileSync(entry, `import { createWorkerDetector } from ${JSON.stringify(join(ROOT, "mod.ts"))};\nconsole.log((await createWorkerDetector({ worker: "/w.js" })).info);\n`);
    const r = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "browser", minify: true, write: false, metafile: true, splitting: true, outdir: join(dir, "out"), logLevel: "error" });
    const outputs = r.metafile.outputs;
    const pageKey = Object.keys(outputs).find((k) => k.endsWith("page.js"))!;
    const page = outputs[pageKey];
    const staticBytes = page.bytes + page.imports.filter((i) => i.kind === "import-statement").reduce((s, i) => s + (outputs[i.path]?.bytes ?? 0), 0);
    const zod = Object.entries(page.inputs).filter(([f]) => f.includes("node_modules/zod/")).reduce((s, [, i]) => s + i.bytesInOutput, 0);
    console.log(`createWorkerDetector page: ${staticBytes} bytes up front, zod ${zod}`);
    assert.ok(staticBytes < 60_000, `${staticBytes} bytes`);
    assert.ok(zod < 40_000, `zod ${zod} bytes`);
    const lazy = Object.keys(outputs).filter((k) => k.endsWith(".js") && k !== pageKey);
    assert.ok(lazy.some((k) => /ort\.wasm/.test(k)), `ONNX Runtime's WASM build is a lazy chunk: ${lazy.join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
