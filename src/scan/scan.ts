import { InvalidInputError } from "../errors.ts";
import type { Quad, RgbaImage } from "../types.ts";
import { estimateAspect, pageSize, type AspectEstimate } from "./aspect.ts";
import { encodePage } from "./encode.ts";
import { enhance } from "./enhance.ts";
import { resolveScanOptions, type ResolvedScanOptions, type ScanOptions, type ScanResult } from "./options.ts";
import { validateQuad } from "./quad.ts";
import { outputToSource, reduceForWarp, warpRows } from "./warp.ts";

export type { ScanOptions, ScanResult } from "./options.ts";

/** Output rows warped between yields to the event loop (keeps servers responsive on big pages). */
const STRIP_ROWS = 256;

/** The flattened page before encoding, plus how its shape was decided. */
export interface RectifiedPage {
  image: RgbaImage;
  quad: Quad;
  aspect: AspectEstimate;
}

function checkImage(image: RgbaImage): void {
  const ok =
    image !== null &&
    typeof image === "object" &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    (image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray) &&
    image.data.length === image.width * image.height * 4;
  if (!ok) throw new InvalidInputError("image must be { data: RGBA bytes (width*height*4), width, height }");
}

/**
 * Warp and enhance, without encoding: the page as RGBA pixels (for a canvas, or further work).
 * `quad` is in `image`'s pixels; options.quad, when given, takes precedence.
 *
 * @example
 * ```ts
 * import { decodeImage, detectDocument, rectifyImage } from "docedge";
 * const image = await decodeImage(jpegBytes);
 * const r = await detectDocument(image);
 * if (r.found) {
 *   const { image: page, aspect } = await rectifyImage(image, r.quad, { enhance: "gray" });
 *   console.log(`${page.width}x${page.height}`, aspect.snappedTo);
 * }
 * ```
 */
export async function rectifyImage(image: RgbaImage, quad: Quad, options?: ScanOptions): Promise<RectifiedPage> {
  checkImage(image);
  const opts = await resolveScanOptions(options);
  return rectifyResolved(image, opts.quad ?? quad, opts);
}

async function rectifyResolved(image: RgbaImage, rawQuad: Quad, opts: ResolvedScanOptions): Promise<RectifiedPage> {
  const quad = validateQuad(rawQuad, image.width, image.height);
  const aspect = estimateAspect(quad, image.width, image.height);
  const { width, height } = pageSize(quad, aspect.ratio, opts.maxSize);
  const out: RgbaImage = { data: new Uint8Array(width * height * 4), width, height };
  const from = reduceForWarp(image, quad, width, height);
  const h = outputToSource(from.quad, width, height);
  for (let y = 0; y < height; y += STRIP_ROWS) {
    warpRows(from.src, h, out, y, Math.min(height, y + STRIP_ROWS));
    if (y + STRIP_ROWS < height) await yieldToEventLoop();
  }
  enhance(out, opts.enhance);
  return { image: out, quad, aspect };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Flatten the page `quad` outlines in `image` (upright RGBA pixels), enhance and encode it.
 * `options.quad`, when given, overrides `quad` (corners a person adjusted).
 * Throws InvalidQuadError for a quad that cannot be a page, InvalidInputError for bad options.
 *
 * @example
 * ```ts
 * import { decodeImage, scanImage } from "docedge";
 * const image = await decodeImage(jpegBytes);
 * const page = await scanImage(image, [[95, 192], [866, 196], [878, 1316], [64, 1300]], { format: "webp" });
 * ```
 */
export async function scanImage(image: RgbaImage, quad: Quad, options?: ScanOptions): Promise<ScanResult> {
  checkImage(image);
  const opts = await resolveScanOptions(options);
  const page = await rectifyResolved(image, opts.quad ?? quad, opts);
  const bytes = await encodePage(page.image, opts.format, opts.quality, page.aspect.snappedTo);
  return { image: bytes, width: page.image.width, height: page.image.height, quad: page.quad, format: opts.format, paper: page.aspect.snappedTo };
}
