import { loadBinary } from "../runtime/wasm-source.ts";
import { fileExists, readFileBytes } from "../runtime/files.ts";

/** The shipped int8 model's offline-optimised copy and its sidecar (`npm run build:model-opt`). */
export const OPTIMIZED_INT8 = { model: "models/docedge-int8.opt.onnx", sidecar: "models/docedge-int8.opt.json" } as const;

interface Sidecar {
  sourceSha256: string;
}

/** The model bytes to hand ONNX Runtime, and whether its graph is already optimised. */
export interface ModelBytes {
  bytes: Uint8Array;
  /** Optimised offline: create the session with graph optimisation off (only then). */
  preOptimized: boolean;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * On Node, Bun and Deno, the shipped int8 model's pre-optimised copy (the same graph ONNX Runtime
 * would build at session creation, built once offline), used only when its sidecar names the
 * SHA-256 of `source`, the int8 model's bytes: a retrained model without a rebuilt copy falls back
 * to the plain model. null when absent or stale. A session made from it skips the graph
 * optimisation that was about half of a new process's session creation.
 */
export async function optimizedInt8(root: URL, source: Uint8Array, onBytes?: (loaded: number, total: number) => void): Promise<Uint8Array | null> {
  const sidecarUrl = new URL(OPTIMIZED_INT8.sidecar, root);
  if (!(await fileExists(sidecarUrl))) return null;
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(new TextDecoder().decode(await readFileBytes(sidecarUrl))) as Sidecar;
  } catch {
    return null;
  }
  if (typeof sidecar.sourceSha256 !== "string" || sidecar.sourceSha256 !== (await sha256Hex(source))) return null;
  const modelUrl = new URL(OPTIMIZED_INT8.model, root);
  if (!(await fileExists(modelUrl))) return null;
  return loadBinary(modelUrl, onBytes);
}
