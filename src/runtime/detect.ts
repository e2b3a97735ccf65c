/** Which JavaScript runtime we are in; decides how assets are found and how many threads to use. */
export type RuntimeName = "node" | "bun" | "deno" | "workerd" | "browser";

let cached: RuntimeName | null = null;

/**
 * Which JavaScript runtime this is (node, bun, deno, workerd or browser); the answer is cached.
 *
 * @example
 * ```ts
 * import { detectRuntime } from "docedge";
 * if (detectRuntime() === "workerd") console.log("on Cloudflare Workers: no threads");
 * ```
 */
export function detectRuntime(): RuntimeName {
  if (cached) return cached;
  const g = globalThis as Record<string, unknown>;
  // Order matters: Deno and Bun both expose a Node-compatible `process`.
  if (typeof g.Deno === "object" && g.Deno !== null) cached = "deno";
  else if (typeof g.Bun === "object" && g.Bun !== null) cached = "bun";
  else if (typeof navigator === "object" && navigator?.userAgent === "Cloudflare-Workers") cached = "workerd";
  else if (isNodeProcess(g.process)) cached = "node";
  else cached = "browser";
  return cached;
}

function isNodeProcess(p: unknown): boolean {
  if (typeof p !== "object" || p === null) return false;
  const versions = (p as { versions?: { node?: unknown } }).versions;
  return typeof versions?.node === "string";
}

/** Node, Bun and Deno can read the installed package's files from disk. */
export function isServerRuntime(runtime: RuntimeName = detectRuntime()): boolean {
  return runtime === "node" || runtime === "bun" || runtime === "deno";
}

function hardwareConcurrency(): number {
  const n = typeof navigator === "object" ? navigator?.hardwareConcurrency : undefined;
  return typeof n === "number" && n > 0 ? n : 1;
}

/**
 * Thread count used when the caller does not choose one. Servers (Node, Bun, Deno, Workers): 1. A
 * server runs requests side by side, and with other work on the cores ORT-web's 2 threads were
 * measured 3-4x slower than 1 (DESIGN.md); in Deno 2 threads also hung about one run in seven, and
 * Workers have no threads. Browsers keep threads when cross-origin isolated (SharedArrayBuffer):
 * there one page's detection has the device to itself.
 *
 * @example
 * ```ts
 * import { defaultNumThreads } from "docedge";
 * console.log(defaultNumThreads("node"), defaultNumThreads()); // 1, and this runtime's default
 * ```
 */
export function defaultNumThreads(runtime: RuntimeName = detectRuntime()): number {
  if (runtime !== "browser") return 1;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated ? Math.max(1, Math.min(4, hardwareConcurrency())) : 1;
}
