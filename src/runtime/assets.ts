import { detectRuntime, isServerRuntime } from "./detect.ts";
import { fileExists } from "./files.ts";

/** The shipped models, relative to the package root. */
export const MODEL_FILES = {
  int8: "models/docedge-int8.onnx",
  fp32: "models/docedge-fp32.onnx",
} as const;

export type ShippedModel = keyof typeof MODEL_FILES;

/**
 * The shipped models' input side (models/MODEL.md). Only a guess for work started before a model
 * has loaded (decoding a one-shot input at the scale this asks for); the loaded model decides.
 */
export const SHIPPED_MODEL_INPUT = 128;

let rootPromise: Promise<URL> | null = null;

/**
 * The installed package's root on Node, Bun and Deno: the nearest folder above this module that
 * holds the default model. Walking up works the same from the sources (`src/runtime/`) and from
 * the build (`dist/src/runtime/`).
 */
export function packageRoot(): Promise<URL> {
  rootPromise ??= findPackageRoot(new URL("./", import.meta.url));
  return rootPromise;
}

async function findPackageRoot(start: URL): Promise<URL> {
  if (!isServerRuntime()) {
    throw new Error(
      `docedge cannot locate its files in ${detectRuntime()}: set env.assetBase or pass model/wasm URLs`,
    );
  }
  let dir = start;
  for (;;) {
    if (await fileExists(new URL(MODEL_FILES.int8, dir))) return dir;
    const parent = new URL("../", dir);
    if (parent.href === dir.href) break;
    dir = parent;
  }
  throw new Error(`no ${MODEL_FILES.int8} found in any folder above ${start.href}`);
}

/**
 * A dependency's file as a URL, resolved from this module like an import would be (so it finds
 * the copy npm installed next to docedge). null where the runtime cannot resolve.
 */
export function resolveDependencyFile(specifier: string): URL | null {
  const meta = import.meta as ImportMeta & { resolve?: (s: string) => string };
  if (typeof meta.resolve !== "function") return null;
  try {
    return new URL(meta.resolve(specifier));
  } catch {
    return null;
  }
}
