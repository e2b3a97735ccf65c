// zod/mini: the same library, tree-shakable, so a browser bundle carries only what these use.
import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import type { DecodeLimits } from "./image/input.ts";
import type { SecondLookMode } from "./quad/second-look.ts";
import type { WasmSources } from "./runtime/env.ts";
import type { ProgressCallback } from "./runtime/progress.ts";
import { isWasmSource, type BinarySource, type WasmSource } from "./runtime/wasm-source.ts";

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

const wasmSource = z.custom<WasmSource>(isWasmSource, "expected a WebAssembly.Module, Uint8Array, ArrayBuffer, URL or string");
const binarySource = z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer), z.instanceof(URL), z.string().check(z.minLength(1))]);
const threshold = z.number().check(z.minimum(0), z.maximum(1));
const positiveInt = z.int().check(z.positive());

const limitsSchema = z.strictObject({
  maxBytes: z.optional(positiveInt),
  maxPixels: z.optional(positiveInt),
});

export type { SecondLookMode };

export const detectorOptionsSchema = z.strictObject({
  model: z.optional(binarySource),
  numThreads: z.optional(z.int().check(z.minimum(1), z.maximum(64))),
  threshold: z.optional(threshold),
  limits: z.optional(limitsSchema),
  wasm: z.optional(
    z.strictObject({
      ort: z.optional(wasmSource),
      jpeg: z.optional(wasmSource),
      jpegEncode: z.optional(wasmSource),
      png: z.optional(wasmSource),
      webp: z.optional(wasmSource),
      webpEncode: z.optional(wasmSource),
    }),
  ),
  progress_callback: z.optional(z.custom<ProgressCallback>((v) => typeof v === "function", "expected a function")),
});

export const detectOptionsSchema = z.strictObject({
  threshold: z.optional(threshold),
  signal: z.optional(z.custom<AbortSignal>((v) => typeof AbortSignal !== "undefined" && v instanceof AbortSignal, "expected an AbortSignal")),
  returnEdgeMap: z.optional(z.boolean()),
  secondLook: z.optional(z.enum(["auto", "always", "never"])),
});

export function parseOptions<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new InvalidInputError(`invalid ${what}: ${path}: ${issue?.message ?? "invalid"}`, { cause: result.error });
  }
  return result.data;
}
