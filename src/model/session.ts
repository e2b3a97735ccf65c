import type * as OrtNamespace from "onnxruntime-web";
import type { FloatMap } from "../types.ts";
import { DocedgeError, ModelLoadError } from "../errors.ts";
import type { WasmSource } from "../runtime/wasm-source.ts";
import { loadOrt } from "./ort.ts";

/** The edge network: RGB [0,1] CHW in, per-pixel document-edge probability out. */
export interface EdgeModel {
  /** Model input size (the image is stretched to it). */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /**
   * Run once; calls are queued, because an ORT session must not run concurrently. A call made
   * while no other is running starts at once, with no hop through the queue.
   */
  run(input: Float32Array, signal?: AbortSignal): Promise<EdgeRun>;
  dispose(): Promise<void>;
}

export interface EdgeRun {
  map: FloatMap;
  /**
   * Milliseconds this call waited for other calls' runs before its own began; exactly 0 when it
   * started at once, so a caller timing the call can take the wait out of the run's time.
   */
  waitedMs: number;
}

export interface EdgeModelOptions {
  numThreads: number;
  ortWasm?: WasmSource;
  /** The graph was optimised offline (see optimized.ts): skip ORT's optimisation passes. */
  preOptimized?: boolean;
}

const DEFAULT_SIZE = 256;

export async function createEdgeModel(modelBytes: Uint8Array, options: EdgeModelOptions): Promise<EdgeModel> {
  let session: OrtNamespace.InferenceSession;
  let ort: typeof OrtNamespace;
  try {
    ort = await loadOrt({ numThreads: options.numThreads, wasm: options.ortWasm });
    session = await ort.InferenceSession.create(modelBytes, {
      executionProviders: ["wasm"],
      // On the WASM build "all" adds nothing over "extended" (same run time, measured), and a
      // pre-optimised graph needs no pass at all: optimising it again would only cost start-up.
      graphOptimizationLevel: options.preOptimized === true ? "disabled" : "all",
      // Warnings only (e.g. unused initializers in quantized models) would go to stderr.
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new ModelLoadError(`could not create the ONNX Runtime session: ${message(error)}`, { cause: error });
  }
  const inputName = session.inputNames.includes("image") ? "image" : session.inputNames[0];
  const outputName = session.outputNames.includes("edges") ? "edges" : session.outputNames[0];
  const [inputHeight, inputWidth] = inputSize(session, inputName);
  let queue: Promise<unknown> = Promise.resolve();
  // Calls accepted and not yet settled (the running one and those queued behind it).
  let inFlight = 0;
  let disposed = false;

  async function runOnce(input: Float32Array, waitedMs: number, signal?: AbortSignal): Promise<EdgeRun> {
    if (disposed) throw new DocedgeError("DISPOSED", "the detector was disposed");
    if (signal?.aborted) throw new DocedgeError("ABORTED", "aborted", { cause: signal.reason });
    const tensor = new ort.Tensor("float32", input, [1, 3, inputHeight, inputWidth]);
    const outputs = await session.run({ [inputName]: tensor });
    const out = outputs[outputName];
    const dims = out.dims;
    const height = Number(dims[dims.length - 2]);
    const width = Number(dims[dims.length - 1]);
    const data = out.data;
    if (!(data instanceof Float32Array) || data.length !== width * height) {
      throw new ModelLoadError(`model output ${outputName} is not a float32 [1,1,H,W] map (dims ${dims.join("x")})`);
    }
    return { map: { data, width, height }, waitedMs };
  }

  return {
    inputWidth,
    inputHeight,
    run(input, signal) {
      let result: Promise<EdgeRun>;
      if (inFlight === 0) {
        result = runOnce(input, 0, signal);
      } else {
        const calledAt = performance.now();
        result = queue.then(() => runOnce(input, performance.now() - calledAt, signal));
      }
      inFlight++;
      queue = result.then(
        () => void inFlight--,
        () => void inFlight--,
      );
      return result;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      await session.release();
    },
  };
}

/** [height, width] of the image input, from the model's metadata where it is static. */
function inputSize(session: OrtNamespace.InferenceSession, name: string): [number, number] {
  const meta = (session as { inputMetadata?: ReadonlyArray<{ name: string; shape?: ReadonlyArray<number | string> }> }).inputMetadata;
  const entry = meta?.find((m) => m.name === name);
  const shape = entry?.shape;
  if (shape && shape.length === 4 && typeof shape[2] === "number" && typeof shape[3] === "number" && shape[2] > 0 && shape[3] > 0) {
    return [shape[2], shape[3]];
  }
  return [DEFAULT_SIZE, DEFAULT_SIZE];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
