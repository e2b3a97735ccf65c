import { readdir, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { expandGlob, hasGlobMagic } from "./glob.ts";
import { isPermissionDenied } from "../runtime/files.ts";

/** Image file extensions picked up from folders and globs (explicit files are always tried). */
export const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp"];

export const STDIN = "-";

/** One thing to process: a path, `-` for stdin, or an argument that already failed to resolve. */
export type InputItem = { kind: "file"; path: string } | { kind: "stdin" } | { kind: "missing"; path: string; reason: string };

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

export function displayName(item: InputItem): string {
  return item.kind === "stdin" ? "-" : item.path;
}

/** The file name without folder and extension, used to name outputs. */
export function stemOf(item: InputItem): string {
  if (item.kind === "stdin") return "stdin";
  const name = basename(item.path);
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/**
 * Turns command-line arguments into a list of inputs. Folders give the images in them (sorted),
 * globs the image files they match; a missing path or an empty glob becomes a `missing` item so
 * that it is reported like any other per-file failure while the rest go on.
 */
export async function expandInputs(args: string[], options: { recursive?: boolean } = {}): Promise<InputItem[]> {
  const items: InputItem[] = [];
  const seen = new Set<string>();
  const push = (path: string) => {
    // "a.jpg" and "./a.jpg" are one file: processing it twice would only repeat the same line.
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ kind: "file", path });
  };
  let stdinUsed = false;
  for (const arg of args) {
    if (arg === STDIN) {
      if (!stdinUsed) items.push({ kind: "stdin" });
      stdinUsed = true;
      continue;
    }
    let denied: string | null = null;
    const info = await stat(arg).catch((error: unknown) => {
      if (isPermissionDenied(error)) denied = error instanceof Error ? error.message : String(error);
      return null;
    });
    if (denied !== null) {
      items.push({ kind: "missing", path: arg, reason: denied });
      continue;
    }
    if (info?.isDirectory()) {
      const files = await listFolder(arg, options.recursive ?? false);
      if (files.length === 0) items.push({ kind: "missing", path: arg, reason: "folder holds no JPEG, PNG or WebP images" });
      files.forEach(push);
    } else if (info) {
      push(arg);
    } else if (hasGlobMagic(arg)) {
      const files = (await expandGlob(arg)).filter(isImageName);
      if (files.length === 0) items.push({ kind: "missing", path: arg, reason: "no image files match this pattern" });
      files.forEach(push);
    } else {
      items.push({ kind: "missing", path: arg, reason: "no such file or folder" });
    }
  }
  return items;
}

async function listFolder(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await listFolder(full, true)));
    } else if (isImageName(e.name)) {
      out.push(full);
    }
  }
  return out;
}
