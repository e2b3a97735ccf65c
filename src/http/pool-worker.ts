/**
 * One pool worker: a thread with its own detector (ONNX Runtime session and codecs). It takes one
 * job at a time from the server's thread; the pool terminates it when a job overruns its budget.
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { createDetector, type Detector } from "../detector.ts";
import { isDocedgeError } from "../errors.ts";
import { encodeJpeg } from "../image/codecs.ts";
import { JobClock, type JobRequest, type PoolMessage, type WireError, type WorkerInit, type WorkerReply } from "./pool-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("pool-worker.ts runs only as a worker thread");

function wire(error: unknown): WireError {
  if (isDocedgeError(error)) return { code: error.code, message: error.message };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

/**
 * End this thread from inside. Closing the port empties the event loop, so the thread ends as a
 * finished program does (Node then lets V8's background work for it drain before tearing it
 * down). Deno's port has no close(); exiting ends only this worker there.
 */
const leave = (): void => {
  if (typeof (port as { close?: unknown }).close === "function") port.close();
  else process.exit(0);
};

/**
 * A full collection, where the runtime offers one. A failed decode leaves a discarded WASM
 * instance whose memory (up to width x height x 4 bytes) V8 frees only when it next collects,
 * and a thread that fails cheap requests in a row may not collect for a long time.
 */
function garbageCollector(): () => void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) return () => bun.gc(true);
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    if (typeof gc === "function") return gc as () => void;
  } catch {
    // Not offered here (Deno); the engine's own heuristics will do.
  }
  return () => {};
}

const collect = garbageCollector();
// JavaScriptCore barely counts the megabytes of short-lived buffers each image leaves (body,
// RGBA pixels), so without a nudge a Bun worker's memory climbs under steady load.
const COLLECT_EVERY = 16;
let sinceCollect = 0;
const clock = new JobClock((workerData as WorkerInit).clock);

/**
 * One small detection before the thread takes requests: the first one compiles the JPEG codecs
 * and warms ONNX Runtime, seconds on a busy machine, which would otherwise count against the first
 * real request's time budget. The image holds a light, tilted page on a dark desk so that the
 * quad finder runs its whole path too (a flat grey image left its first real call to JIT).
 */
async function warmUp(d: Detector): Promise<void> {
  await d.detect(await encodeJpeg(warmUpPage(160, 120), { quality: 80 }));
}

/** A bright quadrilateral (corners as fractions of the frame) on a dark background, RGBA. */
function warmUpPage(width: number, height: number): { data: Uint8ClampedArray; width: number; height: number } {
  const corners: ReadonlyArray<readonly [number, number]> = [[0.22, 0.14], [0.8, 0.2], [0.76, 0.88], [0.18, 0.82]];
  const quad = corners.map(([x, y]) => [x * width, y * height] as const);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let inside = true;
      for (let i = 0; i < 4 && inside; i++) {
        const [ax, ay] = quad[i]!;
        const [bx, by] = quad[(i + 1) % 4]!;
        inside = (bx - ax) * (y + 0.5 - ay) - (by - ay) * (x + 0.5 - ax) >= 0;
      }
      const o = (y * width + x) * 4;
      const v = inside ? 235 : 60;
      data[o] = v;
      data[o + 1] = v;
      data[o + 2] = inside ? v : 50;
      data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

// No top-level await: listening on the port from the start keeps the thread alive while the model
// and codecs load (Bun ends a worker whose top-level await waits on a file read alone, exit 13).
const started: Promise<Detector> = (async () => {
  const d = await createDetector((workerData as WorkerInit).detectorOptions);
  await warmUp(d);
  return d;
})();
started.then(
  () => post({ type: "ready" }),
  (error: unknown) => {
    post({ type: "failed", error: wire(error) });
    leave();
  },
);

/**
 * Leave at rest: free the detector, finish any garbage collection under way (a full collection
 * completes incremental marking), then end the thread from inside (leave). Node 20
 * can abort the whole process when a thread's isolate is torn down while V8 still has work queued
 * for it (see pool.ts), and an idle, collected thread has the least of that.
 */
const stop = async (): Promise<void> => {
  const detector = await started.catch(() => null);
  await detector?.dispose().catch(() => {});
  collect();
  leave();
};

port.on("message", (message: PoolMessage) => {
  if (message.kind === "stop") {
    void stop();
    return;
  }
  run(message);
});

function run(job: JobRequest): void {
  void (async () => {
    // The pool sends jobs only once "ready" arrived, so this resolves at once.
    const detector = await started;
    clock.start(job.id);
    try {
      if (job.kind === "detect") {
        const { edgeMap: _unused, ...result } = await detector.detect(job.bytes, {
          ...(job.threshold !== undefined ? { threshold: job.threshold } : {}),
          ...(job.secondLook !== undefined ? { secondLook: job.secondLook } : {}),
        });
        clock.finish(job.id);
        post({ type: "result", id: job.id, result });
      } else {
        const result = await detector.scan(job.bytes, job.options);
        const image = result.image.slice();
        clock.finish(job.id);
        post({ type: "result", id: job.id, result: { ...result, image } }, [image.buffer as ArrayBuffer]);
      }
    } catch (error) {
      clock.finish(job.id);
      post({ type: "error", id: job.id, error: wire(error) });
      sinceCollect = COLLECT_EVERY;
    }
    if (++sinceCollect >= COLLECT_EVERY) {
      sinceCollect = 0;
      collect();
    }
  })();
}
