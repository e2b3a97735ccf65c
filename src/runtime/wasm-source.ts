import { concatBytes } from "./bytes.ts";
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
 * Node, Bun and Deno; anything else goes through `fetch`. `onBytes` hears (loaded, total) as a
 * download proceeds (total 0 when unknown), and once for a file read.
 */
export async function loadBinary(source: BinarySource, onBytes?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const asUrl = source instanceof URL ? source : isUrlLike(source) ? new URL(source) : null;
  if (asUrl === null || asUrl.protocol === "file:") {
    if (!isServerRuntime()) {
      throw new Error(`cannot read ${String(source)}: paths need Node, Bun or Deno; pass a URL or bytes`);
    }
    const bytes = await readFileBytes(asUrl ?? (source as string));
    onBytes?.(bytes.length, bytes.length);
    return bytes;
  }
  const response = await fetch(asUrl);
  if (!response.ok) throw new Error(`GET ${asUrl.href}: HTTP ${response.status}`);
  if (onBytes === undefined || response.body === null) return new Uint8Array(await response.arrayBuffer());
  return readCounting(response.body, Number(response.headers.get("content-length") ?? 0) || 0, onBytes);
}

async function readCounting(body: ReadableStream<Uint8Array>, total: number, onBytes: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total);
  }
  return concatBytes(chunks);
}

/**
 * Compile a WASM source to a Module (a given Module is returned as is). `compiling` hears when
 * the bytes are in and the compile (which V8 runs on background threads) has started.
 */
export async function compileWasm(
  source: WasmSource,
  onBytes?: (loaded: number, total: number) => void,
  compiling?: () => void,
): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = await loadBinary(source, onBytes);
  const compile = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  compiling?.();
  return compile;
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
