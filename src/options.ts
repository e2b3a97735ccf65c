import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import type { DecodeLimits } from "./image/input.ts";
import type { WasmSources } from "./runtime/env.ts";
import { isWasmSource, type BinarySource, type WasmSource } from "./runtime/wasm-source.ts";

/** Options fixed when a detector is created. */
export interface DetectorOptions {
  /**
   * The ONNX model: bytes, a URL, a path, or a model's name: `"int8"` (the default, in the
   * package) or `"fp32"` (the float32 reference: in a clone of the repository, not in the npm
   * package; there, pass the path of a downloaded `docedge-fp32.onnx`).
   */
  model?: BinarySource | "int8" | "fp32";
  /** ONNX Runtime WASM threads. Default: 2 in Node and Bun (1 on a 1-core machine), 1 in Deno and Workers. Process-wide: the first detector decides. */
  numThreads?: number;
  /** Default minimum confidence for `found: true`, in [0, 1]. */
  threshold?: number;
  /** Input limits, checked from the headers before decoding. */
  limits?: DecodeLimits;
  /** WASM binaries to use instead of the installed packages' (compiled modules, bytes, URLs or paths). */
  wasm?: WasmSources;
}

/** Options for one detection. */
export interface DetectOptions {
  /** Minimum confidence for `found: true`, in [0, 1]; overrides the detector's. */
  threshold?: number;
  /** Cancels the detection (rejects with code `ABORTED`). */
  signal?: AbortSignal;
  /** Also return the network's edge probability map. */
  returnEdgeMap?: boolean;
}

const wasmSource = z.custom<WasmSource>(isWasmSource, "expected a WebAssembly.Module, Uint8Array, ArrayBuffer, URL or string");
const binarySource = z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer), z.instanceof(URL), z.string().min(1)]);
const threshold = z.number().min(0).max(1);

const limitsSchema = z
  .object({
    maxBytes: z.number().int().positive().optional(),
    maxPixels: z.number().int().positive().optional(),
  })
  .strict();

export const detectorOptionsSchema = z
  .object({
    model: binarySource.optional(),
    numThreads: z.number().int().min(1).max(64).optional(),
    threshold: threshold.optional(),
    limits: limitsSchema.optional(),
    wasm: z
      .object({
        ort: wasmSource.optional(),
        jpeg: wasmSource.optional(),
        jpegEncode: wasmSource.optional(),
        png: wasmSource.optional(),
        webp: wasmSource.optional(),
        webpEncode: wasmSource.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const detectOptionsSchema = z
  .object({
    threshold: threshold.optional(),
    signal: z.custom<AbortSignal>((v) => typeof AbortSignal !== "undefined" && v instanceof AbortSignal, "expected an AbortSignal").optional(),
    returnEdgeMap: z.boolean().optional(),
  })
  .strict();

export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new InvalidInputError(`invalid ${what}: ${path}: ${issue?.message ?? "invalid"}`, { cause: result.error });
  }
  return result.data;
}
