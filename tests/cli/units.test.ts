// Pure pieces of the CLI: glob, argument values, progress line, output naming, drawing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandGlob, segmentToRegExp, splitPattern } from "../../src/cli/glob.ts";
import { expandInputs } from "../../src/cli/inputs.ts";
import { parseChoice, parseNumber, parseQuad, withUsageErrors } from "../../src/cli/args.ts";
import { formatDuration, formatProgress, Progress } from "../../src/cli/progress.ts";
import { OutputNamer, planOutput } from "../../src/cli/outputs.ts";
import { blendEdgeMap, drawLine, drawQuad, fillCircle } from "../../src/image/draw.ts";
import { summaryLine } from "../../src/cli/summary.ts";
import type { Quad, RgbaImage } from "../../src/types.ts";

test("glob segments: *, ?, classes, hidden files, literal dots", () => {
  assert.ok(segmentToRegExp("*.jpg").test("a.jpg"));
  assert.ok(!segmentToRegExp("*.jpg").test("a.jpeg"));
  assert.ok(!segmentToRegExp("*.jpg").test("ajpg"));
  assert.ok(!segmentToRegExp("*.jpg").test(".hidden.jpg"));
  assert.ok(segmentToRegExp(".*.jpg").test(".hidden.jpg"));
  assert.ok(segmentToRegExp("img?.png").test("img7.png"));
  assert.ok(!segmentToRegExp("img?.png").test("img10.png"));
  assert.ok(segmentToRegExp("[ab]*.webp").test("b1.webp"));
  assert.ok(!segmentToRegExp("[!ab]*.webp").test("b1.webp"));
  assert.ok(segmentToRegExp("a(1)+.jpg").test("a(1)+.jpg"));
  assert.deepEqual(splitPattern("photos/2024/**/*.jpg"), { base: "photos/2024", segments: ["**", "*.jpg"] });
  assert.deepEqual(splitPattern("/abs/*.png"), { base: "/abs", segments: ["*.png"] });
  assert.deepEqual(splitPattern("*.png"), { base: ".", segments: ["*.png"] });
});

test("glob and folder expansion over a real tree", async () => {
  const root = await mkdtemp(join(tmpdir(), "docedge-glob-"));
  try {
    await mkdir(join(root, "a", "b", "c"), { recursive: true });
    await mkdir(join(root, ".git"), { recursive: true });
    for (const f of ["1.jpg", "2.PNG", "notes.txt", "a/3.jpg", "a/b/4.webp", "a/b/c/5.jpeg", ".git/6.jpg"]) {
      await writeFile(join(root, f), "x");
    }
    assert.deepEqual(await expandGlob(`${root}/*.jpg`), [`${root}/1.jpg`]);
    assert.deepEqual(await expandGlob(`${root}/**/*.jpg`), [`${root}/1.jpg`, `${root}/a/3.jpg`]);
    assert.deepEqual(await expandGlob(`${root}/a/**`), [`${root}/a/3.jpg`, `${root}/a/b/4.webp`, `${root}/a/b/c/5.jpeg`]);
    assert.deepEqual(await expandGlob(`${root}/*/b/*`), [`${root}/a/b/4.webp`]);

    const flat = await expandInputs([root]);
    assert.deepEqual(
      flat.map((i) => (i.kind === "file" ? i.path : i.kind)),
      [join(root, "1.jpg"), join(root, "2.PNG")],
    );
    const deep = await expandInputs([root], { recursive: true });
    assert.equal(deep.length, 5, "recursive folder gives every image except under hidden folders");

    const mixed = await expandInputs([join(root, "notes.txt"), join(root, "nope.jpg"), `${root}/*.gif`, "-", "-", join(root, "1.jpg"), `${root}/*.jpg`, `${root}/./1.jpg`]);
    assert.deepEqual(
      mixed.map((i) => i.kind),
      ["file", "missing", "missing", "stdin", "file"],
      "explicit non-images are kept (and fail later), missing paths and empty globs are reported, stdin and duplicates once",
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("argument values: numbers, choices, quads, unknown options", () => {
  assert.equal(parseNumber("threads", "4", { integer: true, min: 1 }), 4);
  assert.equal(parseNumber("threads", undefined), undefined);
  assert.throws(() => parseNumber("threads", "two"), /--threads must be a number/);
  assert.throws(() => parseNumber("threads", "1.5", { integer: true }), /whole number/);
  assert.throws(() => parseNumber("threshold", "2", { max: 1 }), /at most 1/);
  assert.equal(parseChoice("enhance", "BW", ["none", "bw"] as const), "bw");
  assert.throws(() => parseChoice("enhance", "sepia", ["none", "bw"] as const), /one of none, bw/);

  assert.deepEqual(parseQuad("10,20 110,20.5 110,220 -5,220"), [
    [10, 20],
    [110, 20.5],
    [110, 220],
    [-5, 220],
  ]);
  assert.deepEqual(parseQuad("[[1,2],[3,4],[5,6],[7,8]]"), [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]);
  assert.throws(() => parseQuad("1,2 3,4 5,6"), /four corners/);
  assert.throws(() => parseQuad("1,2 3,4 5,6 7"), /is not "x,y"/);
  assert.throws(() => parseQuad("1,2 3,4 5,6 7,x"), /finite/);
  assert.throws(() => parseQuad("[[1,2]]"), /four \[x, y\]/);

  assert.throws(() => withUsageErrors(() => parseArgs({ args: ["--nope"], options: { json: { type: "boolean" } }, strict: true })), (e: Error & { code?: string }) => e.code === "INVALID_INPUT" && /--nope/.test(e.message));
  assert.throws(() => withUsageErrors(() => parseArgs({ args: ["--quad", "-1,2 3,4 5,6 7,8"], options: { quad: { type: "string" } }, strict: true })), /--option=-value/);
});

test("progress line: count, rate, time left, width", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(61_000), "1:01");
  assert.equal(formatDuration(3_725_000), "1:02:05");
  const line = formatProgress({ done: 10, total: 40, failed: 1, elapsedMs: 5000, label: "photos/x.jpg", columns: 100 });
  assert.match(line, /^10\/40 /);
  assert.match(line, / 25%/);
  assert.match(line, /2\.0 img\/s/);
  assert.match(line, /ETA 0:15/, "30 left at 2/s");
  assert.match(line, /1 failed/);
  assert.ok(line.endsWith("photos/x.jpg"));
  const narrow = formatProgress({ done: 0, total: 40, failed: 0, elapsedMs: 0, label: "a-very-long-file-name.jpg", columns: 50 });
  assert.ok(narrow.length < 50, "cut to the terminal width");
  assert.match(narrow, /ETA --:--/);
});

test("progress bar draws only on a terminal and clears itself", () => {
  const writes: string[] = [];
  const piped = new Progress(5, { write: (s: string) => writes.push(s), isTTY: false });
  piped.start("a");
  piped.step(true);
  piped.log(() => writes.push("LINE"));
  piped.finish();
  assert.deepEqual(writes, ["LINE"], "piped: nothing but the caller's own output");

  const tty: string[] = [];
  let t = 0;
  const bar = new Progress(3, { write: (s: string) => tty.push(s), isTTY: true, columns: 80 }, { now: () => t });
  bar.start("a.jpg");
  t = 1000;
  bar.step(true);
  bar.log(() => tty.push("RESULT"));
  bar.finish();
  assert.ok(tty[0].startsWith("\r\x1b[K0/3"));
  assert.ok(tty.some((s) => s.includes("1/3") && s.includes("1.0 img/s")));
  const i = tty.indexOf("RESULT");
  assert.equal(tty[i - 1], "\r\x1b[K", "bar cleared before a result line");
  assert.equal(tty.at(-1), "\r\x1b[K", "bar cleared at the end");
  assert.equal(new Progress(1, { write: () => true, isTTY: true }).enabled, false, "no bar for one file");
});

test("output planning and naming", () => {
  assert.deepEqual(planOutput("page.png", undefined, 1, false), { kind: "file", path: "page.png", format: "png" });
  assert.deepEqual(planOutput("page.JPEG", undefined, 1, false), { kind: "file", path: "page.JPEG", format: "jpeg" });
  assert.deepEqual(planOutput("page.out", "webp", 1, false), { kind: "file", path: "page.out", format: "webp" });
  assert.deepEqual(planOutput("-", "png", 1, false), { kind: "stdout", format: "png" });
  assert.deepEqual(planOutput("out/", undefined, 1, false), { kind: "folder", path: "out/", format: "jpeg" });
  assert.deepEqual(planOutput("out", undefined, 3, false), { kind: "folder", path: "out", format: "jpeg" });
  assert.deepEqual(planOutput("existing", "png", 1, true), { kind: "folder", path: "existing", format: "png" });
  assert.throws(() => planOutput("page.png", "jpeg", 1, false), /make them agree/);
  assert.throws(() => planOutput("-", undefined, 2, false), /one page to stdout/);
  assert.throws(() => planOutput("page.jpg", undefined, 2, false), /need a folder or a \.pdf file/);
  assert.deepEqual(planOutput("scans.pdf", undefined, 3, false), { kind: "pdf", path: "scans.pdf", format: "pdf" });
  assert.deepEqual(planOutput("one.PDF", "pdf", 1, false), { kind: "pdf", path: "one.PDF", format: "pdf" });
  assert.deepEqual(planOutput("-", "pdf", 4, false), { kind: "pdf", path: "-", format: "pdf" });
  assert.deepEqual(planOutput("pdfs/", "pdf", 2, false), { kind: "folder", path: "pdfs/", format: "pdf" });
  assert.throws(() => planOutput("scans.pdf", "png", 2, false), /make them agree/);
  assert.throws(() => planOutput("page.xyz", undefined, 1, false), /unknown extension \.xyz/);
  assert.throws(() => planOutput("pages.d", undefined, 2, false), /unknown extension \.d/);

  const namer = new OutputNamer();
  assert.equal(namer.name({ kind: "file", path: "a/1.jpg" }, "jpg", "out"), "1.jpg");
  assert.equal(namer.name({ kind: "file", path: "b/1.jpg" }, "jpg", "out"), "1-2.jpg");
  assert.equal(namer.name({ kind: "stdin" }, "png", "out"), "stdin.png");
  assert.equal(new OutputNamer().name({ kind: "file", path: "out/1.jpg" }, "jpg", "out"), "1-2.jpg", "never overwrites its input");
});

test("summary line", () => {
  assert.equal(summaryLine({ ok: 3, failed: 1, skipped: 0, interrupted: false }, 2000, "2 found"), "4 images: 3 ok, 2 found, 1 failed in 2.0 s, 2.0 img/s");
  assert.match(summaryLine({ ok: 2, failed: 0, skipped: 8, interrupted: true }, 1000), /^interrupted after 2 of 10 images/);
  assert.match(summaryLine({ ok: 2, failed: 0, skipped: 0, interrupted: false }, 5000), /, 2\.5 s\/img$/, "slow runs read as seconds per image");
});

function blank(w: number, h: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width: w, height: h };
}
const px = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

test("drawing: lines, discs, quads clipped to the image, edge map tint", () => {
  const img = blank(40, 30);
  drawLine(img, [0, 10.2], [40, 10.2], 3, { r: 255, g: 0, b: 0, a: 1 });
  assert.deepEqual(px(img, 20, 10), [255, 0, 0, 255], "on the line");
  assert.deepEqual(px(img, 20, 15), [0, 0, 0, 255], "far from the line");
  const edge = px(img, 20, 11)[0];
  assert.ok(edge > 0 && edge < 255, `anti-aliased edge pixel, got ${edge}`);

  const img2 = blank(20, 20);
  fillCircle(img2, [10, 10], 4, { r: 0, g: 0, b: 255, a: 1 });
  assert.deepEqual(px(img2, 10, 10), [0, 0, 255, 255]);
  assert.deepEqual(px(img2, 1, 1), [0, 0, 0, 255]);

  // A quad with corners far outside the frame must clip, not throw or wrap around.
  const img3 = blank(50, 50);
  const quad: Quad = [
    [-30, -20],
    [80, 5],
    [45, 45],
    [5, 70],
  ];
  drawQuad(img3, quad, 2);
  let lit = 0;
  for (let i = 0; i < img3.data.length; i += 4) if (img3.data[i + 1] > 0) lit++;
  assert.ok(lit > 50 && lit < 1000, `outline drawn partly, ${lit} pixels`);

  const img4 = blank(8, 8);
  const map = { data: new Float32Array(16), width: 4, height: 4 };
  map.data[0] = 1; // top-left map pixel covers the top-left 2x2 image block
  blendEdgeMap(img4, map, { r: 255, g: 255, b: 255, a: 1 });
  assert.deepEqual(px(img4, 0, 0), [255, 255, 255, 255]);
  assert.deepEqual(px(img4, 7, 7), [0, 0, 0, 255]);
});
