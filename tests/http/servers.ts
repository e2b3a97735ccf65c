/**
 * Starts each example server (examples/node, bun, deno, cloudflare-worker) as its own process on
 * loopback, the way a user runs it, and hands back its URL and PID (for memory readings).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { ensureBuilt } from "../support/build.ts";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";
import { waitForIdleQueue } from "./client.ts";
import { startWorkerd } from "./workerd.ts";

export type RuntimeName = "node" | "bun" | "deno" | "workerd";
export const RUNTIMES: RuntimeName[] = ["node", "bun", "deno", "workerd"];

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Target {
  runtime: RuntimeName;
  url: string;
  /** PID of the process that serves (the runtime itself, not a wrapper script). */
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** MAX_QUEUE for the Node, Bun and Deno examples (the Worker example fixes its own: 16). */
  maxQueue?: number;
  maxBytes?: number;
  /** Extra environment for the example server (e.g. TIMEOUT_MS, THREADS). */
  env?: Record<string, string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startProcess(
  runtime: RuntimeName,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Target> {
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${runtime} server did not start within 60 s:\n${log}`));
    }, 60_000);
    const onData = (): void => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(log);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({ runtime, url: match[1]!, pid: child.pid!, log: () => log, stop });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} server exited ${code}:\n${log}`));
    });
  });
}

export async function startTarget(runtime: RuntimeName, options: StartOptions = {}): Promise<Target> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    MAX_QUEUE: String(options.maxQueue ?? 16),
    NO_COLOR: "1",
  };
  if (options.maxBytes) env.MAX_BYTES = String(options.maxBytes);
  Object.assign(env, options.env);
  switch (runtime) {
    case "node":
      ensureBuilt();
      return startProcess("node", process.execPath, ["examples/node/server.mjs"], env);
    case "bun":
      return startProcess("bun", runtimeBinary("bun"), ["examples/bun/server.ts"], env);
    case "deno":
      return startProcess(
        "deno",
        runtimeBinary("deno"),
        ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-sys=uid,gid", "examples/deno/main.ts"],
        env,
      );
    case "workerd": {
      const w = await startWorkerd(path.join(ROOT, "examples/cloudflare-worker"), await freePort());
      return { runtime, url: w.url, pid: w.child.pid!, log: w.log, stop: w.stop };
    }
  }
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** RSS once the server is idle: the lowest of a few readings, after the queue drained. */
export async function settledRss(target: Target, idleTimeoutMs?: number): Promise<number> {
  await waitForIdleQueue(target.url, idleTimeoutMs);
  let lowest = Infinity;
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 200));
    lowest = Math.min(lowest, rssBytes(target.pid));
  }
  return lowest;
}
