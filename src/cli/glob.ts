import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * A small glob for `*`, `?`, `[...]` and `**` over the file system. Shells expand globs before we
 * see them on POSIX, but not when the pattern is quoted, on Windows, or in npm scripts; users
 * expect `docedge detect "photos/**\/*.jpg"` to work everywhere, without another dependency.
 */

const MAGIC = /[*?[]/;

export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Compiles one path segment (no separators) to an anchored RegExp. */
export function segmentToRegExp(segment: string): RegExp {
  let src = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === "*") {
      src += "[^/]*";
    } else if (ch === "?") {
      src += "[^/]";
    } else if (ch === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        src += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      // Inside a class only backslash, ] and ^ need escaping for RegExp.
      body = body.replace(/[\\\]^]/g, (m) => "\\" + m);
      src += negate ? `[^/${body}]` : `[${body}]`;
      i = close;
    } else {
      src += ch.replace(/[.+^${}()|\\\]]/g, (m) => "\\" + m);
    }
  }
  // Like shells: a wildcard does not match a leading dot (hidden files) unless the pattern has one.
  const hiddenGuard = segment.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${hiddenGuard}${src}$`);
}

/** Splits a pattern into the literal base directory and the segments that need matching. */
export function splitPattern(pattern: string): { base: string; segments: string[] } {
  const normalized = pattern.replace(/\\/g, "/");
  const absolute = normalized.startsWith("/");
  const parts = normalized.split("/").filter((p) => p !== "" && p !== ".");
  const baseParts: string[] = [];
  let k = 0;
  while (k < parts.length - 1 && !hasGlobMagic(parts[k])) {
    baseParts.push(parts[k]);
    k++;
  }
  const base = (absolute ? "/" : "") + baseParts.join("/");
  return { base: base === "" ? "." : base, segments: parts.slice(k) };
}

/** Expands a glob pattern to the matching files (not directories), sorted, without duplicates. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const { base, segments } = splitPattern(pattern);
  const regexps = segments.map((s) => (s === "**" ? null : segmentToRegExp(s)));
  const found = new Set<string>();
  const prefix = base === "." && !pattern.startsWith("./") ? "" : base;
  await walk(base, prefix, 0, regexps, found);
  return [...found].sort();
}

async function walk(
  dir: string,
  shown: string,
  index: number,
  regexps: (RegExp | null)[],
  found: Set<string>,
): Promise<void> {
  const re = regexps[index];
  const last = index === regexps.length - 1;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // unreadable or vanished directory: nothing matches there
  }
  if (re === null) {
    // `**` matches zero directories here...
    if (last) {
      // a trailing `**` means every file below
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const full = join(dir, e.name);
        const label = shown ? `${shown}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(full, label, index, regexps, found);
        else if (!(await isDirectory(full, e))) found.add(label);
      }
      return;
    }
    await walk(dir, shown, index + 1, regexps, found);
    // ...or one more level (symlinked directories are not followed, so loops cannot happen).
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith(".")) continue;
      await walk(join(dir, e.name), shown ? `${shown}/${e.name}` : e.name, index, regexps, found);
    }
    return;
  }
  for (const e of entries) {
    if (!re.test(e.name)) continue;
    const full = join(dir, e.name);
    const label = shown ? `${shown}/${e.name}` : e.name;
    const isDir = await isDirectory(full, e);
    if (last) {
      if (!isDir) found.add(label);
    } else if (isDir) {
      await walk(full, label, index + 1, regexps, found);
    }
  }
}

async function isDirectory(full: string, e: { isDirectory(): boolean; isSymbolicLink(): boolean }): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return (await stat(full)).isDirectory();
  } catch {
    return false;
  }
}
