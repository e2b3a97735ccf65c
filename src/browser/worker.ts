/**
 * The detection worker: bundle this file as its own script (docedge's example emits it as
 * `worker.js`) and start it with `createWorkerDetector({ worker: url })`.
 *
 * Assets default to files next to the worker script (`./models/docedge-int8.onnx`,
 * `./ort-wasm-simd-threaded.wasm` and `.mjs`, the codec `.wasm` files), so a plain static server
 * works once they are copied there; every one can be pointed elsewhere from the page.
 * @module
 */
// "#ort": onnxruntime-web's plain WASM build in a browser (package.json "imports").
import * as ort from "#ort";
import { DocedgeError, isDocedgeError } from "../errors.ts";
import { env } from "../runtime/env.ts";
import { getDefaultDetector, scanDocument, type Detector } from "../detector.ts";
import type { DetectResult, RgbaImage } from "../types.ts";
import { decodeBlob } from "./input.ts";
import { scaleQuad } from "../geometry/quad-transform.ts";
import { type WireBinary, type WireImage, type WireInitOptions, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

interface WorkerScope {
  location: { href: string };
  crossOriginIsolated?: boolean;
  addEventListener(type: "message", listener: (ev: MessageEvent<WorkerRequest>) => void): void;
  postMessage(message: WorkerResponse, transfer: Transferable[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let detector: Promise<Detector> | null = null;

function here(file: string): string {
  return new URL(file, scope.location.href).href;
}

function binary(b: WireBinary): string | Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : b;
}

function configure(o: WireInitOptions): void {
  env.assetBase = o.assetBase ?? here("./");
  if (o.model !== undefined) env.model = binary(o.model);
  if (o.numThreads !== undefined) env.numThreads = o.numThreads;
  // Both ORT files from one place: with threads, ORT starts its pthread workers from the .mjs URL,
  // which must be ORT's loader, not this bundle.
  const ortWasm = o.wasm?.ort;
  const ortMjs = o.wasm?.ortMjs;
  if (ortWasm instanceof ArrayBuffer || ortWasm instanceof Uint8Array) {
    env.wasm.ort = binary(ortWasm);
    ort.env.wasm.wasmPaths = { mjs: typeof ortMjs === "string" ? ortMjs : here("./ort-wasm-simd-threaded.mjs") };
  } else {
    ort.env.wasm.wasmPaths = {
      wasm: ortWasm ?? here("./ort-wasm-simd-threaded.wasm"),
      mjs: typeof ortMjs === "string" ? ortMjs : here("./ort-wasm-simd-threaded.mjs"),
    };
  }
  for (const key of ["jpeg", "jpegEncode", "png", "webp", "webpEncode"] as const) {
    const v = o.wasm?.[key];
    if (v !== undefined) env.wasm[key] = binary(v);
  }
}

async function pixels(image: WireImage, maxSize: number | undefined): Promise<{ rgba: RgbaImage; sx: number; sy: number; w: number; h: number }> {
  if (image.kind === "blob") {
    const g = await decodeBlob(image.blob, { maxSize });
    return { rgba: g.image, sx: g.sourceWidth / g.image.width, sy: g.sourceHeight / g.image.height, w: g.sourceWidth, h: g.sourceHeight };
  }
  const rgba: RgbaImage = { data: image.data, width: image.width, height: image.height };
  return {
    rgba,
    sx: image.sourceWidth / image.width,
    sy: image.sourceHeight / image.height,
    w: image.sourceWidth,
    h: image.sourceHeight,
  };
}

async function handle(req: WorkerRequest): Promise<{ response: WorkerResponse; transfer: Transferable[] }> {
  switch (req.type) {
    case "init": {
      const t0 = performance.now();
      configure(req.options);
      detector = getDefaultDetector();
      const d = await detector;
      return {
        response: {
          id: req.id,
          ok: true,
          type: "init",
          info: { numThreads: d.numThreads, crossOriginIsolated: scope.crossOriginIsolated === true, initMs: performance.now() - t0 },
        },
        transfer: [],
      };
    }
    case "detect": {
      if (!detector) throw new DocedgeError("MODEL_LOAD_FAILED", "the worker was not initialised");
      const d = await detector;
      const { rgba, sx, sy, w, h } = await pixels(req.image, req.maxSize);
      const r = await d.detect(rgba, {
        ...(req.threshold !== undefined ? { threshold: req.threshold } : {}),
        ...(req.secondLook !== undefined ? { secondLook: req.secondLook } : {}),
      });
      const base = { confidence: r.confidence, timings: r.timings, width: w, height: h };
      const result: DetectResult = r.found ? { found: true, quad: scaleQuad(r.quad, sx, sy), ...base } : { found: false, quad: null, ...base };
      return { response: { id: req.id, ok: true, type: "detect", result }, transfer: [] };
    }
    case "scan": {
      if (!detector) throw new DocedgeError("MODEL_LOAD_FAILED", "the worker was not initialised");
      await detector;
      const { rgba } = await pixels(req.image, undefined);
      const result = await scanDocument(rgba, req.options);
      return { response: { id: req.id, ok: true, type: "scan", result }, transfer: [result.image.buffer as ArrayBuffer] };
    }
    case "dispose": {
      const d = detector;
      detector = null;
      if (d) await (await d.catch(() => null))?.dispose();
      return { response: { id: req.id, ok: true, type: "dispose" }, transfer: [] };
    }
  }
}

scope.addEventListener("message", (ev) => {
  const req = ev.data;
  handle(req).then(
    ({ response, transfer }) => scope.postMessage(response, transfer),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      scope.postMessage(
        { id: req.id, ok: false, error: { name: e.name, code: isDocedgeError(e) ? e.code : null, message: e.message } },
        [],
      );
    },
  );
});
