import type { BinarySource, WasmSource } from "./wasm-source.ts";
import { detectRuntime, defaultNumThreads, type RuntimeName } from "./detect.ts";

/** WASM binaries a caller may supply instead of the ones found in the installed packages. */
export interface WasmSources {
  /** ONNX Runtime's `ort-wasm-simd-threaded.wasm`. */
  ort?: WasmSource;
  /** docedge's JPEG decoder (`wasm/jpeg/decoder.wasm`, libjpeg-turbo; decodes at reduced scale for detection). */
  jpeg?: WasmSource;
  /** @jsquash/jpeg encoder (`mozjpeg_enc.wasm`). */
  jpegEncode?: WasmSource;
  /** @jsquash/png (`squoosh_png_bg.wasm`, decoder and encoder in one). */
  png?: WasmSource;
  /** @jsquash/webp decoder (`webp_dec.wasm`). */
  webp?: WasmSource;
  /** @jsquash/webp encoder (`webp_enc_simd.wasm` where SIMD exists, else `webp_enc.wasm`). */
  webpEncode?: WasmSource;
}

/**
 * Process-wide defaults, in the spirit of transformers.js' `env`: set them once before the first
 * detector is created. Per-detector options override them.
 */
export interface DocedgeEnv {
  /** The runtime docedge detected. */
  readonly runtime: RuntimeName;
  /**
   * Base URL under which `models/` lives (browsers and Workers, where the package's files cannot
   * be found on disk). null: found automatically on Node, Bun and Deno.
   */
  assetBase: URL | string | null;
  /** Default model (bytes, URL or path); null: the shipped int8 model. */
  model: BinarySource | null;
  /** Default ONNX Runtime thread count; null: per-runtime default (see `defaultNumThreads`). */
  numThreads: number | null;
  /** Default WASM sources. */
  wasm: WasmSources;
}

/**
 * The process-wide defaults (see `DocedgeEnv`): set before the first detector is created.
 *
 * @example
 * ```ts
 * import { env, createDetector } from "docedge";
 * env.numThreads = 2; // every detector made from now on
 * if (env.runtime === "browser") env.assetBase = "/static/"; // where models/ is served from
 * const detector = await createDetector();
 * ```
 */
export const env: DocedgeEnv = {
  runtime: detectRuntime(),
  assetBase: null,
  model: null,
  numThreads: null,
  wasm: {},
};

export function effectiveNumThreads(requested?: number): number {
  return requested ?? env.numThreads ?? defaultNumThreads(env.runtime);
}
