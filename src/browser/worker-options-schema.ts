// zod/mini: tree-shakable, so a page that only creates a worker detector carries little of zod.
// Its own module, imported by createWorkerDetector when options are given, so that the package
// root loads no validator.
import * as z from "zod/mini";
import { InvalidInputError } from "../errors.ts";
import type { WorkerDetectorOptions } from "./worker-detector.ts";

const binarySchema = z.union([z.instanceof(URL), z.string().check(z.minLength(1)), z.instanceof(ArrayBuffer), z.instanceof(Uint8Array)]);
const positiveInt = z.int().check(z.positive());
const optionsSchema = z.strictObject({
  worker: z.optional(z.union([z.custom<Worker>((v) => typeof Worker === "function" && v instanceof Worker), z.instanceof(URL), z.string().check(z.minLength(1))])),
  assetBase: z.optional(z.union([z.instanceof(URL), z.string().check(z.minLength(1))])),
  model: z.optional(binarySchema),
  numThreads: z.optional(z.int().check(z.minimum(1), z.maximum(64))),
  threshold: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  limits: z.optional(z.strictObject({ maxBytes: z.optional(positiveInt), maxPixels: z.optional(positiveInt) })),
  wasm: z.optional(z.partialRecord(z.enum(["ort", "ortMjs", "jpeg", "jpegEncode", "png", "webp", "webpEncode"]), binarySchema)),
  maxSize: z.optional(z.int().check(z.minimum(64), z.maximum(8192))),
});

/** Parse `createWorkerDetector`'s options; throws InvalidInputError saying what is wrong. */
export function parseWorkerDetectorOptions(options: unknown): WorkerDetectorOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new InvalidInputError(`invalid worker detector options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
