import type { DetectResult } from "../types.ts";
import type { DetectorOptions } from "../detector.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import type { DocedgeErrorCode } from "../errors.ts";

/** Messages between the server's thread and a pool worker (structured-cloned; bytes transferred). */

export interface WorkerInit {
  detectorOptions: DetectorOptions;
}

export type JobRequest =
  | { id: number; kind: "detect"; bytes: Uint8Array; threshold?: number }
  | { id: number; kind: "scan"; bytes: Uint8Array; options: ScanOptions };

/** A DocedgeError's code and message; anything else travels as a bare message (never shown to clients). */
export interface WireError {
  code: DocedgeErrorCode | null;
  message: string;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "failed"; error: WireError }
  | { type: "result"; id: number; result: DetectResult | ScanResult }
  | { type: "error"; id: number; error: WireError };
