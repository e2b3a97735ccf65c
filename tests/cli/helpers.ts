// Spawning the real `docedge` CLI under Node (built dist/), Bun and Deno (sources), and reading
// what it prints. Shared by the CLI tests.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATASETS, MODEL_INT8, ROOT } from "../core/helpers.ts";
import type { Quad } from "../../src/types.ts";
import { findRuntime } from "../../scripts/runtime-binaries.ts";

export { DATASETS, ROOT, SAMPLE, hasModel } from "../core/helpers.ts";

export const DIST_BIN = join(ROOT, "dist/src/cli/bin.js");
export const SRC_BIN = join(ROOT, "src/cli/bin.ts");
export const TONY = join(DATASETS, "tony_xlh_document_scanning_dataset");

export interface Runtime {
  name: "node" | "bun" | "deno";
  command: string;
  args: string[];
}

export const node: Runtime = { name: "node", command: process.execPath, args: [DIST_BIN] };

/** Bun from node_modules: its native binary (scripts/runtime-binaries.ts), running the CLI's sources. */
export function findBun(root = ROOT): Runtime | null {
  const command = findRuntime("bun", root);
  return command === null ? null : { name: "bun", command, args: [join(root, "src/cli/bin.ts")] };
}

/**
 * Deno from node_modules: its native binary, never `.bin/deno` (npm's Node launcher, which runs
 * Deno as its child and does not pass signals on, so Ctrl-C tests would stop the launcher and
 * leave Deno running with the test's pipes; see scripts/runtime-binaries.ts).
 */
export function findDeno(root = ROOT): Runtime | null {
  const command = findRuntime("deno", root);
  return command === null ? null : { name: "deno", command, args: ["run", "-A", `--config=${join(root, "deno.json")}`, join(root, "src/cli/bin.ts")] };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as text, split into non-empty lines. */
  lines: string[];
}

export interface Started {
  child: ChildProcess;
  /**
   * Settles once the process has exited and its stdout and stderr have closed. Rejects (with the
   * output) when they stay open after the exit: a process it started holds them.
   */
  done: Promise<CliResult>;
  /** Resolves with stdout so far once it contains `pattern`; rejects (with the output) on exit or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /**
   * Sends `signal` and waits up to `timeoutMs` for the process to end; past that, SIGKILL and a
   * rejection with the output, instead of waiting out the test's timeout.
   */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<CliResult>;
}

export interface StartOptions {
  cwd?: string;
  input?: Uint8Array;
  /** SIGKILL after this long (ms). Default 300 000. */
  timeoutMs?: number;
  /** How long stdout/stderr may stay open after the exit before `done` rejects (ms). Default 10 000. */
  closeGraceMs?: number;
}

/** Default wait for a line on stdout: a cold start (model load, a cold Deno cache) on a loaded 2-core machine takes seconds, not minutes. */
const STDOUT_WAIT_MS = 120_000;
const STOP_WAIT_MS = 60_000;

/**
 * Where a Node CLI that outlived its timeout writes its diagnostic report: a rare hang (`detect -`
 * printed nothing for 300 s in one clean-clone run of six, never reproduced by hand) should fail
 * with the process's JavaScript stack and open handles, not only "sent SIGKILL".
 */
const REPORTS = mkdtempSync(join(tmpdir(), "docedge-cli-report-"));

/** The JavaScript stack and active handles of the newest report for `pid`, or where its threads were when none came. */
function nodeReport(pid: number | undefined): string {
  const file = readdirSync(REPORTS).filter((f) => f.includes(`.${pid}.`)).sort().at(-1);
  if (!file) return `[no diagnostic report was written: the main thread was blocked outside JavaScript]\n${nativeState(pid)}`;
  const report = JSON.parse(readFileSync(join(REPORTS, file), "utf8")) as {
    javascriptStack?: { message?: string; stack?: string[] };
    libuv?: { type?: string; is_active?: boolean }[];
  };
  const stack = [report.javascriptStack?.message ?? "", ...(report.javascriptStack?.stack ?? [])].join("\n  ");
  const handles = (report.libuv ?? []).filter((h) => h.is_active).map((h) => h.type).join(", ");
  return `[diagnostic report ${file}]\nJavaScript stack:\n  ${stack}\nactive handles: ${handles}`;
}

/**
 * Where a process's threads are, for a Node process that wrote no report (its report is written by
 * a JavaScript signal handler, so the main thread was blocked in native code): each thread's state
 * and kernel wait channel (Linux), and their native stacks where gdb is installed. A deadlock
 * between the main thread and V8's worker threads shows as futex waits on both sides.
 */
function nativeState(pid: number | undefined): string {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return "[no /proc: thread states unknown]";
  const read = (path: string): string => {
    try {
      return readFileSync(path, "utf8").trim();
    } catch {
      return "?";
    }
  };
  const threads = readdirSync(`/proc/${pid}/task`).map((tid) => {
    const dir = `/proc/${pid}/task/${tid}`;
    // stat's third field is the state (R running, S sleeping, D disk); the name before it may hold spaces.
    const state = read(`${dir}/stat`).replace(/^.*\) /, "").split(" ")[0];
    return `  ${tid} ${read(`${dir}/comm`)} ${state} wchan=${read(`${dir}/wchan`)}`;
  });
  let stacks = "[native stacks: gdb not run]";
  try {
    const out = execFileSync("gdb", ["-p", String(pid), "-batch", "-ex", "thread apply all bt 30"], { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
    // gdb lists the main thread last; keep the end.
    stacks = `native stacks (gdb):\n${out.split("\n").filter((l) => /^(Thread |#)/.test(l)).map((l) => l.slice(0, 200)).join("\n").slice(-12_000)}`;
  } catch (error) {
    stacks = `[native stacks: ${(error as { code?: string }).code === "ENOENT" ? "no gdb on PATH" : String(error).split("\n")[0]}]`;
  }
  return `threads (tid name state wait channel):\n${threads.join("\n")}\n${stacks}`;
}

export function startCli(rt: Runtime, args: string[], options: StartOptions = {}): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  if (rt.name === "node") {
    env.NODE_OPTIONS = [process.env.NODE_OPTIONS ?? "", "--report-on-signal", "--report-signal=SIGUSR2", `--report-directory=${REPORTS}`].join(" ").trim();
  }
  const child = spawn(rt.command, [...rt.args, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const what = `${rt.name} (${rt.command}, pid ${child.pid}) ${args.join(" ")}`;
  const out: Buffer[] = [];
  let err = "";
  const output = (): string => `--- stdout of ${what}:\n${Buffer.concat(out).toString("utf8")}\n--- stderr:\n${err}`;
  const waiters: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout!.on("data", (b: Buffer) => {
    out.push(b);
    const text = Buffer.concat(out).toString("utf8");
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(text)) w.resolve(text);
      else waiters.push(w);
    }
  });
  child.stderr!.on("data", (b: Buffer) => (err += b.toString("utf8")));
  child.stdin!.on("error", () => {}); // the CLI may exit before reading stdin (usage errors)
  if (options.input) child.stdin!.end(options.input);
  else child.stdin!.end();
  const killAfterMs = options.timeoutMs ?? 300_000;
  // Node is asked for its diagnostic report first (NODE_OPTIONS above) and given 3 s to write it.
  const reports = rt.name === "node";
  let timer = setTimeout(() => {
    if (reports) child.kill("SIGUSR2");
    timer = setTimeout(() => {
      // stdout too: the test's assertion shows only stderr, and whether the answer was printed says
      // whether the process stalled before its result or on its way out.
      const stdout = Buffer.concat(out);
      err += `\n[startCli: still running after ${killAfterMs} ms; sent SIGKILL]\n[stdout so far, ${stdout.length} bytes: ${stdout.toString("utf8").slice(0, 2_000)}]\n${reports ? `${nodeReport(child.pid)}\n` : ""}`;
      child.kill("SIGKILL");
    }, reports ? 3_000 : 0);
  }, killAfterMs);
  const graceMs = options.closeGraceMs ?? 10_000;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    // 'close' needs the exit and the end of stdout and stderr. A descendant that inherited them (a
    // launcher's real binary, a forked helper) keeps them open after the exit, and a test awaiting
    // 'close' would hang until its own timeout with nothing to say why.
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      closeTimer = setTimeout(() => {
        reject(
          new Error(
            `${what} exited (${signal ?? code}) but its stdout/stderr were still open ${graceMs} ms later: ` +
              `a process it started holds them (a launcher script that runs the real binary as its child?)\n${output()}`,
          ),
        );
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, graceMs);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(closeTimer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, stderr: err, lines: stdout.toString("utf8").split("\n").filter((l) => l.trim() !== "") });
    });
  });
  done.catch(() => {}); // rejections reach whoever awaits `done`; none is left unhandled meanwhile
  return {
    child,
    done,
    output,
    waitForStdout(pattern, timeoutMs = STDOUT_WAIT_MS) {
      const text = Buffer.concat(out).toString("utf8");
      if (pattern.test(text)) return Promise.resolve(text);
      return new Promise((resolve, reject) => {
        const late = setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms\n${output()}`));
        }, timeoutMs);
        const waiter = {
          pattern,
          resolve: (s: string) => {
            clearTimeout(late);
            resolve(s);
          },
        };
        waiters.push(waiter);
        done.then(
          (r) => {
            clearTimeout(late);
            reject(new Error(`exited (${r.signal ?? r.code}) before printing ${pattern}\n${output()}`));
          },
          (error: unknown) => {
            clearTimeout(late);
            reject(error);
          },
        );
      });
    },
    async stop(signal, timeoutMs = STOP_WAIT_MS) {
      child.kill(signal);
      let late: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<"late">((resolve) => (late = setTimeout(() => resolve("late"), timeoutMs)));
      try {
        const r = await Promise.race([done, gaveUp]);
        if (r !== "late") return r;
      } finally {
        clearTimeout(late);
      }
      child.kill("SIGKILL");
      throw new Error(`${what} did not end within ${timeoutMs} ms of ${signal}; sent SIGKILL\n${output()}`);
    },
  };
}

/**
 * Runs `body` (requests to a started server, say) and passes its result on; when it fails, the
 * process is killed and its stdout and stderr join the error, so the failure says what the CLI
 * saw instead of leaving the process to the test's timeout.
 */
export async function whileRunning<T>(run: Started, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    run.child.kill("SIGKILL");
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("--- stdout of ")) throw error;
    throw new Error(`${message}\n${run.output()}`, { cause: error });
  }
}

export function runCli(rt: Runtime, args: string[], options: StartOptions = {}): Promise<CliResult> {
  return startCli(rt, args, options).done;
}

export interface Label {
  file: string;
  width: number;
  height: number;
  quad: Quad | null;
}

/** Labelled photos of the CC0 folder (the one allowed as fixtures), or [] when ../shared is absent. */
export function tonyPhotos(): (Label & { path: string })[] {
  const file = join(TONY, "labels.json");
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, "utf8")) as Label[]).map((l) => ({ ...l, path: join(TONY, l.file) }));
}

export const quadArg = (q: Quad): string => q.map(([x, y]) => `${x},${y}`).join(" ");

export interface DetectLine {
  file: string;
  found: boolean;
  quad: Quad | null;
  confidence: number;
  width: number;
  height: number;
}

export function maxCornerDistance(a: Quad, b: Quad): number {
  return Math.max(...a.map((p, i) => Math.hypot(p[0] - b[i][0], p[1] - b[i][1])));
}

/**
 * A private copy of the shipped model. The lead replaces models/*.onnx in place while training, so
 * tests that compare the corners of several processes pin one copy for all of them.
 */
export function pinModel(dir: string): string {
  const copy = join(dir, "model.onnx");
  copyFileSync(MODEL_INT8, copy);
  return copy;
}
