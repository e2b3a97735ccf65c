import type { DecodeLimits } from "./image/input.ts";
import { InvalidInputError } from "./errors.ts";
import { SECOND_LOOK_MODES, type SecondLookMode } from "./quad/second-look.ts";
import type { WasmSources } from "./runtime/env.ts";
import type { ProgressCallback } from "./runtime/progress.ts";
import { isWasmSource, type BinarySource } from "./runtime/wasm-source.ts";

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

/*
 * The options are checked by hand, not with zod: a handful of fields, and loading zod's module
 * graph (~100 files with its locales) cost a new process ~55 ms of CPU per thread that creates
 * a detector or detects with options, which the CLI and every HTTP pool thread do (CLI `detect`:
 * CPU 0.605 -> 0.520 s to the result, alternating runs). Strict like zod's `strictObject`: an
 * unknown key is an error, and each error names its field.
 */
/** null when `value` passes; else where (field names, outermost first) and what was expected. */
type Check = (value: unknown) => Problem | null;
interface Problem {
  path: string[];
  expected: string;
}

const expect = (ok: boolean, expected: string): Problem | null => (ok ? null : { path: [], expected });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const probability: Check = (v) => expect(typeof v === "number" && v >= 0 && v <= 1, "a number in [0, 1]");
const intIn = (min: number, max: number): Check => (v) => expect(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max, `an integer in [${min}, ${max}]`);
const positiveInt: Check = (v) => expect(Number.isSafeInteger(v) && (v as number) > 0, "a positive integer");
const binarySource: Check = (v) =>
  expect(v instanceof Uint8Array || v instanceof ArrayBuffer || v instanceof URL || (typeof v === "string" && v.length > 0), "a Uint8Array, ArrayBuffer, URL or non-empty string");
const wasmSource: Check = (v) => expect(isWasmSource(v), "a WebAssembly.Module, Uint8Array, ArrayBuffer, URL or string");
const strict = (fields: Record<string, Check>): Check => (v) => (isObject(v) ? checkFields(v, fields) : { path: [], expected: "an object" });

/** The first problem with `value`'s fields, or null. Absent (undefined) fields pass; unknown keys do not. */
function checkFields(value: Record<string, unknown>, fields: Record<string, Check>): Problem | null {
  for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) return { path: [key], expected: "no such option" };
  for (const [key, check] of Object.entries(fields)) {
    const problem = value[key] === undefined ? null : check(value[key]);
    if (problem !== null) return { path: [key, ...problem.path], expected: problem.expected };
  }
  return null;
}

function parseWith<T>(fields: Record<string, Check>, value: unknown, what: string): T {
  if (isEmpty(value)) return {} as T;
  const problem = isObject(value) ? checkFields(value, fields) : { path: [], expected: "an object" };
  if (problem !== null) {
    const where = problem.path.length > 0 ? problem.path.join(".") : "(root)";
    const text = problem.expected === "no such option" ? problem.expected : `expected ${problem.expected}`;
    throw new InvalidInputError(`invalid ${what}: ${where}: ${text}`);
  }
  return value as T;
}

const DETECTOR_FIELDS: Record<string, Check> = {
  model: binarySource,
  numThreads: intIn(1, 64),
  threshold: probability,
  limits: strict({ maxBytes: positiveInt, maxPixels: positiveInt }),
  wasm: strict({ ort: wasmSource, jpeg: wasmSource, jpegEncode: wasmSource, png: wasmSource, webp: wasmSource, webpEncode: wasmSource }),
  progress_callback: (v) => expect(typeof v === "function", "a function"),
};

const DETECT_FIELDS: Record<string, Check> = {
  threshold: probability,
  signal: (v) => expect(typeof AbortSignal !== "undefined" && v instanceof AbortSignal, "an AbortSignal"),
  returnEdgeMap: (v) => expect(typeof v === "boolean", "a boolean"),
  secondLook: (v) => expect((SECOND_LOOK_MODES as readonly unknown[]).includes(v), `one of ${SECOND_LOOK_MODES.map((m) => `"${m}"`).join(", ")}`),
};

/** A detector's options, checked (typed INVALID_INPUT error naming the field); absent options and `{}` pass as they are. */
export function parseDetectorOptions(value: unknown): DetectorOptions {
  return parseWith<DetectorOptions>(DETECTOR_FIELDS, value, "detector options");
}

/** One detection's options, checked like `parseDetectorOptions`. */
export function parseDetectOptions(value: unknown): DetectOptions {
  return parseWith<DetectOptions>(DETECT_FIELDS, value, "detect options");
}

/** undefined, null, or a plain object without keys: what every options schema accepts as `{}`. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && Reflect.ownKeys(value).length === 0;
}
