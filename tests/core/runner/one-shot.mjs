// A new process's first detectDocument (which decodes its input while the shared detector loads),
// then the same input through the loaded detector's detect(). Prints one JSON line for each.
// Usage: <runtime> one-shot.mjs <module> <file>
import process from "node:process";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [modulePath, file] = process.argv.slice(2);
const docedge = await import(pathToFileURL(resolve(modulePath)).href);
const bytes = new Uint8Array(await readFile(file));
const line = (how, r) => console.log(JSON.stringify({ how, found: r.found, quad: r.quad, confidence: r.confidence, timings: r.timings, runtime: docedge.detectRuntime() }));
try {
  line("first detectDocument", await docedge.detectDocument(bytes));
} catch (error) {
  console.log(JSON.stringify({ how: "first detectDocument", error: error.code ?? String(error) }));
}
// The load went on (or finished) whatever the input was: the loaded detector answers alike.
const detector = await docedge.getDefaultDetector();
try {
  line("detect", await detector.detect(bytes));
} catch (error) {
  console.log(JSON.stringify({ how: "detect", error: error.code ?? String(error) }));
}
await docedge.disposeDefaultDetector();
