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

// `import("docedge")` loads no validator: zod comes in only with options (docs/api.md). Checked on
// the static import graph of the package root (esbuild, splitting on: what a dynamic import
// pulls in lands in chunks of its own).
test("the package root's static imports hold no zod; the schemas entry does", async () => {
  const dir = mkdtempSync(join(tmpdir(), "docedge-root-"));
  try {
    const staticInputs = async (entryCode: string): Promise<string[]> => {
      const entry = join(dir, "entry.ts");
      writeFileSync(entry, entryCode);
      const r = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "neutral", mainFields: ["module", "main"], write: false, metafile: true, splitting: true, outdir: join(dir, "out"), logLevel: "error", external: ["node:*", "#ort", "onnxruntime-web", "pdf-lib", "@jsquash/*"] });
      const outputs = r.metafile.outputs;
      const seen = new Set<string>();
      const visit = (key: string): void => {
        if (seen.has(key) || !outputs[key]) return;
        seen.add(key);
        for (const i of outputs[key].imports) if (i.kind === "import-statement") visit(i.path);
      };
      visit(Object.keys(outputs).find((k) => k.endsWith("entry.js"))!);
      return [...seen].flatMap((k) => Object.keys(outputs[k].inputs));
    };
    const root = await staticInputs(`export * from ${JSON.stringify(join(ROOT, "mod.ts"))};\n`);
    assert.ok(root.some((f) => f.endsWith("src/detector.ts")), "the root's own modules are in the graph");
    assert.deepEqual(root.filter((f) => f.includes("node_modules/zod/")), []);
    const schemas = await staticInputs(`export * from ${JSON.stringify(join(ROOT, "src/schemas.ts"))};\n`);
    assert.ok(schemas.some((f) => f.includes("node_modules/zod/")), "docedge/schemas holds zod's schemas");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
