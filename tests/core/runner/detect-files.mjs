// Runs docedge on image files and prints one JSON line per file. Used by the cross-runtime tests:
// the same script under Node (importing dist/mod.js, no TypeScript loader), Bun and Deno (importing
// mod.ts). Usage: <runtime> detect-files.mjs <module> <model|default> <threads|default> <file>...
import process from "node:process";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [modulePath, model, threads, ...files] = process.argv.slice(2);
const docedge = await import(pathToFileURL(resolve(modulePath)).href);
const detector = await docedge.createDetector({
  // "default": the shipped model, found by walking up from the module (the installed-package path).
  ...(model === "default" ? {} : { model }),
  ...(threads === "default" ? {} : { numThreads: Number(threads) }),
});
for (const file of files) {
  const bytes = new Uint8Array(await readFile(file));
  try {
    const r = await detector.detect(bytes, { returnEdgeMap: true });
    let sum = 0;
    for (const v of r.edgeMap.data) sum += v;
    console.log(JSON.stringify({ file, found: r.found, quad: r.quad, confidence: r.confidence, width: r.width, height: r.height, mapMean: sum / r.edgeMap.data.length, runtime: docedge.detectRuntime() }));
  } catch (error) {
    console.log(JSON.stringify({ file, error: error.code ?? String(error) }));
  }
}
await detector.dispose();
