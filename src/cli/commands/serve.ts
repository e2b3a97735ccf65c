import { parseArgs } from "node:util";
import { InvalidInputError } from "../../errors.ts";
import { createDetector } from "../../detector.ts";
import { DEFAULT_HTTP_LIMITS, type HttpDetector } from "../../http/app.ts";
import { createWorkerPool, DEFAULT_TIMEOUT_MS, defaultPoolThreads } from "../../http/pool.ts";
import { serveBun } from "../../http/bun.ts";
import { serveDeno } from "../../http/deno.ts";
import { serveNode, type RunningServer, type ServeOptions } from "../../http/node.ts";
import { detectRuntime } from "../../runtime/detect.ts";
import { effectiveNumThreads } from "../../runtime/env.ts";
import { COMMON_OPTIONS, parseNumber, withUsageErrors } from "../args.ts";
import { printError, printLine, type Command, type RunContext } from "../command.ts";
import { detectorEngineOptions, engineOptions } from "../engine.ts";
import { EXIT } from "../exit.ts";
import { SERVE_HELP } from "../help.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  port: { type: "string", short: "p" },
  host: { type: "string" },
  workers: { type: "string" },
  "timeout-ms": { type: "string" },
} as const;

export const DEFAULT_PORT = 8787;

interface ServeArgs {
  port: number;
  host: string;
  /** Detector worker threads; 0 = on the server's own thread. */
  workers: number;
  timeoutMs: number;
  engine: ReturnType<typeof engineOptions>;
}

export const serveCommand: Command = {
  help: SERVE_HELP,
  parse(argv) {
    const { values, positionals } = withUsageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) return { help: true };
    if (positionals.length > 0) throw new InvalidInputError(`serve takes no arguments, got "${positionals.join(" ")}"`);
    const args: ServeArgs = {
      port: parseNumber("port", values.port, { min: 0, max: 65535, integer: true }) ?? DEFAULT_PORT,
      host: values.host ?? "127.0.0.1",
      workers: parseNumber("workers", values.workers, { min: 0, max: 64, integer: true }) ?? defaultPoolThreads(),
      timeoutMs: parseNumber("timeout-ms", values["timeout-ms"], { min: 1, max: 3_600_000, integer: true }) ?? DEFAULT_TIMEOUT_MS,
      engine: engineOptions(values),
    };
    return { help: false, run: (ctx) => runServe(args, ctx) };
  },
};

async function runServe(args: ServeArgs, ctx: RunContext): Promise<number> {
  // Load the model before listening: a broken model then fails the command at once (exit 1)
  // instead of every request, and the first request is as fast as the rest.
  const detectorOptions = { ...detectorEngineOptions(args.engine), limits: DEFAULT_HTTP_LIMITS };
  const detector: HttpDetector & { dispose?(): Promise<void>; close?(): Promise<void> } =
    args.workers === 0
      ? await createDetector(detectorOptions)
      : await createWorkerPool({ threads: args.workers, timeoutMs: args.timeoutMs, detectorOptions });
  const release = async (): Promise<void> => {
    await (detector.close ?? detector.dispose)?.call(detector);
  };
  const options: ServeOptions = {
    port: args.port,
    hostname: args.host,
    detector: () => detector,
    concurrency: Math.max(1, args.workers),
    onError: (error) => printError(`docedge serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
  const runtime = detectRuntime();
  let server: RunningServer;
  try {
    server = runtime === "bun" ? serveBun(options) : runtime === "deno" ? await serveDeno(options) : await serveNode(options);
  } catch (err) {
    await release();
    throw err;
  }
  const shownHost = server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
  printLine(`docedge: listening on http://${shownHost}:${server.port} (${runtime}; ${detectionLayout(args.workers, effectiveNumThreads(args.engine.numThreads))}; POST /v1/detect, POST /v1/scan, GET /healthz; Ctrl-C to stop)`);

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  printError("docedge serve: shutting down");
  await server.close();
  await release();
  // For a server, Ctrl-C is the normal way to stop: a clean shutdown is a success.
  return EXIT.OK;
}

/**
 * `--workers` counts detectors and `--threads` the WASM threads inside each; the listening line
 * names both, so "--threads 1" is not read back as "2 worker threads".
 */
export function detectionLayout(workers: number, wasmThreads: number): string {
  const each = `${wasmThreads} WASM thread${wasmThreads === 1 ? "" : "s"}`;
  return workers === 0 ? `detection on the server's thread, ${each}` : `${workers} detector worker${workers === 1 ? "" : "s"}, ${each} each`;
}
