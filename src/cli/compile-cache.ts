import * as nodeModule from "node:module";

/**
 * Node 22.1 and later: keep V8's compiled code for the CLI's modules (and the dependencies it
 * loads) on disk, so later runs skip parsing and compiling that JavaScript again (what npm's own
 * CLI does). Node puts it in `NODE_COMPILE_CACHE` or a folder under the system's temp dir, and
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off. Node 20 has no such API, Bun's `node:module` has
 * none, and Deno caches compiled code itself: there this does nothing. Only modules loaded after
 * the call are cached, so the CLI calls it before importing the rest of itself.
 */
export function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (typeof enable !== "function") return;
  try {
    enable();
  } catch {
    // A read-only temp dir or the like: run without the cache.
  }
}
