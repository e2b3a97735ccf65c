import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDetector } from "../../src/detector.ts";
import { InvalidInputError } from "../../src/errors.ts";
import { pagesToPdf, pdfPageSize } from "../../src/scan/pdf.ts";
import { scanImage } from "../../src/scan/scan.ts";
import { hasModel, SAMPLE } from "../core/helpers.ts";
import { Page, photographQuad, renderPhoto } from "./synthetic.ts";

// PDFs are read back by poppler's pdfinfo, a reader that shares no code with pdf-lib.
const hasPdfinfo = spawnSync("pdfinfo", ["-v"]).error === undefined;
const noPdfinfo = hasPdfinfo ? false : "pdfinfo not installed (apt-get install poppler-utils)";

interface PdfPageInfo { w: number; h: number }

function pdfinfo(pdf: Uint8Array): { pages: number; sizes: PdfPageInfo[] } {
  const dir = mkdtempSync(join(tmpdir(), "docedge-pdf-"));
  try {
    const file = join(dir, "x.pdf");
    writeFileSync(file, pdf);
    const r = spawnSync("pdfinfo", ["-f", "1", "-l", "999", file], { encoding: "utf8" });
    assert.equal(r.status, 0, `pdfinfo: ${r.stderr}`);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(r.stdout)?.[1]);
    const sizes = [...r.stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({ w: Number(m[1]), h: Number(m[2]) }));
    return { pages, sizes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MM = 72 / 25.4;
const close = (a: number, b: number, tol = 0.01): boolean => Math.abs(a - b) <= tol;

/** Index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

// An A4 page photographed in perspective: its shape snaps to A4.
const a4 = new Page(210, 297, 2);
const W = 640, H = 480;
const quad = photographQuad(210, 297, { f: 600, imageW: W, imageH: H, pitch: 0.4, yaw: 0.2, roll: 0.05, distance: 520 });
const photo = renderPhoto(a4, quad, W, H, { ss: 2 });

test("format pdf: one A4 page (210 x 297 mm) holding the very JPEG that format jpeg gives", { skip: noPdfinfo }, async () => {
  const jpeg = await scanImage(photo, quad, { quality: 80 });
  const pdf = await scanImage(photo, quad, { quality: 80, format: "pdf" });
  assert.equal(pdf.format, "pdf");
  assert.equal(pdf.paper, "A-series (A4)");
  assert.equal(new TextDecoder().decode(pdf.image.subarray(0, 5)), "%PDF-");
  const info = pdfinfo(pdf.image);
  assert.equal(info.pages, 1);
  assert.ok(close(info.sizes[0].w, 210 * MM) && close(info.sizes[0].h, 297 * MM), JSON.stringify(info.sizes));
  assert.ok(indexOf(pdf.image, jpeg.image) > 0, "the JPEG is embedded byte for byte, not re-encoded");
  assert.ok(pdf.image.length < jpeg.image.length + 4096, "and only once");
});

test("pdfPageSize: known sheets keep their size in either orientation; other shapes keep their aspect at a 297 mm long side", () => {
  assert.deepEqual(pdfPageSize(800, 1131, "A-series (A4)").map((v) => +v.toFixed(2)), [595.28, 841.89]);
  assert.deepEqual(pdfPageSize(1131, 800, "A-series (A4)").map((v) => +v.toFixed(2)), [841.89, 595.28]);
  assert.deepEqual(pdfPageSize(850, 1100, "US Letter").map((v) => +v.toFixed(1)), [612, 792]);
  const [w, h] = pdfPageSize(300, 1200, null); // a receipt
  assert.ok(close(h, 297 * MM) && close(w / h, 0.25, 1e-9), `${w} x ${h}`);
  const [cw, ch] = pdfPageSize(856, 540, "ID-1 card"); // a ratio gives no scale: not card-sized
  assert.ok(close(cw, 297 * MM) && close(ch / cw, 540 / 856, 1e-9));
});

test("pagesToPdf: several pages in order; no pages or non-JPEG bytes are typed errors", { skip: noPdfinfo }, async () => {
  const a = await scanImage(photo, quad, { maxSize: 400 });
  const b = await scanImage(photo, [quad[1], quad[2], quad[3], quad[0]], { maxSize: 300 }); // sideways: landscape
  const pdf = await pagesToPdf([a, b, a].map((p) => ({ jpeg: p.image, width: p.width, height: p.height, paper: p.paper })));
  const info = pdfinfo(pdf);
  assert.equal(info.pages, 3);
  assert.ok(info.sizes[0].h > info.sizes[0].w && info.sizes[1].w > info.sizes[1].h && close(info.sizes[2].h, info.sizes[0].h), JSON.stringify(info.sizes));
  await assert.rejects(pagesToPdf([]), InvalidInputError);
  const png = await scanImage(photo, quad, { format: "png", maxSize: 100 });
  await assert.rejects(pagesToPdf([{ jpeg: png.image, width: png.width, height: png.height, paper: null }]), /page 1 is not JPEG/);
});

test("detector.scanToPdf: the sample and a given-corners page, two pages in input order", { skip: !hasModel() ? "no model" : noPdfinfo, timeout: 300_000 }, async () => {
  const d = await createDetector({ numThreads: 1 });
  try {
    const sample = new Uint8Array(readFileSync(SAMPLE));
    const r = await d.scanToPdf([sample, { image: photo, quad }], { maxSize: 800 });
    assert.equal(r.pages.length, 2);
    assert.equal(r.pages[1].paper, "A-series (A4)");
    assert.deepEqual(r.pages[1].quad, quad);
    const info = pdfinfo(r.pdf);
    assert.equal(info.pages, 2);
    // The sample is an A4 sheet too (measured: it snaps to A4).
    assert.equal(r.pages[0].paper, "A-series (A4)");
    for (const s of info.sizes) assert.ok(close(s.w, 210 * MM) && close(s.h, 297 * MM), JSON.stringify(info.sizes));
    await assert.rejects(d.scanToPdf([]), InvalidInputError);
  } finally {
    await d.dispose();
  }
});
