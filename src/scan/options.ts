import { isEmptyOptions } from "../runtime/empty-options.ts";
import type { Quad } from "../types.ts";

export type EnhanceMode = "none" | "color" | "gray" | "bw";
/** How the page is encoded; `pdf` is one PDF page holding the page as a JPEG (quality applies). */
export type ScanFormat = "jpeg" | "png" | "webp" | "pdf";

/** What `scanDocument`, `detector.scan` and `scanImage` accept. */
export interface ScanOptions {
  /**
   * Corners to use instead of detecting them (e.g. after a person adjusted them), in the upright
   * source image's pixels, top-left, top-right, bottom-right, bottom-left. Corners may lie
   * outside the image; what falls outside comes out white.
   */
  quad?: Quad;
  /**
   * `none`: colour as photographed. `color`: shadow and uneven-light removal by one gain per
   * pixel (colours keep hue and saturation), white balance of near-neutral paper, contrast.
   * `gray`: the same in grey. `bw`: adaptive black and white (text pages).
   * Default `none`.
   */
  enhance?: EnhanceMode;
  /** Output encoding. Default `jpeg`. `pdf`: a one-page PDF sized like the paper (A4 stays 210 x 297 mm). */
  format?: ScanFormat;
  /** JPEG / WebP quality (and the JPEG inside a PDF), 1-100. Default 85. Ignored for PNG. */
  quality?: number;
  /**
   * Longest side of the output in pixels. The page is never enlarged past the resolution the
   * photo holds; this only caps it. Default 3508 (A4 at 300 dpi).
   */
  maxSize?: number;
}

/** The flattened page. */
export interface ScanResult {
  /** The encoded page (JPEG, PNG, WebP or PDF bytes, as `format` says). */
  image: Uint8Array;
  /** The page's size in pixels. */
  width: number;
  height: number;
  /** The corners used, in the upright source image's pixels, clockwise from top-left. */
  quad: Quad;
  format: ScanFormat;
  /** The paper size the page's shape matched ("A-series (A4)", "US Letter", ...), or null. */
  paper: string | null;
}

export const DEFAULT_MAX_SIZE = 3508;
export const DEFAULT_QUALITY = 85;
/** Hard cap on the output's long side: keeps one RGBA page under ~256 MB. */
export const MAX_OUTPUT_SIZE = 8192;

/** Options with every default filled in. */
export interface ResolvedScanOptions {
  quad: Quad | undefined;
  enhance: EnhanceMode;
  format: ScanFormat;
  quality: number;
  maxSize: number;
}

/**
 * Validate user options (throws InvalidInputError naming the bad field) and fill defaults. The
 * zod schema (options-schema.ts) is imported only when options are given: `import("docedge")`
 * loads no validator, and a scan without options never does.
 */
export async function resolveScanOptions(options: unknown): Promise<ResolvedScanOptions> {
  const o: ScanOptions = isEmptyOptions(options) ? {} : (await import("./options-schema.ts")).parseScanOptions(options);
  return {
    quad: o.quad,
    enhance: o.enhance ?? "none",
    format: o.format ?? "jpeg",
    quality: o.quality ?? DEFAULT_QUALITY,
    maxSize: o.maxSize ?? DEFAULT_MAX_SIZE,
  };
}
