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
  /** The second look on a crop around the first pass's page (inference and quad finder); 0 when not taken. */
  refine: number;
  /**
   * The whole detection. The stages add up to it; only a wait for other calls' model runs (calls
   * to one detector that overlap share its model) is in none of them.
   */
  total: number;
}

/** What every detection reports, found or not. */
export interface DetectResultBase {
  /** Calibrated confidence in [0, 1] that the best quad is the document (reported when not found too). */
  confidence: number;
  /** Size of the upright source image. */
  width: number;
  height: number;
  timings: DetectTimings;
}

/** A detection that found the page: `quad` holds its corners. */
export interface DetectFound extends DetectResultBase {
  found: true;
  /** Corners in the (EXIF-upright) source image's pixels: TL, TR, BR, BL. */
  quad: Quad;
}

/** A detection that found no page (confidence under the threshold). */
export interface DetectNotFound extends DetectResultBase {
  found: false;
  quad: null;
}

/**
 * One detection. `found` narrows it: inside `if (r.found)`, `r.quad` is a `Quad`.
 *
 * @example
 * ```ts
 * import { detectDocument } from "docedge";
 * const r = await detectDocument(new Uint8Array(await (await fetch("https://example.com/a.jpg")).arrayBuffer()));
 * if (r.found) console.log(r.quad[0]); // top-left corner
 * ```
 */
export type DetectResult = DetectFound | DetectNotFound;
