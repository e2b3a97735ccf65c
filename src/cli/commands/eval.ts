import { parseArgs } from "node:util";
import { InvalidInputError } from "../../errors.ts";
import { formatEvalReport, MAX_JITTER, runEval } from "../../eval/index.ts";
import { COMMON_OPTIONS, parseChoice, parseNumber, withUsageErrors } from "../args.ts";
import { SECOND_LOOK_MODES } from "../../quad/second-look.ts";
import { printError, printLine, type Command, type RunContext } from "../command.ts";
import { detectorEngineOptions, engineOptions } from "../engine.ts";
import { EXIT } from "../exit.ts";
import { EVAL_HELP } from "../help.ts";
import { writeStdout } from "../io.ts";
import { Progress } from "../progress.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  json: { type: "string" },
  overlays: { type: "string" },
  threshold: { type: "string" },
  limit: { type: "string" },
  "no-baseline": { type: "boolean" },
  "fail-under": { type: "string" },
  "second-look": { type: "string" },
  jitter: { type: "string" },
} as const;

interface EvalArgs {
  root: string;
  /** Where the full per-image JSON report goes: a file, or "-" for stdout instead of the table. */
  json?: string;
  overlays?: string;
  threshold?: number;
  limit?: number;
  baseline: boolean;
  failUnder?: number;
  secondLook?: (typeof SECOND_LOOK_MODES)[number];
  jitter?: number;
  quiet: boolean;
  engine: ReturnType<typeof engineOptions>;
}

export const evalCommand: Command = {
  help: EVAL_HELP,
  parse(argv) {
    const { values, positionals } = withUsageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) return { help: true };
    if (positionals.length !== 1) throw new InvalidInputError(`eval takes one folder, got ${positionals.length}`);
    const args: EvalArgs = {
      root: positionals[0],
      json: values.json,
      overlays: values.overlays,
      threshold: parseNumber("threshold", values.threshold, { min: 0, max: 1 }),
      limit: parseNumber("limit", values.limit, { min: 1, integer: true }),
      // Every report shows docedge against the classical pipeline unless asked not to.
      baseline: !(values["no-baseline"] ?? false),
      failUnder: parseNumber("fail-under", values["fail-under"], { min: 0, max: 1 }),
      secondLook: parseChoice("second-look", values["second-look"], SECOND_LOOK_MODES),
      jitter: parseNumber("jitter", values.jitter, { min: 0, max: MAX_JITTER, integer: true }),
      quiet: values.quiet ?? false,
      engine: engineOptions(values),
    };
    return { help: false, run: (ctx) => runEvalCommand(args, ctx) };
  },
};

async function runEvalCommand(args: EvalArgs, ctx: RunContext): Promise<number> {
  let progress: Progress | null = null;
  const report = await runEval(args.root, {
    detectorOptions: detectorEngineOptions(args.engine),
    ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args.secondLook !== undefined ? { secondLook: args.secondLook } : {}),
    ...(args.jitter !== undefined ? { jitter: args.jitter } : {}),
    ...(args.overlays !== undefined ? { overlaysDir: args.overlays } : {}),
    ...(args.json !== undefined && args.json !== "-" ? { jsonFile: args.json } : {}),
    baseline: args.baseline,
    signal: ctx.signal,
    onProgress(done, total, image) {
      // The total is known only once the labels are read, i.e. at the first photo.
      progress ??= new Progress(total, process.stderr, { enabled: !args.quiet });
      progress.start(`${image.folder}/${image.file}`);
      progress.step(image.error === undefined);
      if (image.error !== undefined) progress.log(() => printError(`docedge: ${image.folder}/${image.file}: ${image.error}`));
    },
  });
  (progress as Progress | null)?.finish();
  if (args.json === "-") await writeStdout(JSON.stringify(report) + "\n");
  else printLine(formatEvalReport(report));

  const mean = report.overall.docedge.meanJI;
  if (args.failUnder !== undefined && mean !== null && mean < args.failUnder) {
    printError(`docedge eval: mean JI ${mean.toFixed(4)} is under --fail-under ${args.failUnder}`);
    return EXIT.FAILED;
  }
  // Photos that could not be read count as misses in the report; the exit code says so too.
  return report.images.some((i) => i.error !== undefined) ? EXIT.FAILED : EXIT.OK;
}
