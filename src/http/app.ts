/**
 * The docedge HTTP API as a Hono app (`docedge/http`): POST /v1/detect, POST /v1/scan,
 * GET /healthz and GET /openapi.json, on any runtime that speaks `fetch`. The runtime adapters
 * (`docedge/http/node`, `/bun`, `/deno`, `docedge/workers`) serve it.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cors } from "hono/cors";
import type { z } from "@hono/zod-openapi";
import { DocedgeError, InvalidInputError, isDocedgeError } from "../errors.ts";
import type { DetectResult, Quad } from "../types.ts";
import type { SecondLookMode } from "../quad/second-look.ts";
import type { ScanOptions, ScanResult } from "../scan/options.ts";
import { createDetector, type DetectorOptions } from "../detector.ts";
import { readThenAdmit, UploadGate } from "./admission.ts";
import { makeProblem, problemFromError, problemResponse, type Problem } from "./problem.ts";
import { BusyError, RequestQueue, type QueueStats } from "./queue.ts";
import { formatFromAccept, SCAN_CONTENT_TYPES } from "./accept.ts";
import { detectQuerySchema, issuesOf, scanQuerySchema, type DetectResponse } from "./schemas.ts";

export type { DetectResponse } from "./schemas.ts";
import { registerOpenApi } from "./openapi.ts";

/** What the app needs from a detector (the SDK's `Detector` has this shape). */
export interface HttpDetector {
  detect(input: Uint8Array, options?: { threshold?: number; signal?: AbortSignal; secondLook?: SecondLookMode }): Promise<DetectResult>;
  scan(input: Uint8Array, options?: ScanOptions): Promise<ScanResult>;
}

export interface HttpLimits {
  /** Largest accepted image in bytes (raw body or the multipart `image` field). Default 20 MiB. */
  maxBytes?: number;
  /** Largest decoded image in pixels (width x height). Default 40 megapixels. */
  maxPixels?: number;
}

export interface AppOptions {
  /**
   * Options for the detector the app creates on the first request that needs one (one per app,
   * i.e. per process or isolate; `limits` below are added to them).
   */
  detectorOptions?: Omit<DetectorOptions, "limits">;
  /**
   * Or: makes the detector yourself. Called once per app, lazily; a failure is retried on a later
   * request. The pixel limit is then the detector's own.
   */
  detector?: (limits: Required<HttpLimits>) => HttpDetector | Promise<HttpDetector>;
  limits?: HttpLimits;
  /**
   * Requests processed at once. Default 1 (one in-process detector); the Node, Bun and Deno
   * servers set it to their worker-thread count.
   */
  concurrency?: number;
  /**
   * Requests admitted to wait beyond `concurrency`; more get 503 + Retry-After. Default 32. A
   * request is admitted only once its whole body has arrived, so slow uploads never hold a place.
   */
  maxQueue?: number;
  /** Request bodies received at once; more get 503 + Retry-After. Default 128. */
  maxUploads?: number;
  /** Time allowed for a whole request body to arrive, in ms; slower uploads get 408. Default 30 000. */
  bodyTimeoutMs?: number;
  /**
   * Cross-origin access for browsers: `true` allows any origin, or pass hono's `cors()` options.
   * Default off (no CORS headers; preflights get 404).
   */
  cors?: boolean | CorsOptions;
  /** Called with errors that are not the client's fault (never sent to the client). */
  onError?: (error: unknown) => void;
}

type CorsOptions = NonNullable<Parameters<typeof cors>[0]>;

/**
 * Default time for a whole request body to arrive (ms); slower uploads get 408.
 *
 * @example
 * ```ts
 * import { createApp, DEFAULT_BODY_TIMEOUT_MS } from "docedge/http";
 * const app = createApp({ bodyTimeoutMs: 2 * DEFAULT_BODY_TIMEOUT_MS }); // slow mobile uploads
 * ```
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/**
 * Default number of request bodies received at once; more get 503 + Retry-After.
 *
 * @example
 * ```ts
 * import { createApp, DEFAULT_MAX_UPLOADS } from "docedge/http";
 * const app = createApp({ maxUploads: DEFAULT_MAX_UPLOADS / 4 });
 * ```
 */
export const DEFAULT_MAX_UPLOADS = 128;

/**
 * The server's default limits: 20 MiB bodies, 40 megapixel images. (Named apart from the
 * decoder's `DEFAULT_LIMITS` that `docedge` exports.)
 *
 * @example
 * ```ts
 * import { createApp, DEFAULT_HTTP_LIMITS } from "docedge/http";
 * const app = createApp({ limits: { ...DEFAULT_HTTP_LIMITS, maxBytes: 5 * 1024 * 1024 } });
 * ```
 */
export const DEFAULT_HTTP_LIMITS: Required<HttpLimits> = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
};

/**
 * The server's default limits, under the name `docedge` also uses for the decoder's.
 *
 * @deprecated Use {@link DEFAULT_HTTP_LIMITS} (the same object); this name stays for existing code.
 * @example
 * ```ts
 * import { DEFAULT_HTTP_LIMITS, DEFAULT_LIMITS } from "docedge/http";
 * console.log(DEFAULT_LIMITS === DEFAULT_HTTP_LIMITS); // true
 * ```
 */
export const DEFAULT_LIMITS: Required<HttpLimits> = DEFAULT_HTTP_LIMITS;

type DetectorState = "idle" | "loading" | "ready" | "failed";


/**
 * The docedge HTTP API as a Hono app: POST /v1/detect, POST /v1/scan, GET /healthz and
 * GET /openapi.json. Runtime adapters (node.ts, bun.ts, deno.ts, workers.ts) wrap this.
 *
 * @example
 * ```ts
 * import { createApp } from "docedge/http";
 * const app = createApp({ cors: true, limits: { maxBytes: 10 * 1024 * 1024 } });
 * const res = await app.request("/healthz"); // a Hono app: app.fetch(request) -> Response
 * console.log(await res.json());
 * ```
 */
export function createApp(options: AppOptions = {}): OpenAPIHono {
  const limits: Required<HttpLimits> = { ...DEFAULT_HTTP_LIMITS, ...definedOnly(options.limits ?? {}) };
  validateLimits(limits);
  const queue = new RequestQueue({ concurrency: options.concurrency ?? 1, maxQueue: options.maxQueue ?? 32 });
  const reportError = options.onError ?? ((error: unknown) => console.error("docedge http:", error));
  const uploads = new UploadGate(options.maxUploads ?? DEFAULT_MAX_UPLOADS, options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);

  let detectorPromise: Promise<HttpDetector> | null = null;
  let detectorState: DetectorState = "idle";
  const getDetector = (): Promise<HttpDetector> => {
    if (detectorPromise === null) {
      detectorState = "loading";
      const make =
        options.detector ?? ((l: Required<HttpLimits>) => createDetector({ ...options.detectorOptions, limits: l }));
      const pending = Promise.resolve().then(() => make(limits));
      detectorPromise = pending;
      pending.then(
        () => {
          detectorState = "ready";
        },
        (error: unknown) => {
          // Forget the failure so a later request tries again (e.g. a model fetch that timed out).
          detectorState = "failed";
          if (detectorPromise === pending) detectorPromise = null;
          reportError(error);
        },
      );
    }
    return detectorPromise.catch((error: unknown) => {
      // Whatever went wrong (even bad detectorOptions) is the server's fault, never a client 4xx.
      if (isDocedgeError(error) && error.code === "MODEL_LOAD_FAILED") throw error;
      throw new DocedgeError("MODEL_LOAD_FAILED", "the detector could not be created", { cause: error });
    });
  };

  const app = new OpenAPIHono();
  if (options.cors) {
    app.use("*", cors(options.cors === true ? { origin: "*", exposeHeaders: [...SCAN_HEADERS] } : options.cors));
  }

  app.onError((error, c) => errorResponse(error, reportError, c));
  app.notFound((c) =>
    problemResponse(makeProblem("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)),
  );

  app.get("/healthz", (c) =>
    c.json(
      {
        status: "ok" as const,
        detector: detectorState,
        queue: queue.stats() satisfies QueueStats,
        uploading: uploads.active,
        limits,
      },
      200,
      { "cache-control": "no-store" },
    ),
  );

  /** What both image routes do first: a valid query (or its 400), the whole body, a place in the queue. */
  const receive = async <S extends z.ZodType>(schema: S, c: Context) => {
    const query = parseQuery(schema, c);
    if (query instanceof Response) return query;
    const { bytes, ticket } = await readThenAdmit(uploads, queue, c.req.raw, limits.maxBytes);
    return { query, bytes, ticket, signal: c.req.raw.signal };
  };

  app.post("/v1/detect", async (c) => {
    const received = await receive(detectQuerySchema, c);
    if (received instanceof Response) return received;
    const { query, bytes, ticket, signal } = received;
    const queuedAt = now();
    let queueMs = 0;
    const result = await ticket.run(async () => {
      queueMs = now() - queuedAt;
      const detector = await getDetector();
      return detector.detect(bytes, { threshold: query.threshold, signal, ...(query.secondLook !== undefined ? { secondLook: query.secondLook } : {}) });
    }, signal);
    const common = { confidence: result.confidence, width: result.width, height: result.height, timings: { queue: round(queueMs), ...result.timings } };
    const body: DetectResponse = result.found ? { found: true, quad: result.quad, ...common } : { found: false, quad: null, ...common };
    return c.json(
      body,
      200,
      { "cache-control": "no-store" },
    );
  });

  app.post("/v1/scan", async (c) => {
    const received = await receive(scanQuerySchema, c);
    if (received instanceof Response) return received;
    const { query, bytes, ticket, signal } = received;
    const scanOptions: ScanOptions = {};
    if (query.quad) scanOptions.quad = query.quad;
    if (query.enhance) scanOptions.enhance = query.enhance;
    // The query's format wins; otherwise the Accept header may ask for one (application/pdf).
    const format = query.format ?? formatFromAccept(c.req.header("accept"));
    if (format) scanOptions.format = format;
    if (query.quality !== undefined) scanOptions.quality = query.quality;
    if (query.maxSize !== undefined) scanOptions.maxSize = query.maxSize;
    let result: ScanResult;
    try {
      result = await ticket.run(async () => (await getDetector()).scan(bytes, scanOptions), signal);
    } catch (error) {
      return errorResponse(error, reportError, c, { userQuad: query.quad !== undefined });
    }
    return new Response(result.image as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        "content-type": SCAN_CONTENT_TYPES[result.format],
        "cache-control": "no-store",
        "x-docedge-quad": formatQuadHeader(result.quad),
        "x-docedge-width": String(result.width),
        "x-docedge-height": String(result.height),
        "access-control-expose-headers": SCAN_HEADERS.join(", "),
      },
    });
  });

  registerOpenApi(app, limits);
  return app;
}

const SCAN_HEADERS = ["x-docedge-quad", "x-docedge-width", "x-docedge-height"] as const;

function parseQuery<S extends z.ZodType>(schema: S, c: Context): z.output<S> | Response {
  const repeated = Object.entries(c.req.queries())
    .filter(([, values]) => values.length > 1)
    .map(([key]) => ({ path: key, message: "given more than once; pass each option once" }));
  if (repeated.length > 0) {
    return problemResponse(makeProblem("INVALID_INPUT", "One or more query options are invalid.", { errors: repeated }));
  }
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  return problemResponse(
    makeProblem("INVALID_INPUT", "One or more query options are invalid.", { errors: issuesOf(parsed.error) }),
  );
}

function errorResponse(
  error: unknown,
  reportError: (error: unknown) => void,
  c: Context,
  context: { userQuad?: boolean } = {},
): Response {
  const problem: Problem = problemFromError(error, context);
  if (problem.status >= 500 && !(error instanceof BusyError)) reportError(error);
  const headers: Record<string, string> = {};
  if (error instanceof BusyError) headers["retry-after"] = String(error.retryAfter);
  else if (problem.status === 503) headers["retry-after"] = "1";
  // A client that went away cannot read the answer; keep it short.
  if (problem.code === "ABORTED" && c.req.raw.signal.aborted) return new Response(null, { status: 408 });
  return problemResponse(problem, headers);
}

function formatQuadHeader(quad: Quad): string {
  return JSON.stringify(quad.map(([x, y]) => [round(x), round(y)]));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateLimits(limits: Required<HttpLimits>): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new InvalidInputError(`limits.${name} must be a positive integer`);
  }
}
