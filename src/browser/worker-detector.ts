/**
 * A detector that runs in a Web Worker, so inference never blocks the page's main thread (the
 * camera preview and the corner dragging stay at 60 fps while the network runs).
 *
 * Frames are grabbed on the calling thread (synchronously, so a video frame is the one showing at
 * call time), scaled down to `maxSize`, and their pixel buffer is transferred, not copied.
 */
import { DocedgeError, InvalidInputError, type DocedgeErrorCode } from "../errors.ts";
import { isRgbaImage } from "../image/input.ts";
import { isEmptyOptions } from "../runtime/empty-options.ts";
import type { SecondLookMode } from "../quad/second-look.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import type { DetectResult, RgbaImage } from "../types.ts";
import { isBrowserImageSource, grabFrame, type BrowserImageSource } from "./input.ts";
import type { WireBinary, WireImage, WireInitOptions, WorkerInfo, WorkerRequest, WorkerResponse } from "./protocol.ts";

/** A model or WASM file: bytes, or a URL (relative URLs resolve against the page). */
export type BrowserBinary = URL | string | ArrayBuffer | Uint8Array;

export interface WorkerDetectorOptions {
  /**
   * The worker running `docedge/browser/worker` (bundled). A Worker, or its script URL; default
   * `./worker.js` next to this module, which Vite bundles and docedge's esbuild example emits.
   */
  worker?: Worker | URL | string;
  /** Folder holding `models/docedge-int8.onnx` (default: resolved by the worker's docedge build). */
  assetBase?: URL | string;
  /** The ONNX model (URL or bytes); overrides `assetBase`. */
  model?: BrowserBinary;
  /** ORT threads; default: 1, or up to 4 when the page is cross-origin isolated. */
  numThreads?: number;
  /** Minimum confidence for `found`. */
  threshold?: number;
  limits?: { maxBytes?: number; maxPixels?: number };
  /**
   * WASM files: ONNX Runtime's `ort-wasm-simd-threaded.wasm` (`ort`) and its `.mjs` loader
   * (`ortMjs`, needed for threads), and the codecs.
   */
  wasm?: Partial<Record<"ort" | "ortMjs" | "jpeg" | "jpegEncode" | "png" | "webp" | "webpEncode", BrowserBinary>>;
  /** Longest side of frames sent for detection (default 1024; the network sees 256). */
  maxSize?: number;
}

export type WorkerImageSource = BrowserImageSource | RgbaImage;

export interface WorkerDetectOptions {
  threshold?: number;
  signal?: AbortSignal;
  /** Override the detector's `maxSize` for this call. */
  maxSize?: number;
  /** detect()'s `secondLook`: `"never"` keeps a live frame to one inference (default `"auto"`). */
  secondLook?: SecondLookMode;
}

export interface WorkerDetector {
  /** What the worker chose (threads) and how long it took to start. */
  readonly info: WorkerInfo;
  /** Corners in `input`'s own pixels (a video: videoWidth x videoHeight). */
  detect(input: WorkerImageSource, options?: WorkerDetectOptions): Promise<DetectResult>;
  /** Flatten the page at full resolution (detects first unless `options.quad` is given). */
  scan(input: WorkerImageSource, options?: ScanOptions & { signal?: AbortSignal }): Promise<ScanResult>;
  /** Stops the worker (only when this detector created it). */
  dispose(): void;
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

function pageBase(): string {
  const loc = (globalThis as { location?: { href?: string } }).location;
  if (typeof document === "object" && document.baseURI) return document.baseURI;
  return loc?.href ?? "http://localhost/";
}

/** Relative URLs mean "relative to the page"; the worker's own base URL differs, so resolve here. */
function toWire(b: BrowserBinary): WireBinary {
  if (b instanceof URL) return b.href;
  if (typeof b === "string") return new URL(b, pageBase()).href;
  return b;
}

function reviveError(e: { name: string; code: DocedgeErrorCode | null; message: string }): Error {
  if (e.code) {
    const err = new DocedgeError(e.code, e.message);
    err.name = e.name;
    return err;
  }
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

function abortError(): DocedgeError {
  return new DocedgeError("ABORTED", "the detection was aborted");
}

/** The pixels (or file) to send, plus what to transfer. */
function toWireImage(input: WorkerImageSource, maxSize: number | undefined): { image: WireImage; transfer: Transferable[] } {
  if (typeof Blob === "function" && input instanceof Blob) return { image: { kind: "blob", blob: input }, transfer: [] };
  let image: RgbaImage, sourceWidth: number, sourceHeight: number;
  if (isRgbaImage(input) && !isBrowserImageSource(input)) {
    // The caller keeps its buffer: copy, then transfer the copy.
    image = { data: input.data.slice(), width: input.width, height: input.height };
    sourceWidth = input.width;
    sourceHeight = input.height;
    if (image.data.length !== image.width * image.height * 4) {
      throw new InvalidInputError(`RgbaImage data has ${image.data.length} bytes, expected ${image.width * image.height * 4}`);
    }
  } else if (isBrowserImageSource(input)) {
    const grabbed = grabFrame(input as Exclude<BrowserImageSource, Blob>, { maxSize });
    image = grabbed.image;
    sourceWidth = grabbed.sourceWidth;
    sourceHeight = grabbed.sourceHeight;
  } else {
    throw new InvalidInputError("expected ImageData, a canvas, ImageBitmap, video, image element, VideoFrame, Blob or RgbaImage");
  }
  return {
    image: { kind: "rgba", data: image.data, width: image.width, height: image.height, sourceWidth, sourceHeight },
    transfer: [image.data.buffer as ArrayBuffer],
  };
}

function startWorker(url: URL | string | undefined): Worker {
  // The default is written in the exact form bundlers (Vite, webpack) recognise and bundle.
  if (url === undefined) return new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "docedge" });
  return new Worker(new URL(String(url), pageBase()), { type: "module", name: "docedge" });
}

/**
 * A detector in a Web Worker (a browser page stays responsive): frames are drawn and sent as
 * pixels, files as they are. Needs a Worker (use `createDetector` elsewhere).
 *
 * @example
 * ```ts
 * import { createWorkerDetector } from "docedge";
 * const detector = await createWorkerDetector({ worker: "/docedge/worker.js", assetBase: "/docedge/" });
 * const file = document.querySelector("input")!.files![0];
 * const r = await detector.detect(file); // corners in the upright photo's pixels
 * detector.dispose();
 * ```
 */
export async function createWorkerDetector(options: WorkerDetectorOptions = {}): Promise<WorkerDetector> {
  // The schema (and zod) load only when options are given: the package root imports no validator.
  const opts: WorkerDetectorOptions = isEmptyOptions(options) ? {} : (await import("./worker-options-schema.ts")).parseWorkerDetectorOptions(options);
  if (typeof Worker !== "function") throw new InvalidInputError("Web Workers are not available here; use createDetector");

  const owned = !(opts.worker instanceof Worker);
  const worker = opts.worker instanceof Worker ? opts.worker : startWorker(opts.worker);

  let nextId = 1;
  let disposed = false;
  const pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.addEventListener("message", (ev: MessageEvent<WorkerResponse>) => {
    const p = pending.get(ev.data.id);
    if (!p) return; // a reply to an aborted call
    pending.delete(ev.data.id);
    if (ev.data.ok) p.resolve(ev.data);
    else p.reject(reviveError(ev.data.error));
  });
  worker.addEventListener("error", (ev: ErrorEvent) => {
    ev.preventDefault();
    failAll(new DocedgeError("MODEL_LOAD_FAILED", `docedge worker failed: ${ev.message || "could not load the worker script"}`));
  });
  worker.addEventListener("messageerror", () => failAll(new InvalidInputError("a message to the docedge worker could not be cloned")));

  function call<T extends WorkerResponse>(req: WithoutId<WorkerRequest>, transfer: Transferable[], signal?: AbortSignal): Promise<T> {
    if (disposed) return Promise.reject(new DocedgeError("DISPOSED", "this detector was disposed"));
    if (signal?.aborted) return Promise.reject(abortError());
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        // The worker finishes the call anyway; its reply is dropped.
        pending.delete(id);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(r as T);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      worker.postMessage({ ...req, id } as WorkerRequest, transfer);
    });
  }

  const init: WireInitOptions = {};
  if (opts.assetBase !== undefined) init.assetBase = toWire(opts.assetBase) as string;
  if (opts.model !== undefined) init.model = toWire(opts.model);
  if (opts.numThreads !== undefined) init.numThreads = opts.numThreads;
  if (opts.threshold !== undefined) init.threshold = opts.threshold;
  if (opts.limits !== undefined) init.limits = opts.limits;
  if (opts.wasm !== undefined) {
    init.wasm = {};
    for (const [k, v] of Object.entries(opts.wasm) as [keyof NonNullable<WireInitOptions["wasm"]>, BrowserBinary][]) {
      init.wasm[k] = toWire(v);
    }
  }

  let info: WorkerInfo;
  try {
    info = (await call<Extract<WorkerResponse, { type: "init" }>>({ type: "init", options: init }, [])).info;
  } catch (error) {
    if (owned) worker.terminate();
    throw error;
  }
  const defaultMaxSize = opts.maxSize ?? 1024;

  return {
    info,
    async detect(input, o = {}) {
      const { image, transfer } = toWireImage(input, o.maxSize ?? defaultMaxSize);
      const req: Omit<Extract<WorkerRequest, { type: "detect" }>, "id"> = { type: "detect", image, maxSize: o.maxSize ?? defaultMaxSize };
      if (o.threshold !== undefined) req.threshold = o.threshold;
      if (o.secondLook !== undefined) req.secondLook = o.secondLook;
      const r = await call<Extract<WorkerResponse, { type: "detect" }>>(req, transfer, o.signal);
      return r.result;
    },
    async scan(input, o = {}) {
      const { signal, ...scanOptions } = o;
      // Full resolution: the flattened page is only as sharp as the pixels it is cut from.
      const { image, transfer } = toWireImage(input, undefined);
      const r = await call<Extract<WorkerResponse, { type: "scan" }>>({ type: "scan", image, options: scanOptions }, transfer, signal);
      return r.result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      failAll(new DocedgeError("DISPOSED", "this detector was disposed"));
      if (owned) worker.terminate();
      else worker.postMessage({ id: 0, type: "dispose" } satisfies WorkerRequest);
    },
  };
}
