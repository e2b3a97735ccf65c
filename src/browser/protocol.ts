/**
 * Messages between the page (`worker-detector.ts`) and the detection worker (`worker.ts`).
 * Everything here must survive structured cloning: no URL objects, no class instances; pixel
 * buffers travel as transferables.
 */
import type { DetectResult } from "../types.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import type { DocedgeErrorCode } from "../errors.ts";
import type { SecondLookMode } from "../quad/second-look.ts";

/** A binary the worker fetches (an absolute URL) or receives (bytes). */
export type WireBinary = string | ArrayBuffer | Uint8Array;

export interface WireInitOptions {
  /** Absolute URL of the folder holding `models/` (sets docedge's `env.assetBase`). */
  assetBase?: string;
  model?: WireBinary;
  numThreads?: number;
  threshold?: number;
  limits?: { maxBytes?: number; maxPixels?: number };
  wasm?: Partial<Record<"ort" | "ortMjs" | "jpeg" | "jpegEncode" | "png" | "webp" | "webpEncode", WireBinary>>;
}

/** Pixels (with the size of the picture they were scaled from) or a file for the worker to decode. */
export type WireImage =
  | {
      kind: "rgba";
      data: Uint8ClampedArray | Uint8Array;
      width: number;
      height: number;
      sourceWidth: number;
      sourceHeight: number;
    }
  | { kind: "blob"; blob: Blob };

export type WorkerRequest =
  | { id: number; type: "init"; options: WireInitOptions }
  | { id: number; type: "detect"; image: WireImage; threshold?: number; maxSize?: number; secondLook?: SecondLookMode }
  | { id: number; type: "scan"; image: WireImage; options: ScanOptions }
  | { id: number; type: "dispose" };

export interface WorkerInfo {
  numThreads: number;
  crossOriginIsolated: boolean;
  /** ms spent creating the detector (model fetch + ORT session). */
  initMs: number;
}

export interface WireError {
  name: string;
  code: DocedgeErrorCode | null;
  message: string;
}

export type WorkerResponse =
  | { id: number; ok: true; type: "init"; info: WorkerInfo }
  | { id: number; ok: true; type: "detect"; result: DetectResult }
  | { id: number; ok: true; type: "scan"; result: ScanResult }
  | { id: number; ok: true; type: "dispose" }
  | { id: number; ok: false; error: WireError };

