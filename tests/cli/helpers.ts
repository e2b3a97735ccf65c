// Spawning the real `docedge` CLI under Node (built dist/), Bun and Deno (sources), and reading
// what it prints. Shared by the CLI tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DATASETS, MODEL_INT8, ROOT } from "../core/helpers.ts";
import type { Quad } from "../../src/types.ts";
import { bunCandidates, denoCandidates, nativeBinary } from "../support/binaries.ts";

export { DATASETS, ROOT, SAMPLE, hasModel } from "../core/helpers.ts";

export const DIST_BIN = join(ROOT, "dist/src/cli/bin.js");
export const SRC_BIN = join(ROOT, "src/cli/bin.ts");
export const TONY = join(DATASETS, "tony_xlh_document_scanning_dataset");

export interface Runtime {
  name: "node" | "bun" | "deno";
  command: string;
  args: string[];
}

function works(command: string, args: string[]): boolean {
  if (!existsSync(command)) return false;
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  return r.status === 0;
}

export const node: Runtime = { name: "node", command: process.execPath, args: [DIST_BIN] };

/**
 * Bun from node_modules (the native binary: see tests/support/binaries.ts). `.bin/bun` needs bun's
 * postinstall (skipped by `npm ci --ignore-scripts`); the platform package's binary is complete
 * either way.
 */
export function findBun(root = ROOT): Runtime | null {
  const command = nativeBinary(root, bunCandidates());
  return command !== null && works(command, ["--version"]) ? { name: "bun", command, args: [join(root, "src/cli/bin.ts")] } : null;
}

/**
 * Deno from node_modules: the native binary, never `.bin/deno` (npm's Node launcher, which runs
 * Deno as its child and does not pass signals on, so Ctrl-C tests would stop the launcher and
 * leave Deno running with the test's pipes; see tests/support/binaries.ts).
 */
export function findDeno(root = ROOT): Runtime | null {
  const command = nativeBinary(root, denoCandidates());
  return command !== null && works(command, ["--version"])
    ? { name: "deno", command, args: ["run", "-A", `--config=${join(root, "deno.json")}`, join(root, "src/cli/bin.ts")] }
    : null;
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
  done: Promise<CliResult>;
  /** Resolves with stdout so far once it contains `pattern`. */
  waitForStdout(pattern: RegExp): Promise<string>;
}

export function startCli(rt: Runtime, args: string[], options: { cwd?: string; input?: Uint8Array; timeoutMs?: number } = {}): Started {
  const child = spawn(rt.command, [...rt.args, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  let err = "";
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
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, stderr: err, lines: stdout.toString("utf8").split("\n").filter((l) => l.trim() !== "") });
    });
  });
  return {
    child,
    done,
    waitForStdout(pattern) {
      const text = Buffer.concat(out).toString("utf8");
      if (pattern.test(text)) return Promise.resolve(text);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        done.then((r) => reject(new Error(`exited (${r.code}) before printing ${pattern}:\n${r.stdout}\n${r.stderr}`)), reject);
      });
    },
  };
}

export function runCli(rt: Runtime, args: string[], options: { cwd?: string; input?: Uint8Array; timeoutMs?: number } = {}): Promise<CliResult> {
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
