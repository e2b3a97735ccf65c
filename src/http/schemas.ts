import { z } from "@hono/zod-openapi";
import type { DetectFound, DetectNotFound, DetectTimings, Quad } from "../types.ts";
import { MAX_OUTPUT_SIZE } from "../scan/options.ts";

// Query strings carry every option, so numbers arrive as text. They are parsed strictly: plain
// decimal notation only (no empty value, no "0x1", "1e3", " 1" or "Infinity", which Number() takes).

const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;
const INTEGER = /^-?\d+$/;

function decimal(min: number, max: number, integer = false) {
  const range = integer ? z.number().int().min(min).max(max) : z.number().min(min).max(max);
  return z
    .string()
    .regex(integer ? INTEGER : DECIMAL, integer ? "expected a whole number" : "expected a decimal number")
    .transform(Number)
    .pipe(range);
}

const threshold = decimal(0, 1)
  .optional()
  .openapi({ description: "Minimum confidence for `found` (0..1); the detector's default when omitted.", example: 0.5 });

/** "x1,y1,x2,y2,x3,y3,x4,y4" (TL, TR, BR, BL) or the JSON form [[x,y],...], in source pixels. */
export const quadParam = z
  .string()
  .transform((text, ctx): Quad => {
    const numbers = parseQuadNumbers(text);
    if (!numbers) {
      ctx.addIssue({
        code: "custom",
        message: "quad must be 8 finite numbers x1,y1,x2,y2,x3,y3,x4,y4 (TL, TR, BR, BL) or [[x,y],[x,y],[x,y],[x,y]]",
      });
      return z.NEVER;
    }
    const [a, b, c, d, e, f, g, h] = numbers as [number, number, number, number, number, number, number, number];
    return [
      [a, b],
      [c, d],
      [e, f],
      [g, h],
    ];
  })
  .openapi({
    type: "string",
    description:
      "Corners to use instead of detecting, in source pixels: `x1,y1,x2,y2,x3,y3,x4,y4` (TL, TR, BR, BL) or `[[x,y],...]`.",
    example: "95,191,864,195,876,1316,65,1299",
  });

function parseQuadNumbers(text: string): number[] | null {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (!Array.isArray(parsed)) return null;
      values = parsed.flat();
    } catch {
      return null;
    }
  } else {
    values = trimmed.split(",").map((part) => (DECIMAL.test(part.trim()) ? Number(part) : Number.NaN));
  }
  if (values.length !== 8) return null;
  if (!values.every((v): v is number => typeof v === "number" && Number.isFinite(v))) return null;
  return values;
}

const secondLook = z
  .enum(["auto", "always", "never"])
  .optional()
  .openapi({
    description:
      "Run the model again on a crop around the page: `auto` (default) where the first pass is unsure or the page is small in the photo, `always`, or `never` (one inference: live camera frames).",
    example: "auto",
  });

export const detectQuerySchema = z
  .strictObject({ threshold, secondLook })
  .openapi("DetectQuery");

export const scanQuerySchema = z
  .strictObject({
    enhance: z
      .enum(["none", "color", "gray", "bw"])
      .optional()
      .openapi({ description: "Post-processing of the flattened page." }),
    format: z.enum(["jpeg", "png", "webp", "pdf"]).optional().openapi({ description: "Encoding of the answer (pdf: one page sized like the paper). Without it, `Accept: application/pdf` (or image/png, image/webp) picks one; default jpeg." }),
    quality: decimal(1, 100, true)
      .optional()
      .openapi({ description: "JPEG/WebP quality, 1..100." }),
    maxSize: decimal(16, MAX_OUTPUT_SIZE, true)
      .optional()
      .openapi({ description: "Longest side of the output page in pixels." }),
    quad: quadParam.optional(),
  })
  .openapi("ScanQuery");

export type DetectQuery = z.infer<typeof detectQuerySchema>;
export type ScanQuery = z.infer<typeof scanQuerySchema>;

const point = z.tuple([z.number(), z.number()]).openapi({ description: "[x, y] in source pixels" });
const quadSchema = z.tuple([point, point, point, point]).openapi("Quad", {
  description: "Corners TL, TR, BR, BL (clockwise on screen), in pixels of the EXIF-upright image.",
});

const detectTimingsSchema = z
  .object({
    queue: z.number().openapi({ description: "ms waiting for the detector" }),
    decode: z.number(),
    preprocess: z.number(),
    inference: z.number(),
    quad: z.number(),
    refine: z.number().openapi({ description: "ms of the second look on a crop around the page found by the first pass (0 when not taken)" }),
    total: z.number(),
  })
  .openapi({ description: "Milliseconds per stage." });

const detectBase = {
  confidence: z.number().min(0).max(1),
  width: z.number().int(),
  height: z.number().int(),
  timings: detectTimingsSchema,
};

/** Milliseconds per stage, the queue wait included. */
export type DetectResponseTimings = DetectTimings & { queue: number };

/** The JSON body of a 200 from `POST /v1/detect`; `found` narrows `quad`. */
export type DetectResponse =
  | (Omit<DetectFound, "timings"> & { timings: DetectResponseTimings })
  | (Omit<DetectNotFound, "timings"> & { timings: DetectResponseTimings });

/** `found` tells the two shapes apart: `quad` is a Quad when found, null when not. Typed explicitly for JSR. */
export const detectResponseSchema: z.ZodType<DetectResponse> = z
  .discriminatedUnion("found", [
    z.object({ found: z.literal(true), quad: quadSchema, ...detectBase }),
    z.object({ found: z.literal(false), quad: z.null(), ...detectBase }),
  ])
  .openapi("DetectResponse");

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({
      description:
        "INVALID_INPUT, UNSUPPORTED_FORMAT, CORRUPT_IMAGE, IMAGE_TOO_LARGE, INVALID_QUAD, BUSY, ABORTED, MODEL_LOAD_FAILED, NOT_FOUND, INTERNAL",
    }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

export const healthSchema = z
  .object({
    status: z.literal("ok"),
    detector: z.enum(["idle", "loading", "ready", "failed"]),
    queue: z.object({
      running: z.number().int(),
      waiting: z.number().int(),
      concurrency: z.number().int(),
      maxQueue: z.number().int(),
    }),
    uploading: z.number().int().openapi({ description: "Request bodies being received (not yet queued)." }),
    limits: z.object({ maxBytes: z.number().int(), maxPixels: z.number().int() }),
  })
  .openapi("Health");

/** Flattens zod issues for problem+json `errors`. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join(".") : "(query)",
    message: issue.message,
  }));
}
