import { isServerRuntime } from "./detect.ts";
import { readFileBytes } from "./files.ts";

/** A WASM binary as the caller has it: compiled, as bytes, or where to load it from. */
export type WasmSource = WebAssembly.Module | Uint8Array | ArrayBuffer | URL | string;

/** Bytes, a URL or a path: everything a model or a WASM file can be loaded from. */
export type BinarySource = Uint8Array | ArrayBuffer | URL | string;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function isUrlLike(s: string): boolean {
  return SCHEME.test(s) || s.startsWith("data:") || s.startsWith("blob:");
}

/**
 * Load bytes from bytes, a URL or a path. `file:` URLs and bare paths are read from disk on
 * Node, Bun and Deno; anything else goes through `fetch`.
 */
export async function loadBinary(source: BinarySource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const asUrl = source instanceof URL ? source : isUrlLike(source) ? new URL(source) : null;
  if (asUrl === null || asUrl.protocol === "file:") {
    if (!isServerRuntime()) {
      throw new Error(`cannot read ${String(source)}: paths need Node, Bun or Deno; pass a URL or bytes`);
    }
    return readFileBytes(asUrl ?? (source as string));
  }
  const response = await fetch(asUrl);
  if (!response.ok) throw new Error(`GET ${asUrl.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Compile a WASM source to a Module (a given Module is returned as is). */
export async function compileWasm(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = await loadBinary(source);
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

export function isWasmSource(value: unknown): value is WasmSource {
  return (
    value instanceof WebAssembly.Module ||
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    value instanceof URL ||
    typeof value === "string"
  );
}
