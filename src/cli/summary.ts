import type { BatchSummary } from "./batch.ts";
import { printError } from "./command.ts";
import { EXIT, type ExitCode } from "./exit.ts";
import { formatRate } from "./progress.ts";

/** The closing stderr line of a batch: counts, time and rate. */
export function summaryLine(s: BatchSummary, elapsedMs: number, detail?: string): string {
  const done = s.ok + s.failed;
  const total = done + s.skipped;
  const noun = total === 1 ? "image" : "images";
  const parts = [`${s.ok} ok`];
  if (detail) parts.push(detail);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  const secs = elapsedMs / 1000;
  const rate = done > 0 && secs > 0 ? `, ${formatRate(done / secs)}` : "";
  const head = s.interrupted ? `interrupted after ${done} of ${total} ${noun}` : `${total} ${noun}`;
  return `${head}: ${parts.join(", ")} in ${secs.toFixed(1)} s${rate}`;
}

/**
 * Ends a batch command: prints the summary line (not when quiet, nor after a single image that
 * ran to the end, whose own line says it all) and returns the exit code.
 */
export function finishBatch(s: BatchSummary, elapsedMs: number, options: { quiet: boolean; detail?: string }): ExitCode {
  const total = s.ok + s.failed + s.skipped;
  if (!options.quiet && (total > 1 || s.interrupted)) printError(summaryLine(s, elapsedMs, options.detail));
  if (s.interrupted) return EXIT.INTERRUPTED;
  return s.failed > 0 ? EXIT.FAILED : EXIT.OK;
}
