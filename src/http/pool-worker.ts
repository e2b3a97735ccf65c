/**
 * One pool worker: a thread with its own detector (ONNX Runtime session and codecs). It takes one
 * job at a time from the server's thread; the pool terminates it when a job overruns its budget.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { createDetector, type Detector } from "../detector.ts";
import { isDocedgeError } from "../errors.ts";
import type { JobRequest, WireError, WorkerInit, WorkerReply } from "./pool-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("pool-worker.ts runs only as a worker thread");

function wire(error: unknown): WireError {
  if (isDocedgeError(error)) return { code: error.code, message: error.message };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

let detector: Detector;
try {
  detector = await createDetector((workerData as WorkerInit).detectorOptions);
  post({ type: "ready" });
} catch (error) {
  post({ type: "failed", error: wire(error) });
  throw error;
}

port.on("message", (job: JobRequest) => {
  void (async () => {
    try {
      if (job.kind === "detect") {
        const { edgeMap: _unused, ...result } = await detector.detect(job.bytes, job.threshold !== undefined ? { threshold: job.threshold } : {});
        post({ type: "result", id: job.id, result });
      } else {
        const result = await detector.scan(job.bytes, job.options);
        const image = result.image.slice();
        post({ type: "result", id: job.id, result: { ...result, image } }, [image.buffer as ArrayBuffer]);
      }
    } catch (error) {
      post({ type: "error", id: job.id, error: wire(error) });
    }
  })();
});
