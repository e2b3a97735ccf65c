// zod/mini (numbers are finite in zod 4): tree-shakable for browser bundles. Its own module so
// that the package root loads no validator: options.ts imports it when options are given.
import * as z from "zod/mini";
import { InvalidInputError } from "../errors.ts";
import { MAX_OUTPUT_SIZE, type ScanOptions } from "./options.ts";

const pointSchema = z.tuple([z.number(), z.number()]);
const quadSchema = z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]);

/**
 * Validates `ScanOptions` (the CLI reuses it so its limits are the SDK's). Typed explicitly for JSR.
 *
 * @example
 * ```ts
 * import { scanOptionsSchema } from "docedge/schemas";
 * const ok = scanOptionsSchema.safeParse({ enhance: "bw", quality: 90 }).success; // true
 * ```
 */
export const scanOptionsSchema: z.ZodMiniType<ScanOptions> = z.strictObject({
  quad: z.optional(quadSchema),
  enhance: z.optional(z.enum(["none", "color", "gray", "bw"])),
  format: z.optional(z.enum(["jpeg", "png", "webp", "pdf"])),
  quality: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  maxSize: z.optional(z.int().check(z.minimum(16), z.maximum(MAX_OUTPUT_SIZE))),
});

/** Parse user options with `scanOptionsSchema`; throws InvalidInputError naming the bad field. */
export function parseScanOptions(options: unknown): ScanOptions {
  const parsed = scanOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "options";
    throw new InvalidInputError(`invalid scan option ${where}: ${issue?.message ?? "invalid"}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
