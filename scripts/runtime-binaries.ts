// The Bun, Deno and workerd executables in node_modules, for tests and benchmarks that spawn them
// (here in scripts/ so that tests/ and bench/ share one copy without one importing the other). Only the runtimes
// themselves, never npm's launcher scripts: after `npm ci --ignore-scripts` (what README and .ci/run
// do) node_modules/.bin/deno is deno/bin.cjs, a Node process that runs the real binary as its
// child. A signal sent to the process a test started then ends the launcher, not Deno: Deno keeps
// serving, holding the test's stdout and stderr pipes, so the child's 'close' never comes, and
// SIGKILL to the (already gone) launcher changes nothing. That was the 600 s hang of
// `deno: serve ... Ctrl-C` on a fresh machine (session 24); the launcher's first run also
// hard-links node_modules/deno/deno, which is why reruns found the real binary and passed.
//
// Every test that starts Bun, Deno or workerd takes the executable from findRuntime/runtimeBinary below, so
// the process a test signals, or that spawnSync's timeout kills, is the runtime itself; the benchmarks
// do too, so that a runtime's cold start is not timed with a Node process in front of it.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

// File signatures of native executables: ELF, Mach-O (64-bit, 32-bit, universal), PE.
const MAGICS: readonly (readonly number[])[] = [
  [0x7f, 0x45, 0x4c, 0x46],
  [0xcf, 0xfa, 0xed, 0xfe],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xca, 0xfe, 0xba, 0xbe],
  [0x4d, 0x5a],
];

/** True when `path` (after links) is a native executable, false for scripts (`#!`) and missing files. */
export function isNativeExecutable(path: string): boolean {
  if (!existsSync(path)) return false;
  const head = new Uint8Array(4);
  const fd = openSync(realpathSync(path), "r");
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return MAGICS.some((magic) => magic.every((byte, i) => head[i] === byte));
}

/** The first candidate under `root` that is a native executable, or null. */
export function nativeBinary(root: string, candidates: readonly string[]): string | null {
  for (const c of candidates) {
    const p = join(root, c);
    if (isNativeExecutable(p)) return p;
  }
  return null;
}

const exe = process.platform === "win32" ? ".exe" : "";

/**
 * Where Deno's binary can be: linked into the `deno` package by its install step (or by the
 * launcher's first run), or in the platform package npm always installs (optional dependency).
 */
export function denoCandidates(): string[] {
  const libc = process.platform === "linux" ? "-glibc" : "";
  return [`node_modules/deno/deno${exe}`, `node_modules/@deno/${process.platform}-${process.arch}${libc}/deno${exe}`];
}

/** Where Bun's binary can be: bun/bin/bun.exe once bun's install step ran, else its platform packages. */
export function bunCandidates(): string[] {
  const platform = `node_modules/@oven/bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  return ["node_modules/bun/bin/bun.exe", `${platform}/bin/bun${exe}`, `${platform}-baseline/bin/bun${exe}`];
}

/** workerd's binary is only in its platform package: node_modules/.bin/workerd is a Node launcher too. */
export function workerdCandidates(): string[] {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return [`node_modules/@cloudflare/workerd-${platform}-${process.arch === "x64" ? "64" : process.arch}/bin/workerd${exe}`];
}

export type RuntimeBinary = "bun" | "deno" | "workerd";

const CANDIDATES: Record<RuntimeBinary, () => string[]> = { bun: bunCandidates, deno: denoCandidates, workerd: workerdCandidates };

/**
 * The runtime's own executable under `root` (a checkout or a fixture of an install), or null when
 * none is there or it does not run: `--version` fails on a binary for another libc or CPU level.
 */
export function findRuntime(name: RuntimeBinary, root: string = ROOT): string | null {
  const command = nativeBinary(root, CANDIDATES[name]());
  return command !== null && spawnSync(command, ["--version"], { timeout: 60_000 }).status === 0 ? command : null;
}

/** findRuntime for tests that fail, not skip, without the runtime; the error names where it looked. */
export function runtimeBinary(name: RuntimeBinary, root: string = ROOT): string {
  const command = findRuntime(name, root);
  if (command === null) throw new Error(`no runnable ${name} executable in ${root} (looked at ${CANDIDATES[name]().join(", ")})`);
  return command;
}
