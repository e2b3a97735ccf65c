import type * as FsPromises from "node:fs/promises";
import { detectRuntime, isServerRuntime } from "./detect.ts";

// A non-literal specifier keeps bundlers (esbuild for the browser build) from pulling Node
// built-ins into browser bundles; this path only runs on Node, Bun and Deno.
const FS_SPECIFIER = "node:fs/promises";

let fsPromise: Promise<typeof FsPromises> | null = null;

export function nodeFs(): Promise<typeof FsPromises> {
  if (!isServerRuntime()) {
    return Promise.reject(new Error(`file system access is not available in ${detectRuntime()}`));
  }
  fsPromise ??= import(FS_SPECIFIER) as Promise<typeof FsPromises>;
  return fsPromise;
}

export async function readFileBytes(location: URL | string): Promise<Uint8Array> {
  const fs = await nodeFs();
  if (detectRuntime() !== "node") {
    // Bun's and Deno's readFile is native and one call; their FileHandle.read is slower (a 14 MB
    // file: Bun 20-38 ms vs 14-20, Deno 27 vs 19-23).
    const buf = await fs.readFile(location);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const handle = await fs.open(location, "r");
  try {
    const { size } = await handle.stat();
    if (size === 0) {
      // No size to go by (an empty file, or a special one that reports 0): read to the end.
      const buf = await handle.readFile();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    // One read of the whole file, not Node's fs.readFile's 512 KB chunks: each is a hop through the
    // event loop, and while a detector loads the main thread is busy, so ONNX Runtime's 14 MB
    // WASM took ~30 ms of hops to arrive (one read: ~10 ms) and its compile started that late.
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export async function fileExists(location: URL | string): Promise<boolean> {
  const fs = await nodeFs();
  try {
    // stat, not access: Deno's node:fs access() asks for --allow-sys (it reads the uid).
    return (await fs.stat(location)).isFile();
  } catch (error) {
    // A denied permission is not "not there": say which permission to grant.
    if (isPermissionDenied(error)) throw new Error(permissionMessage(error), { cause: error });
    return false;
  }
}

/** The runtime refused access (Deno without --allow-read: `NotCapable`, formerly `PermissionDenied`). */
export function isPermissionDenied(error: unknown): boolean {
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === "NotCapable" || name === "PermissionDenied";
}

/** Deno's own words (which name the flag), and why docedge reads files at all. */
export function permissionMessage(error: unknown): string {
  const said = error instanceof Error ? error.message : String(error);
  return `${said} (docedge reads its model and WASM files from the installed package: grant --allow-read, or pass model and wasm as bytes)`;
}
