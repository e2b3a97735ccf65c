// The same CLI sources under Bun and Deno (as `bunx docedge` / `deno run npm:docedge` users get
// it): same corners as under Node, stdin/stdout, a failing input, and `serve` on each runtime.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage } from "../../src/image/decode.ts";
import {
  findBun,
  findDeno,
  hasModel,
  maxCornerDistance,
  node,
  pinModel,
  quadArg,
  runCli,
  startCli,
  tonyPhotos,
  type DetectLine,
  type Runtime,
  whileRunning,
} from "./helpers.ts";
import { ensureBuilt } from "../support/build.ts";

const photos = tonyPhotos().slice(0, 2);
const skip = !hasModel() ? "no model in models/" : photos.length < 2 ? "../shared/datasets/tony_xlh_document_scanning_dataset is absent" : false;
let T: string[] = [];
const runtimes: [string, Runtime | null][] = [
  ["bun", findBun()],
  ["deno", findDeno()],
];

let reference: DetectLine[] = [];
/** A request to a warm server takes a second or two; minutes mean it was dropped. */
const REQUEST_MS = 120_000;
let tmp = "";
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

before(async () => {
  if (skip) return;
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), "docedge-cli-rt-"));
  T = ["--threads", "1", "--model", pinModel(tmp)];
  const r = await runCli(node, ["detect", ...photos.map((p) => p.path), "--json", ...T]);
  assert.equal(r.code, 0, r.stderr);
  reference = r.lines.map((l) => JSON.parse(l) as DetectLine);
});

for (const [name, rt] of runtimes) {
  const why = skip || (rt === null ? `${name} not found in node_modules` : false);

  test(`${name}: detect --json gives Node's corners; a missing file fails alone (exit 1)`, { skip: why, timeout: 600_000 }, async () => {
    const r = await runCli(rt!, ["detect", photos[0].path, "/no/such/photo.jpg", photos[1].path, "--json", ...T]);
    assert.equal(r.code, 1, r.stderr);
    const rows = r.lines.map((l) => JSON.parse(l) as DetectLine & { error?: { code: string } });
    assert.equal(rows.length, 3);
    assert.equal(rows[1].error?.code, "NOT_FOUND");
    assert.match(r.stderr, /docedge: \/no\/such\/photo\.jpg: no such file or folder/);
    for (const [row, ref] of [
      [rows[0], reference[0]],
      [rows[2], reference[1]],
    ] as const) {
      assert.equal(row.found, ref.found, `${row.file}: found`);
      assert.deepEqual([row.width, row.height], [ref.width, ref.height]);
      if (ref.found) assert.ok(maxCornerDistance(row.quad!, ref.quad!) < 0.05, `${row.file}: ${JSON.stringify(row.quad)} vs ${JSON.stringify(ref.quad)}`);
    }
  });

  test(`${name}: scan - -o - reads stdin and writes the page to stdout`, { skip: why, timeout: 600_000 }, async () => {
    const a = photos[0];
    const r = await runCli(rt!, ["scan", "-", "-o", "-", "--quad", quadArg(a.quad!), "--enhance", "gray", ...T], { input: new Uint8Array(readFileSync(a.path)) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...r.stdout.subarray(0, 3)], [0xff, 0xd8, 0xff], "a JPEG on stdout");
    const page = await decodeImage(new Uint8Array(r.stdout));
    assert.ok(page.width > 100 && page.height > 100);
  });

  test(`${name}: serve answers /v1/detect and stops cleanly on Ctrl-C`, { skip: why, timeout: 600_000 }, async () => {
    const run = startCli(rt!, ["serve", "--port", "0", ...T]);
    await whileRunning(run, async () => {
      const text = await run.waitForStdout(/listening on (http:\/\/\S+)/);
      assert.match(text, new RegExp(`\\(${name};`), "names the runtime it serves on");
      const url = /listening on (http:\/\/\S+)/.exec(text)![1];
      // Bounded, so a request the server drops fails here with its output, not at the test's timeout.
      const res = await fetch(`${url}/v1/detect`, { method: "POST", body: readFileSync(photos[0].path), headers: { "content-type": "image/jpeg" }, signal: AbortSignal.timeout(REQUEST_MS) });
      assert.equal(res.status, 200);
      const body = (await res.json()) as DetectLine;
      assert.equal(body.found, reference[0].found);
      if (body.found) assert.ok(maxCornerDistance(body.quad!, reference[0].quad!) < 0.05, `${JSON.stringify(body.quad)} vs ${JSON.stringify(reference[0].quad)}`);
    });
    // The Ctrl-C of the test's name: SIGINT to the runtime's own process (findDeno/findBun never
    // return a launcher that would take the signal instead), bounded by stop().
    const r = await run.stop("SIGINT");
    assert.equal(r.code, 0, `clean shutdown\n${r.stderr}`);
    // Deno 2.9 prints this once a handler has read request.signal, unless deno.json opts in to
    // --unstable-no-legacy-abort (docs/http.md, "Deno and Deno Deploy").
    assert.doesNotMatch(r.stderr, /request\.signal aborts on successful responses/, "Deno's legacy-abort warning");
  });
}
