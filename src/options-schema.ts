// zod/mini: the same library, tree-shakable, so a browser bundle carries only what these use.
// Imported lazily by options.ts: only calls that pass options pay for loading zod.
import * as z from "zod/mini";
import { SECOND_LOOK_MODES } from "./quad/second-look.ts";
import { InvalidInputError } from "./errors.ts";
import type { ProgressCallback } from "./runtime/progress.ts";
import { isWasmSource, type WasmSource } from "./runtime/wasm-source.ts";

const wasmSource = z.custom<WasmSource>(isWasmSource, "expected a WebAssembly.Module, Uint8Array, ArrayBuffer, URL or string");
const binarySource = z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer), z.instanceof(URL), z.string().check(z.minLength(1))]);
const threshold = z.number().check(z.minimum(0), z.maximum(1));
const positiveInt = z.int().check(z.positive());

const limitsSchema = z.strictObject({
  maxBytes: z.optional(positiveInt),
  maxPixels: z.optional(positiveInt),
});

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
  secondLook: z.optional(z.enum(SECOND_LOOK_MODES)),
});

export function parseOptions<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new InvalidInputError(`invalid ${what}: ${path}: ${issue ? describeIssue(issue) : "invalid"}`, { cause: result.error });
  }
  return result.data;
}

/**
 * zod/mini loads no locale, so its messages are a bare "Invalid input": say what was expected
 * from the issue's fields instead (custom checks keep the message they were given).
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `expected ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}`;
    case "too_big":
      return `expected ${issue.inclusive === false ? "<" : "<="} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}
