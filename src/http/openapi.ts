import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HttpLimits } from "./app.ts";
import { detectQuerySchema, detectResponseSchema, healthSchema, problemSchema, scanQuerySchema } from "./schemas.ts";

// Bodies are described with plain OpenAPI objects, not zod, so the OpenAPI layer documents them
// without parsing them: the handlers stream and size-check the body themselves.
const imageBody = {
  required: true,
  description: "The photo: raw bytes with its media type, or a multipart form with an `image` file field.",
  content: {
    "image/jpeg": { schema: { type: "string" as const, format: "binary" } },
    "image/png": { schema: { type: "string" as const, format: "binary" } },
    "image/webp": { schema: { type: "string" as const, format: "binary" } },
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        properties: { image: { type: "string" as const, format: "binary" } },
        required: ["image"],
      },
    },
  },
};

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

function errorResponses(limits: Required<HttpLimits>) {
  return {
    400: problem("Malformed options (code INVALID_INPUT; INVALID_QUAD for a bad `quad`)."),
    413: problem(
      `Body over ${limits.maxBytes} bytes or image over ${limits.maxPixels} pixels (code IMAGE_TOO_LARGE).`,
    ),
    415: problem("Not JPEG, PNG or WebP (code UNSUPPORTED_FORMAT)."),
    422: problem("The image fails to decode (code CORRUPT_IMAGE)."),
    503: {
      ...problem("Queue full (code BUSY); see Retry-After."),
      headers: { "Retry-After": { schema: { type: "integer" as const }, description: "Seconds to wait." } },
    },
  };
}

export function registerOpenApi(app: OpenAPIHono, limits: Required<HttpLimits>): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/detect",
    summary: "Find the document's four corners",
    request: { query: detectQuerySchema, body: imageBody },
    responses: {
      200: { description: "Detection result.", content: { "application/json": { schema: detectResponseSchema } } },
      ...errorResponses(limits),
    },
  });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/scan",
    summary: "Flatten the page (detecting it unless `quad` is given)",
    request: { query: scanQuerySchema, body: imageBody },
    responses: {
      200: {
        description: "The flattened page, encoded as asked.",
        headers: {
          "X-Docedge-Quad": {
            description: "JSON [[x,y] x4] corners used (TL, TR, BR, BL) in source pixels.",
            schema: { type: "string" as const },
          },
          "X-Docedge-Width": { schema: { type: "integer" as const } },
          "X-Docedge-Height": { schema: { type: "integer" as const } },
        },
        content: {
          "image/jpeg": { schema: { type: "string" as const, format: "binary" } },
          "image/png": { schema: { type: "string" as const, format: "binary" } },
          "image/webp": { schema: { type: "string" as const, format: "binary" } },
          "application/pdf": { schema: { type: "string" as const, format: "binary" } },
        },
      },
      ...errorResponses(limits),
      422: problem("The image fails to decode (CORRUPT_IMAGE), or no document was found (INVALID_QUAD)."),
    },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/healthz",
    summary: "Liveness, detector state and queue depth",
    responses: { 200: { description: "Up.", content: { "application/json": { schema: healthSchema } } } },
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "docedge",
      version: "0.1.0",
      description: "Find the four corners of a paper document in a photo, and flatten it.",
    },
  });
}
