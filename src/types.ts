/** A point in pixels, [x, y]. */
export type Point = [number, number];

/** Four corners: top-left, top-right, bottom-right, bottom-left (clockwise on screen). */
export type Quad = [Point, Point, Point, Point];

/** Decoded pixels, row-major RGBA, 4 bytes per pixel (the shape `ImageData` has). */
export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** Single-channel float map (e.g. the edge probability map), row-major. */
export interface FloatMap {
  data: Float32Array;
  width: number;
  height: number;
}

/** Everything `detectDocument` and `scanDocument` accept as an image. */
export type ImageInput =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Response
  | ReadableStream<Uint8Array>
  | RgbaImage;

/** Milliseconds spent in each stage of one detection. */
export interface DetectTimings {
  decode: number;
  preprocess: number;
  inference: number;
  quad: number;
  total: number;
}

export interface DetectResult {
  /** true when a document was found. */
  found: boolean;
  /** Corners in the (EXIF-upright) source image's pixels; null when not found. */
  quad: Quad | null;
  /** Calibrated confidence in [0, 1] that `quad` is the document. */
  confidence: number;
  /** Size of the upright source image. */
  width: number;
  height: number;
  timings: DetectTimings;
}
