// Scans labelled photos with their true corners and prints one JSON line per (photo, mode); writes
// each page as PNG into <outDir> so the test can compare pixels across runtimes.
// Usage: <runtime> scan-files.mjs <module> <outDir> <labels.json> <file>...
import process from "node:process";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modulePath, outDir, labelsPath, ...files] = process.argv.slice(2);
const docedge = await import(pathToFileURL(resolve(modulePath)).href);
const labels = JSON.parse(await readFile(labelsPath, "utf8"));
const runtime = docedge.detectRuntime();

/** FNV-1a over the bytes: equal encodings give equal hashes. */
function fnv(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16);
}

for (const file of files) {
  const label = labels.find((l) => l.file === basename(file));
  const image = await docedge.decodeImage(new Uint8Array(await readFile(file)));
  for (const enhance of ["none", "bw"]) {
    try {
      const png = await docedge.scanImage(image, label.quad, { enhance, format: "png", maxSize: 900 });
      const jpeg = await docedge.scanImage(image, label.quad, { enhance, format: "jpeg", maxSize: 900 });
      const out = join(outDir, `${runtime}-${enhance}-${basename(file)}.png`);
      await writeFile(out, png.image);
      console.log(JSON.stringify({ file, enhance, runtime, width: png.width, height: png.height, png: out, jpegHash: fnv(jpeg.image), jpegBytes: jpeg.image.length }));
    } catch (error) {
      console.log(JSON.stringify({ file, enhance, runtime, error: String(error?.stack ?? error) }));
    }
  }
}
