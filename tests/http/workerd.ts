/**
 * Runs a Worker for real under workerd, offline: wrangler bundles it exactly as `wrangler deploy`
 * would (`--dry-run --outdir`), then workerd serves the bundle from a generated config.
 *
 * Why not `wrangler dev --local`: wrangler 4 and miniflare need Node >= 22.12 (this project's CI
 * runs Node 20), and under Bun wrangler cannot forward requests (Bun's fetch ignores undici's
 * dispatcher). workerd itself is the same runtime `wrangler dev` starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runtimeBinary } from "../../scripts/runtime-binaries.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  return env;
}

/** Bundle the Worker in `dir` (which holds wrangler.toml) into a fresh temp folder. */
export async function bundleWorker(dir: string): Promise<{ outDir: string; main: string }> {
  const outDir = await mkdtemp(path.join(tmpdir(), "docedge-worker-"));
  await run(
    runtimeBinary("bun"),
    [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outDir],
    dir,
    offlineEnv(),
  );
  const files = await readdir(outDir);
  const main = files.find((f) => f.endsWith(".js"));
  if (!main) throw new Error(`wrangler produced no .js in ${outDir}: ${files.join(", ")}`);
  return { outDir, main };
}

function capnpString(s: string): string {
  return JSON.stringify(s);
}

/** A workerd config serving the bundle on 127.0.0.1:port (modules typed by extension). */
async function writeConfig(outDir: string, main: string, port: number): Promise<string> {
  const files = (await readdir(outDir)).filter((f) => f !== main && !f.endsWith(".map") && f !== "README.md");
  const modules = [`(name = ${capnpString(main)}, esModule = embed ${capnpString(main)})`];
  for (const f of files) {
    const kind = f.endsWith(".wasm") ? "wasm" : f.endsWith(".js") || f.endsWith(".mjs") ? "esModule" : "data";
    modules.push(`(name = ${capnpString(`./${f}`)}, ${kind} = embed ${capnpString(f)})`);
  }
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(",\n    ")} ],
  compatibilityDate = "2025-09-01",
);
`;
  const file = path.join(outDir, "config.capnp");
  await writeFile(file, config);
  return file;
}

export interface RunningWorkerd {
  url: string;
  /** What workerd printed so far (console output of the Worker included). */
  log(): string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Bundle `dir`'s Worker and serve it with workerd; resolves when it answers /healthz. */
export async function startWorkerd(dir: string, port: number): Promise<RunningWorkerd> {
  const { outDir, main } = await bundleWorker(dir);
  const config = await writeConfig(outDir, main, port);
  const child = spawn(runtimeBinary("workerd"), ["serve", config, "--verbose"], {
    cwd: outDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(outDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`workerd did not answer within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, stop, log: () => log };
}

