// The real `docedge` CLI (Node, built dist/) as a subprocess on real photos: detect, scan, serve,
// eval, stdin/stdout, the error paths, Ctrl-C and the terminal-only progress bar.
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeImage } from "../../src/image/decode.ts";
import type { Quad } from "../../src/types.ts";
import {
  DIST_BIN,
  hasModel,
  maxCornerDistance,
  node,
  pinModel,
  quadArg,
  runCli,
  SAMPLE,
  startCli,
  whileRunning,
  TONY,
  tonyPhotos,
  type DetectLine,
  type Runtime,
} from "./helpers.ts";
import { ensureBuilt } from "../support/build.ts";

const photos = tonyPhotos();
const EXIT_PROBE = fileURLToPath(new URL("../support/exit-probe.cjs", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
const noPhotos = photos.length < 3 ? "../shared/datasets/tony_xlh_document_scanning_dataset is absent" : false;
const skip = !hasModel() ? "no model in models/" : noPhotos;
const noPdfinfo = spawnSync("pdfinfo", ["-v"]).error === undefined ? false : "pdfinfo not installed (apt-get install poppler-utils)";
// One thread: the machine is small and shared; the CLI's behaviour does not depend on it. The
// model is a pinned copy (see pinModel) so every process in this file sees the same weights.
let T: string[] = [];

let tmp = "";
/** detect --json results by photo path, from the first detect test (reused to cross-check). */
const detected = new Map<string, DetectLine>();

before(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), "docedge-cli-"));
  if (hasModel()) T = ["--threads", "1", "--model", pinModel(tmp)];
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("--version, --help, per-command help and usage errors (no model needed)", async () => {
  const v = await runCli(node, ["--version"]);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.toString().trim(), pkg.version);

  const h = await runCli(node, ["--help"]);
  assert.equal(h.code, 0);
  for (const cmd of ["detect", "scan", "serve", "eval"]) assert.match(h.stdout.toString(), new RegExp(`\\b${cmd}\\b`));

  for (const cmd of ["detect", "scan", "serve", "eval"]) {
    const r = await runCli(node, [cmd, "--help"]);
    assert.equal(r.code, 0, `${cmd} --help`);
    assert.match(r.stdout.toString(), new RegExp(`^Usage: docedge ${cmd}`));
    assert.match(r.stdout.toString(), /Examples:/);
  }
  assert.equal((await runCli(node, ["help", "scan"])).stdout.toString(), (await runCli(node, ["scan", "-h"])).stdout.toString());

  const usage: [string[], RegExp][] = [
    [[], /Usage:/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["detect"], /at least one image/],
    [["detect", "x.jpg", "--bogus"], /Unknown option '--bogus'/],
    [["detect", "x.jpg", "--threads", "zero"], /--threads must be a number/],
    [["detect", "x.jpg", "--edges"], /--overlay/],
    [["detect", "x.jpg", "--second-look", "sometimes"], /--second-look must be one of auto, always, never/],
    [["eval", "dir", "--second-look", "twice"], /--second-look must be one of auto, always, never/],
    [["eval", "dir", "--jitter", "9"], /--jitter must be at most 8, got 9/],
    [["eval", "dir", "--jitter", "2.5"], /--jitter must be a whole number/],
    [["eval", "dir", "--jitter", "many"], /--jitter must be a number/],
    [["scan", "x.jpg"], /needs -o/],
    [["scan", "x.jpg", "-o", "y.jpg", "--enhance", "sepia"], /--enhance must be one of none, color, gray, bw/],
    [["scan", "x.jpg", "-o", "y.jpg", "--quality", "0"], /--quality/],
    [["scan", "x.jpg", "-o", "y.jpg", "--quad", "1,2 3,4"], /four corners/],
    [["scan", "x.jpg", "-o", "-", "--json"], /pick one/],
    [["serve", "--port", "70000"], /--port must be at most 65535/],
    [["eval"], /one folder/],
  ];
  for (const [args, message] of usage) {
    const r = await runCli(node, args);
    assert.equal(r.code, 2, `exit 2 for docedge ${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, `docedge ${args.join(" ")}`);
    assert.equal(r.stdout.length, 0, "usage errors print nothing on stdout");
  }
});

test("detect --json: one NDJSON line per input; a missing file and a non-image are reported and the rest go on", { skip, timeout: 600_000 }, async () => {
  const notImage = join(tmp, "notes.txt");
  writeFileSync(notImage, "this is not an image\n");
  const missing = join(tmp, "missing.jpg");
  const chosen = photos.slice(0, 3);
  const inputs = [chosen[0].path, missing, chosen[1].path, notImage, chosen[2].path, SAMPLE];
  const r = await runCli(node, ["detect", ...inputs, "--json", ...T]);
  assert.equal(r.code, 1, `exit 1 when some input failed\n${r.stderr}`);
  assert.equal(r.lines.length, inputs.length, `one line per input:\n${r.stdout}`);
  const rows = r.lines.map((l) => JSON.parse(l) as DetectLine & { error?: { code: string; message: string } });
  assert.deepEqual(
    rows.map((row) => row.file),
    inputs,
    "lines in input order, named as given",
  );

  assert.equal(rows[1].error?.code, "NOT_FOUND");
  assert.equal(rows[3].error?.code, "UNSUPPORTED_FORMAT");
  assert.match(r.stderr, new RegExp(`docedge: ${missing}: no such file or folder`));
  assert.match(r.stderr, new RegExp(`docedge: ${notImage}: not a JPEG, PNG or WebP`));
  assert.match(r.stderr, /6 images: 4 ok, \d found, 2 failed/);
  assert.ok(!r.stderr.includes("\r") && !/ETA/.test(r.stderr), "no progress bar when stderr is not a terminal");

  for (const [i, label] of [
    [0, chosen[0]],
    [2, chosen[1]],
    [4, chosen[2]],
  ] as const) {
    const row = rows[i];
    assert.deepEqual(Object.keys(row).sort(), ["confidence", "file", "found", "height", "quad", "width"]);
    assert.equal(row.width, label.width, `${label.file} width`);
    assert.equal(row.height, label.height, `${label.file} height`);
    assert.ok(row.confidence >= 0 && row.confidence <= 1);
    if (row.found) {
      assert.equal(row.quad?.length, 4);
      assert.ok(row.quad!.flat().every(Number.isFinite));
    } else {
      assert.equal(row.quad, null);
    }
    detected.set(label.path, row);
  }
  const sample = rows[5];
  assert.ok(sample.width > 0 && sample.height > 0);
  detected.set(SAMPLE, sample);
});

test("detect text lines and --overlay with --edges write the photo with the quad drawn on it", { skip, timeout: 600_000 }, async () => {
  const found = [...detected.entries()].find(([, d]) => d.found);
  const [path, d] = found ?? [photos[0].path, detected.get(photos[0].path)!];
  const dir = join(tmp, "overlays");
  const r = await runCli(node, ["detect", path, "--overlay", dir, "--edges", ...T]);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.toString().trim();
  if (d.found) {
    const corners = d.quad!.map(([x, y]) => `${Math.round(x)},${Math.round(y)}`).join(" ");
    assert.equal(line, `${path}  found  confidence ${d.confidence.toFixed(2)}  corners ${corners}  size ${d.width}x${d.height}`);
  } else {
    assert.match(line, /no document/);
  }
  const stem = path.split("/").pop()!.replace(/\.jpe?g$/i, "");
  const out = join(dir, `${stem}.overlay.jpg`);
  assert.ok(existsSync(out), `wrote ${out}`);
  const img = await decodeImage(new Uint8Array(readFileSync(out)));
  assert.equal(img.width, d.width);
  assert.equal(img.height, d.height);
  if (d.found) {
    // Midpoint of the top edge: the outline colour (green), whatever the photo had there.
    const [[x0, y0], [x1, y1]] = d.quad!;
    const mx = Math.round((x0 + x1) / 2 - 0.5);
    const my = Math.round((y0 + y1) / 2 - 0.5);
    if (mx >= 0 && my >= 0 && mx < img.width && my < img.height) {
      const i = (my * img.width + mx) * 4;
      const [r0, g0, b0] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      assert.ok(g0 > 150 && r0 < 120 && b0 < 160, `outline pixel is green, got ${r0},${g0},${b0}`);
    }
  }
});

test("scan: labelled corners via --quad to a file, several inputs to a folder, formats, enhance bw", { skip, timeout: 600_000 }, async () => {
  const [a, b] = photos;
  const png = join(tmp, "page.png");
  const r1 = await runCli(node, ["scan", a.path, "-o", png, "--quad", quadArg(a.quad!), "--enhance", "bw", "--json", ...T]);
  assert.equal(r1.code, 0, r1.stderr);
  const info = JSON.parse(r1.lines[0]) as { file: string; output: string; width: number; height: number; format: string; quad: Quad };
  assert.equal(info.output, png);
  assert.equal(info.format, "png", "format from the file extension");
  assert.ok(maxCornerDistance(info.quad, a.quad!) < 0.01, "used the given corners");
  const page = await decodeImage(new Uint8Array(readFileSync(png)));
  assert.deepEqual([page.width, page.height], [info.width, info.height]);
  let grey = 0;
  for (let i = 0; i < page.data.length; i += 4 * 97) if (page.data[i] === page.data[i + 1] && page.data[i + 1] === page.data[i + 2]) grey++;
  assert.equal(grey, Math.ceil(page.data.length / (4 * 97)), "bw page has no colour");

  const folder = join(tmp, "pages");
  const r2 = await runCli(node, ["scan", a.path, b.path, "-o", folder, "--quad", quadArg(a.quad!), "--format", "webp", "--max-size", "400", ...T]);
  assert.equal(r2.code, 0, r2.stderr);
  const names = readdirSync(folder).sort();
  assert.deepEqual(names, [a.file, b.file].map((f) => f.replace(/\.jpg$/, ".webp")).sort());
  for (const n of names) {
    const bytes = readFileSync(join(folder, n));
    assert.equal(bytes.subarray(8, 12).toString("latin1"), "WEBP");
    const img = await decodeImage(new Uint8Array(bytes));
    assert.ok(Math.max(img.width, img.height) <= 400, `${n}: --max-size caps the long side`);
  }
  assert.equal(r2.lines.length, 2, "one line per page");
  assert.match(r2.stderr, /2 images: 2 ok/);

  const clash = await runCli(node, ["scan", a.path, "-o", join(tmp, "x.jpg"), "--format", "png"]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /make them agree/);
});

test("scan A B -o out.pdf: one PDF, a page per photo in order (pdfinfo reads it); -o out.xyz exits 2 and writes nothing", { skip: skip || noPdfinfo, timeout: 600_000 }, async () => {
  const [a, b] = photos;
  const pdf = join(tmp, "scans.pdf");
  const r = await runCli(node, ["scan", a.path, b.path, "-o", pdf, "--quad", quadArg(a.quad!), "--max-size", "500", "--json", ...T]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.lines.map((l) => JSON.parse(l) as { file: string; output: string; page: number; format: string });
  assert.deepEqual(rows.map((row) => [row.file, row.page, row.output, row.format]), [[a.path, 1, pdf, "pdf"], [b.path, 2, pdf, "pdf"]]);
  const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /^Pages:\s+2$/m);

  const piped = await runCli(node, ["scan", a.path, b.path, "-o", "-", "--format", "pdf", "--quad", quadArg(a.quad!), "--max-size", "300", ...T]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout.subarray(0, 5).toString("latin1"), "%PDF-", "stdout is exactly a PDF");
  assert.match(piped.stderr, /wrote the PDF to stdout \(2 pages\)/);

  const xyz = join(tmp, "out.xyz");
  const bad = await runCli(node, ["scan", a.path, "-o", xyz, ...T]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown extension \.xyz/);
  assert.ok(!existsSync(xyz), "no mislabelled file");
});

test("scan without --quad flattens what detect finds, and fails (code 1) only the photos where nothing is found", { skip, timeout: 600_000 }, async () => {
  const inputs = photos.slice(0, 3).map((p) => p.path);
  const folder = join(tmp, "auto");
  const r = await runCli(node, ["scan", ...inputs, "-o", folder, "--json", ...T]);
  const expectFound = inputs.filter((p) => detected.get(p)?.found);
  assert.equal(r.code, expectFound.length === inputs.length ? 0 : 1, r.stderr);
  const okRows = r.lines.map((l) => JSON.parse(l) as { file: string; quad?: Quad; error?: { code: string } }).filter((row) => !row.error);
  assert.deepEqual(
    okRows.map((row) => row.file),
    expectFound,
    "exactly the photos detect found are scanned",
  );
  for (const row of okRows) {
    assert.ok(maxCornerDistance(row.quad!, detected.get(row.file)!.quad!) < 0.02, "scan used the same corners detect printed");
  }
  for (const p of inputs.filter((x) => !expectFound.includes(x))) {
    assert.match(r.stderr, new RegExp(`${p}: no document found .*give --quad`));
  }
  assert.equal(readdirSync(folder).length, expectFound.length);
});

test("stdin and stdout: `-` as input, `-o -` as output", { skip, timeout: 600_000 }, async () => {
  const a = photos[0];
  const bytes = new Uint8Array(readFileSync(a.path));
  const d = await runCli(node, ["detect", "-", "--json", ...T], { input: bytes });
  assert.equal(d.code, 0, d.stderr);
  const row = JSON.parse(d.lines[0]) as DetectLine;
  assert.equal(row.file, "-");
  const before = detected.get(a.path)!;
  assert.equal(row.found, before.found);
  if (row.found) assert.ok(maxCornerDistance(row.quad!, before.quad!) < 0.02, "same corners from stdin as from the file");

  const s = await runCli(node, ["scan", "-", "-o", "-", "--quad", quadArg(a.quad!), "--format", "png", ...T], { input: bytes });
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual([...s.stdout.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "stdout is exactly a PNG");
  const page = await decodeImage(new Uint8Array(s.stdout));
  assert.match(s.stderr, new RegExp(`- -> stdout  ${page.width}x${page.height} png`), "the report goes to stderr, not into the image");
});

test("a finished command stops V8's optimising compiler before it exits (nodejs/node#54918)", { skip, timeout: 600_000 }, async () => {
  // A background compile job that waits for a garbage collection deadlocks the exit
  // (src/cli/v8-tuning.ts, quietCompilerForExit); the probe asks V8 at exit whether it would still
  // optimise, and first checks that it does in a process that never turned it off.
  const probed = (args: string[]): Runtime => ({ name: "node", command: process.execPath, args: ["--allow-natives-syntax", "--require", EXIT_PROBE, ...args] });
  const control = await runCli(probed(["-e", "0"]), []);
  assert.match(control.stderr, /\[exit-probe\] turbofan on/, control.stderr);
  const a = photos[0];
  const runs: [string[], number, Uint8Array?][] = [
    [["detect", a.path, ...T], 0],
    [["detect", "-", "--json", ...T], 0, new Uint8Array(readFileSync(a.path))],
    [["scan", a.path, "-o", join(tmp, "probe.jpg"), ...T], 0],
    [["detect", join(tmp, "no-such.jpg"), ...T], 1],
    [["detect", "--no-such-flag"], 2],
  ];
  for (const [args, code, input] of runs) {
    const r = await runCli(probed([DIST_BIN]), args, input ? { input } : {});
    assert.equal(r.code, code, `${args.join(" ")}\n${r.stderr}`);
    assert.match(r.stderr, /\[exit-probe\] turbofan off/, `${args.join(" ")} exited with V8 still optimising\n${r.stderr}`);
  }
});

test("unwritable outputs fail with a clear message and exit 1", { skip, timeout: 600_000 }, async () => {
  const a = photos[0];
  const file = join(tmp, "a-file");
  writeFileSync(file, "x");
  const r = await runCli(node, ["scan", a.path, "-o", join(file, "page.jpg"), "--quad", quadArg(a.quad!), ...T]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot write ${file}/page.jpg`));

  const o = await runCli(node, ["detect", a.path, "--overlay", file, ...T]);
  assert.equal(o.code, 1);
  assert.match(o.stderr, /docedge detect: /);
});

test("Ctrl-C stops a batch after the file in flight, says how far it got, exits 130", { skip, timeout: 600_000 }, async () => {
  const run = startCli(node, ["detect", TONY, "--json", ...T]);
  await whileRunning(run, () => run.waitForStdout(/\n/));
  const r = await run.stop("SIGINT");
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted after (\d+) of 5 images/);
  assert.ok(r.lines.length < 5, "stopped before the end");
  for (const l of r.lines) JSON.parse(l); // every line complete
});

test("progress bar: count, rate and time left on a terminal", { skip: skip || (spawnSync("script", ["--version"]).status !== 0 ? "no `script` for a pseudo-terminal" : false), timeout: 600_000 }, async () => {
  const typescript = join(tmp, "tty.log");
  const out = join(tmp, "tty-stdout.txt");
  const cmd = [process.execPath, node.args[0], "detect", photos[0].path, photos[1].path, ...T].map((s) => `'${s}'`).join(" ");
  const r = spawnSync("script", ["-qfec", `${cmd} > '${out}'`, typescript], { encoding: "utf8", timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const tty = readFileSync(typescript, "utf8");
  assert.match(tty, /2\/2 █+ 100% +[\d.]+ (img\/s|s\/img) +ETA 0:00/, "final frame on the terminal");
  assert.match(tty, /\r\x1b\[K/, "redrawn in place");
  assert.equal(readFileSync(out, "utf8").trim().split("\n").length, 2, "results still go to stdout");
});

test("serve: HTTP API on Node until Ctrl-C, same corners as detect", { skip, timeout: 600_000 }, async () => {
  const a = photos[0];
  const run = startCli(node, ["serve", "--port", "0", ...T]);
  await whileRunning(run, async () => {
    const text = await run.waitForStdout(/listening on (http:\/\/\S+)/);
    const url = /listening on (http:\/\/\S+)/.exec(text)![1];
    // --threads 1 is each detector's WASM threads, not the number of detector workers.
    assert.match(text, /\(node; \d+ detector workers?, 1 WASM thread each;/);
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(120_000) });
    assert.equal(health.status, 200);
    const res = await fetch(`${url}/v1/detect`, { method: "POST", body: readFileSync(a.path), headers: { "content-type": "image/jpeg" }, signal: AbortSignal.timeout(120_000) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as DetectLine;
    const d = detected.get(a.path)!;
    assert.equal(body.found, d.found);
    if (d.found) assert.ok(maxCornerDistance(body.quad!, d.quad!) < 0.02);
  });
  const r = await run.stop("SIGINT");
  assert.equal(r.code, 0, `clean shutdown\n${r.stderr}`);
  assert.match(r.stderr, /shutting down/);
});

test("eval: the accuracy report over a labelled folder, text and JSON", { skip, timeout: 600_000 }, async () => {
  const json = join(tmp, "report.json");
  const r = await runCli(node, ["eval", TONY, "--limit", "2", "--json", json, ...T]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(json, "utf8")) as { overall: { docedge: { images: number; meanJI: number } }; images: { file: string }[] };
  assert.equal(report.overall.docedge.images, 2);
  assert.deepEqual(
    report.images.map((i) => i.file),
    photos.slice(0, 2).map((p) => p.file),
  );
  const text = r.stdout.toString();
  assert.match(text, /docedge JI/);
  assert.match(text, /baseline JI/, "the classical baseline is scored by default");
  assert.match(text, new RegExp(`mean JI: ${report.overall.docedge.meanJI.toFixed(4)} over 2 images`));

  const strict = await runCli(node, ["eval", TONY, "--limit", "1", "--fail-under", "1", "--json", "-", "--no-baseline", ...T]);
  const one = JSON.parse(strict.stdout.toString()) as { overall: { docedge: { meanJI: number } } };
  assert.equal(strict.code, one.overall.docedge.meanJI < 1 ? 1 : 0, "--fail-under sets the exit code");

  const none = await runCli(node, ["eval", tmp, ...T]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no labels\.json/);
});
