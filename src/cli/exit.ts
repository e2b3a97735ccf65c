/** Process exit codes; documented in `docedge --help`, stable for scripts. */
export const EXIT = {
  /** Every input was processed. */
  OK: 0,
  /** At least one input failed (the others were still processed), or the command itself failed. */
  FAILED: 1,
  /** Bad command line: unknown option, missing argument, invalid value. Nothing was processed. */
  USAGE: 2,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; 128 + SIGINT, as shells report it. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
