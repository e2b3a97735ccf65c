import type * as OrtNamespace from "onnxruntime-web";
import { env } from "../runtime/env.ts";
import { isServerRuntime } from "../runtime/detect.ts";
import { loadBinary, type WasmSource } from "../runtime/wasm-source.ts";

export type Ort = typeof OrtNamespace;

interface OrtSetup {
  numThreads: number;
  wasm?: WasmSource;
}

let ortPromise: Promise<Ort> | null = null;
let imported: Promise<Ort> | null = null;
let applied: { numThreads: number } | null = null;

/**
 * Import onnxruntime-web's JavaScript (once), without configuring it. A detector starts this while
 * ORT's WASM compiles on background threads, so that the main thread parses ORT's JavaScript in
 * time it would otherwise spend waiting.
 */
export function importOrt(): Promise<Ort> {
  if (imported === null) {
    // "#ort" (package.json "imports") is onnxruntime-web's Node build on Node, Bun and Deno and its
    // plain WASM build everywhere else, so bundlers never pick the WebGPU build (a 28 MB binary).
    const p = import("#ort") as Promise<Ort>;
    imported = p;
    p.catch(() => {
      if (imported === p) imported = null;
    });
  }
  return imported;
}

/**
 * Load onnxruntime-web and set its process-wide WASM options once. ORT reads `env.wasm` when the
 * first session is created and cannot change it afterwards, so the first detector decides the
 * thread count and the WASM binary for the whole process; later differing requests are ignored
 * (`appliedThreads` tells what is in effect).
 */
export function loadOrt(setup: OrtSetup): Promise<Ort> {
  ortPromise ??= (async () => {
    const ort = await importOrt();
    ort.env.logLevel = "error";
    ort.env.wasm.numThreads = setup.numThreads;
    // The proxy worker needs a browser-style Worker; inference runs in the caller's thread.
    ort.env.wasm.proxy = false;
    const wasm = setup.wasm ?? env.wasm.ort;
    if (wasm !== undefined) await applyOrtWasm(ort, wasm);
    applied = { numThreads: setup.numThreads };
    return ort;
  })();
  ortPromise.catch(() => {
    ortPromise = null;
  });
  return ortPromise;
}

export function appliedThreads(): number | null {
  return applied?.numThreads ?? null;
}

// ORT has no hook for a precompiled module. It hands `env.wasm.wasmBinary` to
// `WebAssembly.instantiate`; we give it these marker bytes and answer that one call with the
// caller's module (what Workers need: they forbid compiling WASM from bytes).
const MARKER = new TextEncoder().encode("\0docedge:ort-module\0");

function isMarker(value: unknown): boolean {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
  if (bytes === null || bytes.length !== MARKER.length) return false;
  for (let i = 0; i < MARKER.length; i++) if (bytes[i] !== MARKER[i]) return false;
  return true;
}

function installModuleHook(module: WebAssembly.Module): void {
  const original = WebAssembly.instantiate;
  const hooked = function (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> {
    if (isMarker(source)) {
      WebAssembly.instantiate = original;
      return original(module, imports).then((instance) => ({ instance, module }));
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  };
  WebAssembly.instantiate = hooked as typeof WebAssembly.instantiate;
}

async function applyOrtWasm(ort: Ort, wasm: WasmSource): Promise<void> {
  if (wasm instanceof WebAssembly.Module) {
    installModuleHook(wasm);
    ort.env.wasm.wasmBinary = MARKER.slice().buffer;
    return;
  }
  if (wasm instanceof Uint8Array || wasm instanceof ArrayBuffer || isServerRuntime()) {
    // On servers a string is a path or file URL: read it here rather than have ORT fetch it.
    const bytes = await loadBinary(wasm);
    ort.env.wasm.wasmBinary = bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    return;
  }
  ort.env.wasm.wasmPaths = { wasm: wasm instanceof URL ? wasm.href : wasm };
}
