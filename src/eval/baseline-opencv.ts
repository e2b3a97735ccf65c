import type { Point, Quad, RgbaImage } from "../types.ts";

/**
 * The classical pipeline most JavaScript document scanners ship, as jscanify does it: Canny, blur,
 * Otsu threshold, external-and-hole contours, the largest contour by area, and for its corners the
 * contour point farthest from the min-area rectangle's centre in each quadrant. Run with
 * @techstark/opencv-js (a dev dependency): it exists to put docedge's numbers next to the
 * approach users would otherwise reach for, on the same photos in the same run.
 */
export interface Baseline {
  readonly name: string;
  detect(image: RgbaImage): { found: boolean; quad: Quad | null };
}

/** The few OpenCV.js calls used here (the package's own typings are not a dependency). */
interface CvMat {
  delete(): void;
  data32S: Int32Array;
}
interface CvMatVector {
  size(): number;
  get(i: number): CvMat;
  delete(): void;
}
interface CvRotatedRect {
  center: { x: number; y: number };
}
interface Cv {
  Mat: new () => CvMat;
  MatVector: new () => CvMatVector;
  Size: new (w: number, h: number) => unknown;
  matFromImageData(img: { data: Uint8ClampedArray; width: number; height: number }): CvMat;
  cvtColor(src: CvMat, dst: CvMat, code: number): void;
  Canny(src: CvMat, dst: CvMat, t1: number, t2: number): void;
  GaussianBlur(src: CvMat, dst: CvMat, size: unknown, sx: number, sy: number, border: number): void;
  threshold(src: CvMat, dst: CvMat, thresh: number, max: number, type: number): void;
  findContours(src: CvMat, contours: CvMatVector, hierarchy: CvMat, mode: number, method: number): void;
  contourArea(c: CvMat): number;
  minAreaRect(c: CvMat): CvRotatedRect;
  COLOR_RGBA2GRAY: number;
  BORDER_DEFAULT: number;
  THRESH_OTSU: number;
  RETR_CCOMP: number;
  CHAIN_APPROX_SIMPLE: number;
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ cv: Cv }> | null = null;

/**
 * Load OpenCV.js once. The Emscripten module is a thenable that resolves to itself, so it must
 * never reach `await` or a promise's resolve (that never settles): it is required through
 * CommonJS, its init callback is used, and it travels wrapped in an object.
 */
function loadCv(): Promise<{ cv: Cv }> {
  loading ??= (async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const cv = require("@techstark/opencv-js") as Cv;
    if (typeof (cv as Partial<Cv>).Mat !== "function") {
      await new Promise<void>((resolve) => {
        cv.onRuntimeInitialized = () => resolve();
      });
    }
    return { cv };
  })();
  return loading;
}

/** The baseline, or the reason it cannot run here (the dev dependency is not installed). */
export async function loadOpenCvBaseline(): Promise<Baseline | { unavailable: string }> {
  let cv: Cv;
  try {
    ({ cv } = await loadCv());
  } catch (error) {
    loading = null;
    return { unavailable: `@techstark/opencv-js could not be loaded (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
  return {
    name: "opencv-jscanify",
    detect: (image) => detectWithOpenCv(cv, image),
  };
}

function detectWithOpenCv(cv: Cv, image: RgbaImage): { found: boolean; quad: Quad | null } {
  const data = image.data instanceof Uint8ClampedArray ? image.data : new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  const src = cv.matFromImageData({ data, width: image.width, height: image.height });
  const gray = new cv.Mat();
  const edges = new cv.Mat();
  const blurred = new cv.Mat();
  const thresh = new cv.Mat();
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  try {
    cv.cvtColor(src, gray, cv.COLOR_RGBA2GRAY);
    cv.Canny(gray, edges, 50, 200);
    cv.GaussianBlur(edges, blurred, new cv.Size(3, 3), 0, 0, cv.BORDER_DEFAULT);
    cv.threshold(blurred, thresh, 0, 255, cv.THRESH_OTSU);
    cv.findContours(thresh, contours, hierarchy, cv.RETR_CCOMP, cv.CHAIN_APPROX_SIMPLE);
    let best = -1;
    let bestArea = 0;
    for (let i = 0; i < contours.size(); i++) {
      const c = contours.get(i);
      const area = cv.contourArea(c);
      c.delete();
      if (area > bestArea) { bestArea = area; best = i; }
    }
    if (best < 0) return { found: false, quad: null };
    const contour = contours.get(best);
    try {
      const quad = cornerPoints(cv, contour);
      return quad ? { found: true, quad } : { found: false, quad: null };
    } finally {
      contour.delete();
    }
  } finally {
    for (const m of [src, gray, edges, blurred, thresh, hierarchy]) m.delete();
    contours.delete();
  }
}

/** jscanify's getCornerPoints: the farthest contour point from the centre in each quadrant. */
function cornerPoints(cv: Cv, contour: CvMat): Quad | null {
  const { x: cx, y: cy } = cv.minAreaRect(contour).center;
  const best: (Point | null)[] = [null, null, null, null];
  const dist = [0, 0, 0, 0];
  const pts = contour.data32S;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const x = pts[i], y = pts[i + 1];
    const d = Math.hypot(x - cx, y - cy);
    const k = x < cx && y < cy ? 0 : x > cx && y < cy ? 1 : x > cx && y > cy ? 2 : x < cx && y > cy ? 3 : -1;
    if (k >= 0 && d > dist[k]) { dist[k] = d; best[k] = [x, y]; }
  }
  if (best.some((p) => p === null)) return null;
  // Contour points are pixel indices; the quad convention puts pixel centres at +0.5.
  return best.map((p) => [p![0] + 0.5, p![1] + 0.5]) as Quad;
}
