import { isDocedgeError, type DocedgeErrorCode } from "../errors.ts";

/** Statuses the API answers errors with. */
export type ProblemStatus = 400 | 404 | 405 | 408 | 413 | 415 | 422 | 431 | 500 | 503;

/** RFC 9457 problem details, plus docedge's stable error `code`. */
export interface Problem {
  type: string;
  title: string;
  status: ProblemStatus;
  detail: string;
  code: DocedgeErrorCode | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "INTERNAL";
  /** Per-field messages for malformed options. */
  errors?: { path: string; message: string }[];
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<Problem["code"], string> = {
  INVALID_INPUT: "Invalid request",
  UNSUPPORTED_FORMAT: "Unsupported media type",
  CORRUPT_IMAGE: "Image could not be decoded",
  IMAGE_TOO_LARGE: "Image too large",
  INVALID_QUAD: "Invalid quad",
  MODEL_LOAD_FAILED: "Detector unavailable",
  DISPOSED: "Detector unavailable",
  BUSY: "Server busy",
  TIME_LIMIT: "Image took too long to process",
  ABORTED: "Request aborted",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  INTERNAL: "Internal error",
};

/** HTTP status for each SDK error code; the SDK's errors.ts names these statuses too. */
export function statusForCode(code: Problem["code"], context: { userQuad?: boolean } = {}): ProblemStatus {
  switch (code) {
    case "INVALID_INPUT":
      return 400;
    case "UNSUPPORTED_FORMAT":
      return 415;
    case "CORRUPT_IMAGE":
    // The same image would overrun the budget again: not worth a retry, so not a 503.
    case "TIME_LIMIT":
      return 422;
    case "IMAGE_TOO_LARGE":
      return 413;
    // A quad the client sent is a malformed option; without one, the detector found no page.
    case "INVALID_QUAD":
      return context.userQuad ? 400 : 422;
    case "ABORTED":
      return 408;
    case "BUSY":
    case "DISPOSED":
      return 503;
    case "NOT_FOUND":
      return 404;
    case "METHOD_NOT_ALLOWED":
      return 405;
    case "MODEL_LOAD_FAILED":
    case "INTERNAL":
      return 500;
  }
}

export function makeProblem(
  code: Problem["code"],
  detail: string,
  extra: { status?: ProblemStatus; errors?: Problem["errors"] } = {},
): Problem {
  const problem: Problem = {
    type: `urn:docedge:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[code],
    status: extra.status ?? statusForCode(code),
    detail,
    code,
  };
  if (extra.errors) problem.errors = extra.errors;
  return problem;
}

/**
 * Turns anything thrown while serving a request into a problem a client may see. Messages of
 * DocedgeErrors are written for callers; any other error (and server-side failures such as a model
 * that fails to load) gets a generic detail so internals and stack traces never leave the server.
 */
export function problemFromError(error: unknown, context: { userQuad?: boolean } = {}): Problem {
  if (isDocedgeError(error)) {
    const status = statusForCode(error.code, context);
    if (status >= 500 && error.code !== "BUSY") {
      return makeProblem(error.code, "The detector could not be started; try again later.", { status });
    }
    return makeProblem(error.code, error.message, { status });
  }
  return makeProblem("INTERNAL", "The server failed to handle this request.");
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store", ...headers },
  });
}
