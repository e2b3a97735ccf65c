// The CLI tests' process harness itself: it must start the runtime (not a launcher around it), and a
// process that does not end, or that leaves its pipes to a child, must fail in seconds with its
// output rather than hold a test until its 10-minute timeout (session 24's Deno serve hang).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNativeExecutable, nativeBinary, denoCandidates } from "../../scripts/runtime-binaries.ts";
import { findDeno, node, ROOT, startCli } from "./helpers.ts";

const platformDeno = denoCandidates()[1]!;
const realDeno = nativeBinary(ROOT, [platformDeno]);

/** What `npm ci --ignore-scripts` leaves: .bin/deno -> deno/bin.cjs, no deno/deno, the platform package. */
function freshDenoInstall(root: string): void {
  const pkg = join(root, "node_modules/deno");
  const platformDir = join(root, platformDeno, "..");
  mkdirSync(pkg, { recursive: true });
  mkdirSync(platformDir, { recursive: true });
  mkdirSync(join(root, "node_modules/.bin"));
  for (const f of ["bin.cjs", "install_api.cjs", "package.json"]) copyFileSync(join(ROOT, "node_modules/deno", f), join(pkg, f));
  copyFileSync(join(ROOT, platformDeno, "../package.json"), join(platformDir, "package.json"));
  symlinkSync(realpathSync(realDeno!), join(root, platformDeno));
  symlinkSync("../deno/bin.cjs", join(root, "node_modules/.bin/deno"));
}

test("findDeno on a fresh `npm ci --ignore-scripts` install starts Deno itself, not npm's launcher", { skip: realDeno === null ? `no ${platformDeno}` : false, timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "docedge-fresh-install-"));
  try {
    freshDenoInstall(root);
    const found = findDeno(root);
    assert.ok(found, "found a Deno");
    assert.ok(isNativeExecutable(found.command), `${found.command} is a native executable`);
    // The property the Ctrl-C tests rely on: the process the test starts (and signals) is Deno.
    // Through the launcher it is not, which is what the old fallback to .bin/deno returned here.
    const pidOf = (command: string) => {
      const r = spawnSync(command, ["eval", "console.log(Deno.pid)"], { encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return { started: r.pid, deno: Number(r.stdout.trim()) };
    };
    const direct = pidOf(found.command);
    assert.equal(direct.deno, direct.started, "findDeno's command runs as Deno's own process");
    const launched = pidOf(join(root, "node_modules/.bin/deno"));
    assert.notEqual(launched.deno, launched.started, "npm's launcher runs Deno as a child (the fixture is faithful)");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a process that exits while its child holds stdout fails `done` within the grace, with its output", { timeout: 30_000 }, async () => {
  // Like npm's launcher after a signal: the process we started is gone, a child of it keeps our pipes.
  const script = "const c = require('child_process').spawn('sleep', ['60'], { stdio: 'inherit' }); c.unref(); console.log(c.pid); console.error('launcher says bye')";
  const run = startCli({ ...node, args: ["-e", script] }, [], { closeGraceMs: 500 });
  const t0 = Date.now();
  try {
    await assert.rejects(run.done, (error: Error) => {
      assert.match(error.message, /exited \(0\) but its stdout\/stderr were still open 500 ms later: a process it started holds them/);
      assert.match(error.message, /launcher says bye/, "stderr in the message");
      return true;
    });
    assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
  } finally {
    const orphan = Number(/--- stdout of [^\n]*\n(\d+)/.exec(run.output())?.[1]);
    if (orphan > 0) process.kill(orphan, "SIGKILL");
  }
});

test("stop() kills a process that ignores the signal and fails with its output, within its bound", { timeout: 30_000 }, async () => {
  const script = "process.on('SIGINT', () => console.error('ignoring SIGINT')); console.log('up'); setInterval(() => {}, 1000)";
  const run = startCli({ ...node, args: ["-e", script] }, []);
  await run.waitForStdout(/up/);
  await assert.rejects(run.stop("SIGINT", 1000), /did not end within 1000 ms of SIGINT; sent SIGKILL[\s\S]*ignoring SIGINT/);
  assert.equal((await run.done).signal, "SIGKILL");
});

test("waitForStdout gives up after its bound, with the output so far", { timeout: 30_000 }, async () => {
  const run = startCli({ ...node, args: ["-e", "console.log('starting'); setInterval(() => {}, 1000)"] }, []);
  await run.waitForStdout(/starting/);
  await assert.rejects(run.waitForStdout(/listening on/, 500), /no \/listening on\/ on stdout within 500 ms[\s\S]*starting/);
  run.child.kill("SIGKILL");
  await run.done;
});

test("tests and benchmarks start Bun, Deno and workerd through scripts/runtime-binaries.ts, never npm's launchers in node_modules/.bin", () => {
  // Only the launcher fixture above names one on purpose (bench:cold's opt-in deno-npm variant runs
  // deno/bin.cjs with Node, by name, so it cannot pass for Deno).
  const launcher = /node_modules\/\.bin\/(bun|deno|workerd)\b|\bBIN(\(|,)\s*["'](bun|deno|workerd)["']|\.bin["'`],\s*["'](bun|deno|workerd)["']|\bbin\(\s*["'](bun|deno|workerd)["']\)/;
  const offenders = ["tests", "bench"]
    .flatMap((dir) => readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" }).map((f) => `${dir}/${f}`))
    .filter((f) => /\.(ts|mjs)$/.test(f) && f !== "tests/cli/harness.test.ts")
    .flatMap((f) => readFileSync(join(ROOT, f), "utf8").split("\n").map((line, i) => `${f}:${i + 1}: ${line.trim()}`))
    .filter((line) => launcher.test(line));
  assert.deepEqual(offenders, []);
});

test("a Node CLI that outlives its timeout is killed with its JavaScript stack in the failure", { timeout: 60_000 }, async () => {
  // `serve` runs until stopped: past the timeout the harness asks Node for a diagnostic report
  // (SIGUSR2), then kills it, and the report's stack and handles go into stderr.
  const run = startCli(node, ["serve", "--port", "0", "--workers", "0"], { timeoutMs: 4_000 });
  const r = await run.done;
  assert.equal(r.signal, "SIGKILL");
  assert.match(r.stderr, /still running after 4000 ms; sent SIGKILL/);
  assert.match(r.stderr, /\[diagnostic report [^\]]+\]\nJavaScript stack:/, r.stderr);
  assert.match(r.stderr, /active handles: .*tcp/, r.stderr);
  // The failure shows stdout as well (a test's assertion message carries only stderr).
  assert.match(r.stderr, /\[stdout so far, [1-9]\d* bytes: [^\]]*listening on/, r.stderr);
});

test("a Node CLI blocked outside JavaScript past its timeout is killed with its threads' states in the failure", { skip: process.platform !== "linux" ? "reads /proc" : false, timeout: 120_000 }, async () => {
  // No report can come (Node writes it from a JavaScript signal handler), as in a deadlock between
  // the main thread and V8's workers: the failure says so, and where each thread waits.
  const script = "console.log('result line'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)";
  const run = startCli({ ...node, args: ["-e", script] }, [], { timeoutMs: 3_000 });
  const r = await run.done;
  assert.equal(r.signal, "SIGKILL");
  assert.match(r.stderr, /\[stdout so far, 12 bytes: result line\n\]/, r.stderr);
  assert.match(r.stderr, /no diagnostic report was written: the main thread was blocked outside JavaScript/, r.stderr);
  assert.match(r.stderr, new RegExp(`threads \\(tid name state wait channel\\):\\n  ${run.child.pid} node S wchan=futex`), r.stderr);
  // Native stacks where gdb can attach (the main thread in Atomics.wait's futex), else the reason none came.
  assert.match(r.stderr, /native stacks \(gdb\):|\[native stacks: .+\]/, r.stderr);
  if (spawnSync("gdb", ["--version"]).error === undefined && process.getuid?.() === 0) assert.match(r.stderr, /FutexEmulation::Wait/, r.stderr);
});
