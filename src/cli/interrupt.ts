import { DocedgeError } from "../errors.ts";

export interface Interrupt {
  signal: AbortSignal;
  /** Stops listening; call when the command is done so the process can exit. */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM aborts the returned signal: batches stop after the file in flight and
 * print what was done; a second Ctrl-C quits at once, for when something hangs.
 */
export function onInterrupt(notice: (message: string) => void): Interrupt {
  const controller = new AbortController();
  let count = 0;
  const handler = (name: string) => () => {
    count++;
    if (count > 1) process.exit(130);
    notice(`\ndocedge: ${name === "SIGINT" ? "interrupted" : "terminated"}, stopping (Ctrl-C again to quit at once)`);
    controller.abort(new DocedgeError("ABORTED", `stopped by ${name}`));
  };
  const onInt = handler("SIGINT");
  const onTerm = handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}
