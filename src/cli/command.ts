import { isDocedgeError } from "../errors.ts";

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

export function errorJson(err: unknown, message: string): { code: string; message: string } {
  const code = isDocedgeError(err) ? err.code : ((err as { code?: unknown } | null)?.code as string | undefined);
  return { code: typeof code === "string" ? code : "ERROR", message };
}
