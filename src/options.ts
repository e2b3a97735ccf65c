import type { DecodeLimits } from "./image/input.ts";
import { InvalidInputError } from "./errors.ts";
import { SECOND_LOOK_MODES, type SecondLookMode } from "./quad/second-look.ts";
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
 * Validate a detector's options with their zod schema (options-schema.ts), imported on first
 * need rather than up front: zod's module graph (~100 files with its locales) is ~55 ms of CPU
 * in a new Node 20 process. Absent options and `{}` pass as they are.
 */
export async function parseDetectorOptions(value: unknown): Promise<DetectorOptions> {
  if (isEmpty(value)) return {};
  const { detectorOptionsSchema, parseOptions } = await loadOptionSchemas();
  return parseOptions(detectorOptionsSchema, value, "detector options") as DetectorOptions;
}

const DETECT_KEYS: ReadonlySet<string> = new Set(["threshold", "signal", "returnEdgeMap", "secondLook"]);

/**
 * One detection's options, checked by hand: four fields, checked on every call, and most callers
 * pass some (the CLI and the HTTP pool always do). With a zod schema here the first detection
 * loaded zod, ~0.1 s of CPU of a new process on this 2-core machine (CLI `detect`, alternating
 * runs), even when started in the background while the model loads. Strict like the zod schemas:
 * an unknown key is an error.
 */
export function parseDetectOptions(value: unknown): DetectOptions {
  if (isEmpty(value)) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidDetect("(root)", "expected an object");
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!DETECT_KEYS.has(key)) throw invalidDetect(key, "unknown option");
  const { threshold, signal, returnEdgeMap, secondLook } = o;
  if (threshold !== undefined && !(typeof threshold === "number" && threshold >= 0 && threshold <= 1)) {
    throw invalidDetect("threshold", "expected a number in [0, 1]");
  }
  if (signal !== undefined && !(typeof AbortSignal !== "undefined" && signal instanceof AbortSignal)) throw invalidDetect("signal", "expected an AbortSignal");
  if (returnEdgeMap !== undefined && typeof returnEdgeMap !== "boolean") throw invalidDetect("returnEdgeMap", "expected a boolean");
  if (secondLook !== undefined && !(SECOND_LOOK_MODES as readonly unknown[]).includes(secondLook)) {
    throw invalidDetect("secondLook", `expected one of ${SECOND_LOOK_MODES.map((m) => `"${m}"`).join(", ")}`);
  }
  return o as DetectOptions;
}

function invalidDetect(path: string, message: string): InvalidInputError {
  return new InvalidInputError(`invalid detect options: ${path}: ${message}`);
}

let schemas: Promise<typeof import("./options-schema.ts")> | null = null;

/** The schemas' module, imported once, when a detector is given options. */
export function loadOptionSchemas(): Promise<typeof import("./options-schema.ts")> {
  schemas ??= import("./options-schema.ts");
  schemas.catch(() => {
    schemas = null;
  });
  return schemas;
}

/** undefined, null, or a plain object without keys: what every options schema accepts as `{}`. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && Reflect.ownKeys(value).length === 0;
}
