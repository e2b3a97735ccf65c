/**
 * The docedge HTTP API as a Cloudflare Worker (`docedge/workers`): the Hono app with the WASM
 * modules and the model bundled, single-threaded.
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { WasmSources } from "../runtime/env.ts";
import { createDetector } from "../detector.ts";
import { createApp, type AppOptions } from "./app.ts";

type ModelBytes = Uint8Array | ArrayBuffer;

export interface WorkerOptions<Env> extends Omit<AppOptions, "detector" | "detectorOptions"> {
  /**
   * Compiled WASM modules for ONNX Runtime and the codecs. Workers forbid compiling WASM from
   * bytes, so these must come from static `.wasm` imports (wasm/workers.js has them all).
   */
  wasm: WasmSources;
  /**
   * The ONNX model: bytes bundled with the Worker (a `Data` module rule for `*.onnx`), or a function
   * that reads it from a binding (R2, KV, static assets) on the first request.
   */
  model: ModelBytes | ((env: Env) => ModelBytes | Promise<ModelBytes>);
  /** Default minimum confidence for `found`. */
  threshold?: number;
}

export interface WorkerHandler<Env> {
  fetch(request: Request, env: Env, ctx?: unknown): Promise<Response>;
}

/**
 * A Cloudflare Worker (module syntax) serving the docedge API. The app and its one detector are
 * made on the first request and live as long as the isolate; ONNX Runtime runs single-threaded
 * (Workers have no threads).
 *
 * @example
 * ```ts
 * import { createWorker } from "docedge/workers";
 * import { wasm } from "docedge/wasm/workers";
 * import model from "docedge/models/docedge-int8.onnx";
 * export default createWorker({ wasm, model, limits: { maxPixels: 16_000_000 } });
 * ```
 */
export function createWorker<Env = unknown>(options: WorkerOptions<Env>): WorkerHandler<Env> {
  let app: OpenAPIHono | null = null;
  const { wasm, model, threshold, ...appOptions } = options;
  return {
    async fetch(request, env) {
      app ??= createApp({
        ...appOptions,
        detector: async (limits) => {
          const bytes = typeof model === "function" ? await model(env) : model;
          return createDetector({
            model: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes),
            wasm,
            numThreads: 1,
            limits,
            ...(threshold !== undefined ? { threshold } : {}),
          });
        },
      });
      return app.fetch(request);
    },
  };
}
