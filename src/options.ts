import type { DecodeLimits } from "./image/input.ts";
import type { SecondLookMode } from "./quad/second-look.ts";
import { isEmptyOptions } from "./runtime/empty-options.ts";
import type { WasmSources } from "./runtime/env.ts";
import type { ProgressCallback } from "./runtime/progress.ts";
import type { BinarySource } from "./runtime/wasm-source.ts";

/** Options fixed when a detector is created. */
export interface DetectorOptions {
  /**
   * The ONNX model: bytes, a URL, a path, or a model's name: `"int8"` (the default, in the
   * package) or `"fp32"` (the float32 reference: in a clone of the repository, not in the npm
   * package; there, pass the path of a downloaded `docedge-fp32.onnx`).
   */
  model?: BinarySource | "int8" | "fp32";
  /** ONNX Runtime WASM threads. Default: 1 on servers (Node, Bun, Deno, Workers); in browsers up to 4 when cross-origin isolated, else 1. Process-wide: the first detector decides. */
  numThreads?: number;
  /** Default minimum confidence for `found: true`, in [0, 1]. */
  threshold?: number;
  /** Input limits, checked from the headers before decoding. */
  limits?: DecodeLimits;
  /** WASM binaries to use instead of the installed packages' (compiled modules, bytes, URLs or paths). */
  wasm?: WasmSources;
  /** Hears each loading step (transformers.js' `progress_callback` shape): file, status, bytes. */
  progress_callback?: ProgressCallback;
}

/** Options for one detection. */
export interface DetectOptions {
  /** Minimum confidence for `found: true`, in [0, 1]; overrides the detector's. */
  threshold?: number;
  /** Cancels the detection (rejects with code `ABORTED`). */
  signal?: AbortSignal;
  /** Also return the network's edge probability map. */
  returnEdgeMap?: boolean;
  /**
   * The second look: the model run again on a crop around the found page, for sharper corners
   * and to veto what only looked like a page from afar. `"auto"` (the default) takes it only when
   * the first pass is unsure; `"always"` whenever there is a candidate; `"never"` keeps every
   * photo to one inference (live camera frames, where the next frame comes in milliseconds).
   */
  secondLook?: SecondLookMode;
}

export type { SecondLookMode };

/**
 * Validate options with their zod schema (options-schema.ts), imported on first need rather than
 * up front: zod's module graph was ~55-70 ms of a new process's CPU on Node 20, which a caller
 * who never passes options should not pay. Absent options and `{}` pass as they are.
 */
export async function parseDetectorOptions(value: unknown): Promise<DetectorOptions> {
  if (isEmptyOptions(value)) return {};
  const { detectorOptionsSchema, parseOptions } = await loadOptionSchemas();
  return parseOptions(detectorOptionsSchema, value, "detector options") as DetectorOptions;
}

/** `parseDetectorOptions` for one detection's options. */
export async function parseDetectOptions(value: unknown): Promise<DetectOptions> {
  if (isEmptyOptions(value)) return {};
  const { detectOptionsSchema, parseOptions } = await loadOptionSchemas();
  return parseOptions(detectOptionsSchema, value, "detect options");
}

let schemas: Promise<typeof import("./options-schema.ts")> | null = null;

/**
 * The schemas' module, imported once. The CLI, which passes options to every detection, starts
 * this while its detector loads (src/cli/engine.ts); the SDK itself imports it only when options
 * are given.
 */
export function loadOptionSchemas(): Promise<typeof import("./options-schema.ts")> {
  schemas ??= import("./options-schema.ts");
  schemas.catch(() => {
    schemas = null;
  });
  return schemas;
}
