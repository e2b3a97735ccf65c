import { isDocedgeError } from "../errors.ts";
import type { Command } from "./command.ts";
import { printError, printLine } from "./command.ts";
import { detectCommand } from "./commands/detect.ts";
import { evalCommand } from "./commands/eval.ts";
import { scanCommand } from "./commands/scan.ts";
import { serveCommand } from "./commands/serve.ts";
import { EXIT } from "./exit.ts";
import { MAIN_HELP } from "./help.ts";
import { onInterrupt } from "./interrupt.ts";
import { describeError, packageVersion } from "./io.ts";

export const COMMANDS: Record<string, Command> = {
  detect: detectCommand,
  scan: scanCommand,
  serve: serveCommand,
  eval: evalCommand,
};

/** Runs the CLI and returns the exit code (never calls process.exit itself on the normal path). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    printError(MAIN_HELP);
    return EXIT.USAGE;
  }
  if (name === "-h" || name === "--help") {
    printLine(MAIN_HELP);
    return EXIT.OK;
  }
  if (name === "-v" || name === "--version") {
    printLine(packageVersion());
    return EXIT.OK;
  }
  if (name === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      printLine(MAIN_HELP);
      return EXIT.OK;
    }
    const cmd = COMMANDS[topic];
    if (!cmd) return unknownCommand(topic);
    printLine(cmd.help);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  if (!command) return unknownCommand(name);

  let parsed;
  try {
    parsed = command.parse(rest);
  } catch (err) {
    printError(`docedge ${name}: ${err instanceof Error ? err.message : String(err)}`);
    printError(`Run "docedge ${name} --help" for usage.`);
    return EXIT.USAGE;
  }
  if (parsed.help) {
    printLine(command.help);
    return EXIT.OK;
  }

  const interrupt = onInterrupt(printError);
  try {
    return await parsed.run({ signal: interrupt.signal });
  } catch (err) {
    if (interrupt.signal.aborted) return EXIT.INTERRUPTED;
    printError(`docedge ${name}: ${describeError(err)}`);
    if (!isDocedgeError(err) && process.env.DOCEDGE_DEBUG && err instanceof Error && err.stack) printError(err.stack);
    return EXIT.FAILED;
  } finally {
    interrupt.dispose();
  }
}

function unknownCommand(name: string): number {
  const known = Object.keys(COMMANDS);
  const close = known.find((k) => k.startsWith(name.slice(0, 2)));
  printError(`docedge: unknown command "${name}"${close ? ` (did you mean "${close}"?)` : ""}`);
  printError(`Commands: ${known.join(", ")}. Run "docedge --help" for usage.`);
  return EXIT.USAGE;
}
