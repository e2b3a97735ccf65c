import * as z from "zod/mini";
import { InvalidInputError } from "../errors.ts";
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

// zod/mini (numbers are finite in zod 4): tree-shakable for browser bundles.
const pointSchema = z.tuple([z.number(), z.number()]);
const quadSchema = z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]);

/** Validates `ScanOptions` (the CLI reuses it so its limits are the SDK's). Typed explicitly for JSR. */
export const scanOptionsSchema: z.ZodMiniType<ScanOptions> = z.strictObject({
  quad: z.optional(quadSchema),
  enhance: z.optional(z.enum(["none", "color", "gray", "bw"])),
  format: z.optional(z.enum(["jpeg", "png", "webp", "pdf"])),
  quality: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  maxSize: z.optional(z.int().check(z.minimum(16), z.maximum(MAX_OUTPUT_SIZE))),
});

/** Options with every default filled in. */
export interface ResolvedScanOptions {
  quad: Quad | undefined;
  enhance: EnhanceMode;
  format: ScanFormat;
  quality: number;
  maxSize: number;
}

/** Validate user options (throws InvalidInputError naming the bad field) and fill defaults. */
export function resolveScanOptions(options: unknown): ResolvedScanOptions {
  const parsed = scanOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "options";
    throw new InvalidInputError(`invalid scan option ${where}: ${issue?.message ?? "invalid"}`, {
      cause: parsed.error,
    });
  }
  const o = parsed.data;
  return {
    quad: o.quad as Quad | undefined,
    enhance: o.enhance ?? "none",
    format: o.format ?? "jpeg",
    quality: o.quality ?? DEFAULT_QUALITY,
    maxSize: o.maxSize ?? DEFAULT_MAX_SIZE,
  };
}
