/**
 * docedge's options schemas (zod/mini), for callers that validate their own input (a form, a
 * config file) with the same rules the SDK applies. Apart from the package root so that
 * `import("docedge")` loads no validator; the SDK imports these itself when options are given.
 *
 * @example
 * ```ts
 * import { scanOptionsSchema, trackerOptionsSchema } from "docedge/schemas";
 * scanOptionsSchema.safeParse({ enhance: "bw", format: "pdf" }).success; // true
 * trackerOptionsSchema.safeParse({ minHits: 0 }).success; // false: at least 1
 * ```
 * @module
 */
export { scanOptionsSchema } from "./scan/options-schema.ts";
export { trackerOptionsSchema } from "./browser/tracker.ts";
