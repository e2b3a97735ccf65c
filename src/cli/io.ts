import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDocedgeError } from "../errors.ts";
import { concatBytes } from "../runtime/bytes.ts";
import type { InputItem } from "./inputs.ts";

/** Reads all of a byte stream (stdin) into one array. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    chunks.push(bytes);
  }
  return concatBytes(chunks);
}

export async function readInput(item: InputItem): Promise<Uint8Array> {
  if (item.kind === "stdin") return readAll(process.stdin);
  if (item.kind === "missing") throw new Error(`${item.path}: ${item.reason}`);
  const buf = await readFile(item.path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Writes bytes to stdout and waits until they are handed to the OS (binary-safe, pipe-safe). */
export function writeStdout(bytes: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

/** Writes an output file, or stdout for `-`. */
export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  if (path === "-") return writeStdout(bytes);
  try {
    await writeFile(path, bytes);
  } catch (err) {
    // Name the output: "permission denied" alone would read as if the input were unreadable.
    const code = (err as { code?: unknown }).code;
    throw Object.assign(new Error(`cannot write ${path}: ${describeError(err)}`, { cause: err }), { code });
  }
}

export async function ensureFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/**
 * The package version, read from the package.json above this module: two levels up when run from
 * the sources (src/cli), three from the build (dist/src/cli). Walking up covers both.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "docedge" && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return "unknown";
}

/** A short, human message for an error: typed docedge errors keep their code, fs errors get plain words. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (isDocedgeError(err)) return `${err.message} [${err.code}]`;
    // Errors we wrapped ourselves (with a cause) already carry a full message.
    if (err.cause !== undefined) return err.message;
    const code = (err as { code?: unknown }).code;
    switch (code) {
      case "ENOENT":
        return "no such file or folder";
      case "EACCES":
      case "EPERM":
        return "permission denied";
      case "EISDIR":
        return "is a folder, not a file";
      case "ENOTDIR":
        return "a parent path is not a folder";
      case "ENOSPC":
        return "no space left on the device";
      case "EROFS":
        return "read-only file system";
    }
    return err.message;
  }
  return String(err);
}
