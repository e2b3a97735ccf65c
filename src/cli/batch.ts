import { displayName, type InputItem } from "./inputs.ts";
import { describeError } from "./io.ts";
import type { Progress } from "./progress.ts";

export interface BatchSummary {
  ok: number;
  failed: number;
  /** Items not started because the batch was interrupted. */
  skipped: number;
  interrupted: boolean;
}

export interface BatchHooks {
  signal: AbortSignal;
  progress: Progress;
  /** Prints a failure; called with the progress bar cleared. */
  reportError(item: InputItem, err: unknown, message: string): void;
  /** Errors that doom every later item too (e.g. the model failed to load): stop and rethrow. */
  isFatal?: (err: unknown) => boolean;
}

/**
 * Runs `work` over the items one at a time (the detector already uses every thread it was given,
 * so running files in parallel would only add memory). A failure on one item is reported and the
 * batch goes on; an abort stops before the next item and marks the batch interrupted.
 */
export async function runBatch(
  items: InputItem[],
  work: (item: InputItem, signal: AbortSignal) => Promise<void>,
  hooks: BatchHooks,
): Promise<BatchSummary> {
  const summary: BatchSummary = { ok: 0, failed: 0, skipped: 0, interrupted: false };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (hooks.signal.aborted) {
      summary.interrupted = true;
      summary.skipped = items.length - i;
      break;
    }
    hooks.progress.start(displayName(item));
    try {
      if (item.kind === "missing") throw Object.assign(new Error(item.reason), { code: "NOT_FOUND" });
      await work(item, hooks.signal);
      summary.ok++;
      hooks.progress.step(true);
    } catch (err) {
      if (hooks.signal.aborted) {
        // The file in flight was cut short by Ctrl-C: not its fault, so not reported as a failure.
        summary.interrupted = true;
        summary.skipped = items.length - i;
        break;
      }
      if (hooks.isFatal?.(err)) {
        hooks.progress.finish();
        throw err;
      }
      summary.failed++;
      hooks.progress.log(() => hooks.reportError(item, err, describeError(err)));
      hooks.progress.step(false);
    }
  }
  hooks.progress.finish();
  return summary;
}
