import { isDocedgeError } from "../errors.ts";
import type { Command } from "./command.ts";
import { printError, printLine } from "./command.ts";
import { EXIT } from "./exit.ts";
import { MAIN_HELP } from "./help.ts";
import { onInterrupt } from "./interrupt.ts";
import { describeError, packageVersion } from "./io.ts";

/**
 * Each command is imported only when it runs: `serve` pulls the HTTP layer (Hono, zod-openapi) and
 * `eval` the OpenCV baseline, which a new `docedge detect` process would otherwise load and compile
 * first (about 150-250 ms of its start, measured on Node 20).
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  detect: async () => (await import("./commands/detect.ts")).detectCommand,
  scan: async () => (await import("./commands/scan.ts")).scanCommand,
  serve: async () => (await import("./commands/serve.ts")).serveCommand,
  eval: async () => (await import("./commands/eval.ts")).evalCommand,
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
    const load = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    if (!load) return unknownCommand(topic);
    printLine((await load()).help);
    return EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) return unknownCommand(name);
  const command = await load();

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
