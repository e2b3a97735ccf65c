import { isDocedgeError } from "../errors.ts";
import { mapQuad } from "../geometry/quad-transform.ts";
import type { Quad } from "../types.ts";

export interface RunContext {
  /** Aborted by Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

/** A parsed command line: either "show help" or a ready-to-run command. */
export type Parsed = { help: true } | { help: false; run(ctx: RunContext): Promise<number> };

export interface Command {
  help: string;
  /** Validates the arguments; throws InvalidInputError for a bad command line (exit 2). */
  parse(argv: string[]): Parsed;
}

export function printLine(line: string): void {
  process.stdout.write(line + "\n");
}

export function printError(line: string): void {
  process.stderr.write(line + "\n");
}

/** Errors after which no further input can succeed. */
export function isFatalError(err: unknown): boolean {
  return isDocedgeError(err) && (err.code === "MODEL_LOAD_FAILED" || err.code === "DISPOSED");
}

/** The `error` object of a JSON line: a stable code and the plain message (no "[CODE]" suffix). */
export function errorJson(err: unknown, message: string): { code: string; message: string } {
  if (isDocedgeError(err)) return { code: err.code, message: err.message };
  const code = (err as { code?: unknown } | null)?.code;
  return { code: typeof code === "string" ? code : "ERROR", message };
}

/**
 * Reports an input that failed: a line on stderr (`shown`, the message as the command line words
 * it) and, with --json, a JSON line on stdout carrying the error's code and original message.
 */
export function reportFailure(file: string, err: unknown, message: string, json: boolean, shown: string = message): void {
  printError(`docedge: ${file}: ${shown}`);
  if (json) printLine(JSON.stringify({ file, error: errorJson(err, message) }));
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Quads in JSON output: two decimals are sub-pixel already and keep lines readable. */
export function roundQuad(quad: Quad | null): Quad | null {
  return quad ? mapQuad(quad, ([x, y]) => [round2(x), round2(y)]) : null;
}

export function roundNumber(v: number): number {
  return round2(v);
}
