/**
 * What a web page has, turned into what the detector takes: RGBA pixels.
 *
 * Pixel sources (canvas, video, bitmap, image element, VideoFrame) are drawn once into a canvas,
 * optionally scaled down: the network sees 256 x 256, so shipping a 4K camera frame to a worker
 * only costs time. Blobs and Files are decoded by the browser (`createImageBitmap` with EXIF
 * orientation applied), which is faster than the WASM codecs and reads every format the browser
 * does.
 */
import { InvalidInputError } from "../errors.ts";
import type { RgbaImage } from "../types.ts";

/** Every browser image source docedge accepts, besides the bytes and RgbaImage the SDK takes. */
export type BrowserImageSource =
  | ImageData
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | HTMLVideoElement
  | HTMLImageElement
  | VideoFrame
  | Blob;

export interface GrabOptions {
  /**
   * Longest side of the returned pixels; larger sources are scaled down (aspect kept), smaller
   * ones are left alone. Default: no scaling.
   */
  maxSize?: number;
}

/** Pixels grabbed from a source, and the size of the source they came from. */
export interface GrabbedFrame {
  image: RgbaImage;
  /** The source's own size; the detector's quad is scaled by sourceWidth / image.width to it. */
  sourceWidth: number;
  sourceHeight: number;
}

type Drawable = Exclude<BrowserImageSource, ImageData | Blob>;

function has(name: string): boolean {
  return typeof (globalThis as Record<string, unknown>)[name] === "function";
}

function isInstance<T>(value: unknown, ctorName: string): value is T {
  const ctor = (globalThis as Record<string, unknown>)[ctorName];
  return typeof ctor === "function" && value instanceof (ctor as abstract new (...args: never[]) => unknown);
}

export function isBrowserImageSource(value: unknown): value is BrowserImageSource {
  return (
    isInstance(value, "ImageData") ||
    isInstance(value, "HTMLCanvasElement") ||
    isInstance(value, "OffscreenCanvas") ||
    isInstance(value, "ImageBitmap") ||
    isInstance(value, "HTMLVideoElement") ||
    isInstance(value, "HTMLImageElement") ||
    isInstance(value, "VideoFrame") ||
    isInstance(value, "Blob")
  );
}

/** The natural (unscaled) size of a drawable source; 0 x 0 when it has no picture yet. */
export function sourceSize(source: Drawable | ImageData): { width: number; height: number } {
  if (isInstance<HTMLVideoElement>(source, "HTMLVideoElement")) {
    return { width: source.videoWidth, height: source.videoHeight };
  }
  if (isInstance<HTMLImageElement>(source, "HTMLImageElement")) {
    return { width: source.naturalWidth, height: source.naturalHeight };
  }
  if (isInstance<VideoFrame>(source, "VideoFrame")) {
    return { width: source.displayWidth, height: source.displayHeight };
  }
  return { width: source.width, height: source.height };
}

function scaledSize(width: number, height: number, maxSize: number | undefined): { width: number; height: number } {
  if (maxSize === undefined || Math.max(width, height) <= maxSize) return { width, height };
  if (!(maxSize >= 1)) throw new InvalidInputError(`maxSize must be at least 1, got ${maxSize}`);
  const s = maxSize / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

// One scratch canvas per thread, reused: allocating a canvas per video frame churns GPU memory.
let scratch: { canvas: OffscreenCanvas | HTMLCanvasElement; ctx: Ctx2D } | null = null;

function scratchContext(width: number, height: number): Ctx2D {
  if (scratch === null) {
    if (has("OffscreenCanvas")) {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      if (ctx) scratch = { canvas, ctx };
    }
    if (scratch === null && typeof document === "object") {
      const canvas = document.createElement("canvas");
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      if (ctx) scratch = { canvas, ctx };
    }
    if (scratch === null) throw new InvalidInputError("no 2D canvas available to read pixels in this context");
  }
  if (scratch.canvas.width !== width || scratch.canvas.height !== height) {
    scratch.canvas.width = width;
    scratch.canvas.height = height;
  }
  return scratch.ctx;
}

function fromImageData(data: ImageData): RgbaImage {
  return { data: data.data, width: data.width, height: data.height };
}

/**
 * Read a drawable source's current picture synchronously (for a video: the frame showing now),
 * scaled so its longest side is at most `maxSize`.
 *
 * @example
 * ```ts
 * import { grabFrame } from "docedge";
 * const video = document.querySelector("video")!;
 * const { image, sourceWidth } = grabFrame(video, { maxSize: 640 }); // image: RgbaImage, at most 640 px
 * ```
 */
export function grabFrame(source: Drawable | ImageData, options: GrabOptions = {}): GrabbedFrame {
  const { width: sw, height: sh } = sourceSize(source);
  if (!(sw > 0 && sh > 0)) {
    throw new InvalidInputError("the image source has no picture yet (video not playing, image not loaded?)");
  }
  const { width, height } = scaledSize(sw, sh, options.maxSize);
  if (isInstance<ImageData>(source, "ImageData")) {
    if (width === sw && height === sh) return { image: fromImageData(source), sourceWidth: sw, sourceHeight: sh };
    // putImageData ignores scaling, so the pixels go on a canvas of their own first.
    const copy = has("OffscreenCanvas") ? new OffscreenCanvas(sw, sh) : document.createElement("canvas");
    copy.width = sw;
    copy.height = sh;
    const ctx = copy.getContext("2d") as Ctx2D | null;
    if (!ctx) throw new InvalidInputError("no 2D canvas available to read pixels in this context");
    ctx.putImageData(source, 0, 0);
    return grabFrame(copy, options);
  }
  // Reading a canvas at its own size needs no copy.
  if ((isInstance(source, "HTMLCanvasElement") || isInstance(source, "OffscreenCanvas")) && width === sw && height === sh) {
    const ctx = (source as HTMLCanvasElement | OffscreenCanvas).getContext("2d") as Ctx2D | null;
    if (ctx) return { image: fromImageData(ctx.getImageData(0, 0, sw, sh)), sourceWidth: sw, sourceHeight: sh };
  }
  const ctx = scratchContext(width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(source as CanvasImageSource, 0, 0, width, height);
  return { image: fromImageData(ctx.getImageData(0, 0, width, height)), sourceWidth: sw, sourceHeight: sh };
}

/**
 * Decode a Blob or File with the browser's own decoder, EXIF orientation applied (the upright
 * picture a person sees, which is what docedge's corners refer to).
 *
 * @example
 * ```ts
 * import { decodeBlob } from "docedge";
 * const file = document.querySelector("input")!.files![0];
 * const { image } = await decodeBlob(file, { maxSize: 2048 });
 * ```
 */
export async function decodeBlob(blob: Blob, options: GrabOptions = {}): Promise<GrabbedFrame> {
  if (!has("createImageBitmap")) {
    throw new InvalidInputError("createImageBitmap is not available; pass the bytes to detectDocument instead");
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  } catch (cause) {
    throw new InvalidInputError(`the browser could not decode this ${blob.type || "file"} as an image`, { cause });
  }
  try {
    return grabFrame(bitmap, options);
  } finally {
    bitmap.close();
  }
}

/**
 * Any browser source to pixels (Blob/File decoded; everything else drawn).
 *
 * @example
 * ```ts
 * import { toRgbaFrame } from "docedge";
 * const { image, sourceWidth, sourceHeight } = await toRgbaFrame(document.querySelector("canvas")!);
 * ```
 */
export async function toRgbaFrame(source: BrowserImageSource, options: GrabOptions = {}): Promise<GrabbedFrame> {
  if (isInstance<Blob>(source, "Blob")) return decodeBlob(source, options);
  if (!isBrowserImageSource(source)) {
    throw new InvalidInputError("expected ImageData, a canvas, ImageBitmap, video, image element, VideoFrame or Blob");
  }
  return grabFrame(source as Drawable | ImageData, options);
}

/**
 * Any browser source to an RgbaImage at full (or `maxSize`-capped) resolution.
 *
 * @example
 * ```ts
 * import { detectDocument, toRgbaImage } from "docedge";
 * const image = await toRgbaImage(document.querySelector("img")!);
 * const r = await detectDocument(image);
 * ```
 */
export async function toRgbaImage(source: BrowserImageSource, options: GrabOptions = {}): Promise<RgbaImage> {
  return (await toRgbaFrame(source, options)).image;
}
