/**
 * docedge browser example: live camera (or a chosen photo / video) -> stable quad over the
 * picture -> auto-capture when steady -> drag the corners -> save the flattened page as JPEG,
 * PNG or PDF, with the enhancement chosen.
 *
 * Detection and flattening run in a Web Worker (createWorkerDetector), so the preview and the
 * corner dragging never wait for the network. Query parameters, for pointing the page at other
 * files: ?model=URL (the ONNX model), ?assets=URL (folder with worker.js, the WASM and models/).
 */
import {
  createTracker,
  createWorkerDetector,
  toRgbaImage,
  type LiveTracker,
  type Point,
  type Quad,
  type TrackState,
  type WorkerDetector,
} from "docedge";

const params = new URLSearchParams(location.search);
const assets = new URL(params.get("assets") ?? "./dist/", location.href);

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const view = $<HTMLCanvasElement>("view");
const ctx = view.getContext("2d")!;
const video = $<HTMLVideoElement>("video");
const statusEl = $<HTMLDivElement>("status");
const cameraBtn = $<HTMLButtonElement>("camera");
const fileInput = $<HTMLInputElement>("file");
const captureBtn = $<HTMLButtonElement>("capture");
const retakeBtn = $<HTMLButtonElement>("retake");
const saveBtn = $<HTMLButtonElement>("save");
const autoBox = $<HTMLInputElement>("auto");
const resultBox = $<HTMLDivElement>("result");
const pageImg = $<HTMLImageElement>("page");
const download = $<HTMLAnchorElement>("download");
const enhanceSel = $<HTMLSelectElement>("enhance");
const formatSel = $<HTMLSelectElement>("format");
const pdfNote = $<HTMLSpanElement>("pdf-note");
const TYPES = { jpeg: "image/jpeg", png: "image/png", pdf: "application/pdf" } as const;
const EXTENSIONS = { jpeg: "jpg", png: "png", pdf: "pdf" } as const;

type Mode =
  | { kind: "idle" }
  | { kind: "live" }
  /** A frozen picture with an editable quad. */
  | { kind: "edit"; picture: ImageBitmap | HTMLCanvasElement; quad: Quad | null };

let mode: Mode = { kind: "idle" };
let detector: WorkerDetector;
let tracker: LiveTracker;
let stopTracking: (() => void) | null = null;
let live: TrackState | null = null;
let lastDetectMs = 0;
let dragging = -1;
let captures = 0;
let lastScan: { width: number; height: number; bytes: number; quad: Quad; format: string } | null = null;
/** Object URLs of the result shown now, revoked when it is cleared. */
let resultUrls: string[] = [];

function setStatus(text: string): void {
  statusEl.textContent = text;
}

function drawQuad(q: Quad, color: string, handles: boolean): void {
  const lw = Math.max(2, Math.round(Math.max(view.width, view.height) / 300));
  ctx.lineWidth = lw;
  ctx.strokeStyle = color;
  ctx.fillStyle = color + "33";
  ctx.beginPath();
  ctx.moveTo(q[0][0], q[0][1]);
  for (let i = 1; i < 4; i++) ctx.lineTo(q[i][0], q[i][1]);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  if (handles) {
    for (const [x, y] of q) {
      ctx.beginPath();
      ctx.arc(x, y, lw * 5, 0, Math.PI * 2);
      ctx.fillStyle = color + "aa";
      ctx.fill();
      ctx.stroke();
    }
  }
}

function render(): void {
  if (mode.kind === "live" && video.videoWidth > 0) {
    if (view.width !== video.videoWidth || view.height !== video.videoHeight) {
      view.width = video.videoWidth;
      view.height = video.videoHeight;
    }
    ctx.drawImage(video, 0, 0);
    if (live?.quad) {
      const color = live.steady ? "#22c55e" : live.status === "holding" ? "#9ca3af" : "#facc15";
      drawQuad(live.quad, color, false);
    }
  } else if (mode.kind === "edit") {
    ctx.drawImage(mode.picture, 0, 0);
    if (mode.quad) drawQuad(mode.quad, "#3b82f6", true);
  } else {
    drawIdle();
  }
  requestAnimationFrame(render);
}

/** Before any picture: say what to do instead of showing an empty box. */
function drawIdle(): void {
  ctx.fillStyle = "#222";
  ctx.fillRect(0, 0, view.width, view.height);
  ctx.fillStyle = "#ddd";
  ctx.textAlign = "center";
  ctx.font = `${Math.round(view.width / 30)}px system-ui, sans-serif`;
  const lines = cameraBtn.disabled
    ? ["Choose a photo or a video of a page", "(no camera here: it needs HTTPS or localhost)"]
    : ["Open the camera and hold a page in view,", "or choose a photo or a video of one"];
  lines.forEach((line, i) => ctx.fillText(line, view.width / 2, view.height / 2 + (i - 0.5) * view.width / 22));
}

/** A live source to go back to: an opened camera or a playing video file. */
function hasLiveSource(): boolean {
  return video.srcObject instanceof MediaStream || video.currentSrc !== "";
}

/** Hide the last flattened page (and free it): never leave a result from an earlier picture. */
function clearResult(): void {
  resultBox.classList.add("hidden");
  for (const url of resultUrls) URL.revokeObjectURL(url);
  resultUrls = [];
  pageImg.removeAttribute("src");
  download.removeAttribute("href");
  lastScan = null;
}

function onTrack(s: TrackState): void {
  live = s;
  lastDetectMs = performance.now();
  const steady = s.steady ? `steady ${(s.steadyForMs / 1000).toFixed(1)} s` : "moving";
  setStatus(
    s.quad
      ? `${s.status} (${steady}, confidence ${s.confidence.toFixed(2)}) · ${detector.info.numThreads} thread(s)`
      : `looking for a page… · ${detector.info.numThreads} thread(s)`,
  );
  if (s.capture && autoBox.checked) void captureFrame(s.quad);
}

/** Freeze the current video frame at full resolution with the tracked quad, for editing. */
async function captureFrame(quad: Quad | null): Promise<void> {
  if (mode.kind !== "live" || video.videoWidth === 0) return;
  const still = document.createElement("canvas");
  still.width = video.videoWidth;
  still.height = video.videoHeight;
  still.getContext("2d")!.drawImage(video, 0, 0);
  captures++;
  stopLive();
  video.pause();
  enterEdit(still, quad);
}

function enterEdit(picture: ImageBitmap | HTMLCanvasElement, quad: Quad | null): void {
  mode = { kind: "edit", picture, quad: quad ?? defaultQuad(picture.width, picture.height) };
  view.width = picture.width;
  view.height = picture.height;
  captureBtn.disabled = true;
  // "Back to live" only when there is a camera or a video to go back to.
  retakeBtn.classList.toggle("hidden", !hasLiveSource());
  saveBtn.classList.remove("hidden");
  setStatus(quad ? "drag the corners if needed, then save" : "no page found: drag the corners onto it, then save");
}

function defaultQuad(w: number, h: number): Quad {
  const m = 0.1;
  return [
    [w * m, h * m],
    [w * (1 - m), h * m],
    [w * (1 - m), h * (1 - m)],
    [w * m, h * (1 - m)],
  ];
}

function startLive(): void {
  mode = { kind: "live" };
  tracker.reset();
  live = null;
  clearResult();
  retakeBtn.classList.add("hidden");
  saveBtn.classList.add("hidden");
  captureBtn.disabled = false;
  stopTracking?.();
  stopTracking = tracker.start(video, onTrack, (e) => setStatus(`detection failed: ${message(e)}`));
}

function stopLive(): void {
  stopTracking?.();
  stopTracking = null;
}

async function openCamera(): Promise<void> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 } },
      audio: false,
    });
    video.srcObject = stream;
    video.loop = false;
    await video.play();
    startLive();
  } catch (e) {
    setStatus(`camera unavailable (${message(e)}): choose a photo or video instead`);
  }
}

/** A photo: detect once (in the worker) and edit. A video: play it and track like the camera. */
async function openFile(file: File | Blob): Promise<{ found: boolean; quad: Quad | null }> {
  stopLive();
  clearResult();
  if (file.type.startsWith("video/")) {
    if (video.srcObject instanceof MediaStream) for (const t of video.srcObject.getTracks()) t.stop();
    video.srcObject = null;
    video.src = URL.createObjectURL(file);
    video.loop = true;
    await video.play();
    startLive();
    return { found: false, quad: null };
  }
  setStatus("detecting…");
  const picture = await createImageBitmap(file, { imageOrientation: "from-image" });
  const t0 = performance.now();
  const result = await detector.detect(file);
  enterEdit(picture, result.quad);
  setStatus(
    `${result.found ? "page found" : "no page found"} in ${(performance.now() - t0).toFixed(0)} ms ` +
      `(confidence ${result.confidence.toFixed(2)}): drag the corners if needed, then save`,
  );
  return { found: result.found, quad: result.quad };
}

async function save(): Promise<void> {
  if (mode.kind !== "edit" || !mode.quad) return;
  saveBtn.disabled = true;
  setStatus("flattening…");
  try {
    // Full-resolution pixels of the frozen picture; the worker runs scanDocument on them.
    const pixels = await toRgbaImage(mode.picture instanceof HTMLCanvasElement ? mode.picture : mode.picture);
    const t0 = performance.now();
    const format = formatSel.value as keyof typeof TYPES;
    const enhance = enhanceSel.value as "none" | "color" | "gray" | "bw";
    const page = await detector.scan(pixels, { quad: mode.quad, enhance, format, quality: 90 });
    clearResult();
    const url = URL.createObjectURL(new Blob([page.image as Uint8Array<ArrayBuffer>], { type: TYPES[format] }));
    resultUrls.push(url);
    download.href = url;
    download.download = `page.${EXTENSIONS[format]}`;
    download.textContent = `Download page.${EXTENSIONS[format]}`;
    // A PDF cannot be shown in an <img>: preview the same page as JPEG.
    const preview = format === "pdf" ? await detector.scan(pixels, { quad: mode.quad, enhance, format: "jpeg", quality: 80 }) : page;
    const previewUrl = preview === page ? url : URL.createObjectURL(new Blob([preview.image as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }));
    if (previewUrl !== url) resultUrls.push(previewUrl);
    pageImg.src = previewUrl;
    pdfNote.classList.toggle("hidden", format !== "pdf");
    resultBox.classList.remove("hidden");
    lastScan = { width: page.width, height: page.height, bytes: page.image.byteLength, quad: page.quad, format: page.format };
    setStatus(`flattened to ${page.width} x ${page.height} (${enhance}, ${format}) in ${(performance.now() - t0).toFixed(0)} ms`);
  } catch (e) {
    setStatus(`could not flatten: ${message(e)}`);
  } finally {
    saveBtn.disabled = false;
  }
}

// Corner dragging: canvas pixels from pointer positions (the canvas is CSS-scaled).
function toCanvas(ev: PointerEvent): Point {
  const r = view.getBoundingClientRect();
  return [((ev.clientX - r.left) * view.width) / r.width, ((ev.clientY - r.top) * view.height) / r.height];
}

view.addEventListener("pointerdown", (ev) => {
  if (mode.kind !== "edit" || !mode.quad) return;
  const [x, y] = toCanvas(ev);
  const reach = (Math.max(view.width, view.height) / view.getBoundingClientRect().width) * 28;
  let best = -1;
  let bestD = reach;
  mode.quad.forEach(([qx, qy], i) => {
    const d = Math.hypot(qx - x, qy - y);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  if (best >= 0) {
    dragging = best;
    view.setPointerCapture(ev.pointerId);
  }
});
view.addEventListener("pointermove", (ev) => {
  if (dragging < 0 || mode.kind !== "edit" || !mode.quad) return;
  const [x, y] = toCanvas(ev);
  const q = mode.quad.map((p) => [p[0], p[1]]) as Quad;
  q[dragging] = [Math.min(Math.max(x, 0), view.width), Math.min(Math.max(y, 0), view.height)];
  mode.quad = q;
});
view.addEventListener("pointerup", () => {
  dragging = -1;
});

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function main(): Promise<void> {
  const model = params.get("model");
  detector = await createWorkerDetector({
    worker: new URL("worker.js", assets),
    assetBase: assets,
    ...(model ? { model: new URL(model, location.href) } : {}),
    wasm: {
      ort: new URL("ort-wasm-simd-threaded.wasm", assets),
      ortMjs: new URL("ort-wasm-simd-threaded.mjs", assets),
    },
    maxSize: 640,
  });
  tracker = await createTracker({ detector });
  cameraBtn.disabled = !navigator.mediaDevices?.getUserMedia;
  setStatus(
    `ready: ${detector.info.numThreads} thread(s), ${crossOriginIsolated ? "" : "not "}cross-origin isolated, ` +
      `model loaded in ${detector.info.initMs.toFixed(0)} ms`,
  );
  cameraBtn.addEventListener("click", () => void openCamera());
  fileInput.addEventListener("change", () => {
    const f = fileInput.files?.[0];
    if (f) openFile(f).catch((e) => {
      // A bad file leaves nothing of the last one behind: no stale page, no stale download link.
      clearResult();
      mode = { kind: "idle" };
      saveBtn.classList.add("hidden");
      retakeBtn.classList.toggle("hidden", !hasLiveSource());
      setStatus(`could not open ${f.name}: ${message(e)}`);
    });
  });
  captureBtn.addEventListener("click", () => void captureFrame(live?.quad ?? null));
  retakeBtn.addEventListener("click", () => {
    if (hasLiveSource()) {
      void video.play();
      startLive();
    }
  });
  saveBtn.addEventListener("click", () => void save());
  requestAnimationFrame(render);
}

/** For the browser tests and for poking around in the console. */
const exampleApi = {
  ready: main(),
  get detector() {
    return detector;
  },
  get tracker() {
    return tracker;
  },
  get mode() {
    return mode.kind;
  },
  get editQuad() {
    return mode.kind === "edit" ? mode.quad : null;
  },
  get captures() {
    return captures;
  },
  get lastScan() {
    return lastScan;
  },
  get lastDetectMs() {
    return lastDetectMs;
  },
  openFile,
  save,
};
exampleApi.ready.catch((e: unknown) => setStatus(`could not start docedge: ${message(e)}`));
(globalThis as { docedgeExample?: ExampleApi }).docedgeExample = exampleApi;

/** What the page puts on `globalThis.docedgeExample` (the browser tests drive the page through it). */
export type ExampleApi = typeof exampleApi;
