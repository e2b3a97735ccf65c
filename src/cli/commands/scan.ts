import { parseArgs } from "node:util";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "../../errors.ts";
import type { ScanFormat, ScanOptions } from "../../scan/options.ts";
import { scanOptionsSchema } from "../../scan/options-schema.ts";
import { pagesToPdf, type PdfPage } from "../../scan/pdf.ts";
import { COMMON_OPTIONS, parseChoice, withUsageErrors, parseNumber, parseQuad } from "../args.ts";
import { runBatch } from "../batch.ts";
import { isFatalError, printError, printLine, reportFailure, roundQuad, type Command, type RunContext } from "../command.ts";
import { engineOptions, lazyDetector } from "../engine.ts";
import { EXIT } from "../exit.ts";
import { SCAN_HELP } from "../help.ts";
import { displayName, expandInputs, type InputItem } from "../inputs.ts";
import { ensureFolder, readInput, writeOutput } from "../io.ts";
import { OutputNamer, planOutput, type OutputPlan } from "../outputs.ts";
import { Progress } from "../progress.ts";
import { finishBatch } from "../summary.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: "string", short: "o" },
  enhance: { type: "string" },
  format: { type: "string" },
  quality: { type: "string" },
  "max-size": { type: "string" },
  quad: { type: "string" },
  threshold: { type: "string" },
  json: { type: "boolean" },
  recursive: { type: "boolean", short: "r" },
} as const;

const FLAG_OF: Record<string, string> = { maxSize: "--max-size", quality: "--quality", enhance: "--enhance", format: "--format", quad: "--quad" };

const FORMAT_EXTENSION: Record<ScanFormat, string> = { jpeg: "jpg", png: "png", webp: "webp", pdf: "pdf" };

interface ScanArgs {
  inputs: string[];
  output: string;
  /** --format as given; the output file's extension decides when it is absent. */
  format?: ScanFormat;
  options: Omit<ScanOptions, "format">;
  threshold?: number;
  json: boolean;
  recursive: boolean;
  quiet: boolean;
  engine: ReturnType<typeof engineOptions>;
}

export const scanCommand: Command = {
  help: SCAN_HELP,
  parse(argv) {
    const { values, positionals } = withUsageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) return { help: true };
    if (positionals.length === 0) throw new InvalidInputError("scan needs at least one image (\"-\" for stdin)");
    if (values.output === undefined) throw new InvalidInputError("scan needs -o <file|folder|-> for the flattened page");
    if (values.output === "-" && values.json) throw new InvalidInputError("--json and -o - both write to stdout; pick one");
    const format = parseChoice("format", values.format, ["jpeg", "png", "webp", "pdf"] as const);
    const options: Omit<ScanOptions, "format"> = {
      enhance: parseChoice("enhance", values.enhance, ["none", "color", "gray", "bw"] as const),
      quality: parseNumber("quality", values.quality),
      maxSize: parseNumber("max-size", values["max-size"]),
      quad: values.quad !== undefined ? parseQuad(values.quad) : undefined,
    };
    // The scan module's own schema is the single source of the limits (quality 1-100, ...).
    const checked = scanOptionsSchema.safeParse(Object.fromEntries(Object.entries({ ...options, format }).filter(([, v]) => v !== undefined)));
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const key = String(issue?.path[0] ?? "");
      throw new InvalidInputError(`${FLAG_OF[key] ?? key}: ${issue?.message ?? "invalid value"}`);
    }
    const args: ScanArgs = {
      inputs: positionals,
      output: values.output,
      format,
      options,
      threshold: parseNumber("threshold", values.threshold, { min: 0, max: 1 }),
      json: values.json ?? false,
      recursive: values.recursive ?? false,
      quiet: values.quiet ?? false,
      engine: engineOptions(values),
    };
    return { help: false, run: (ctx) => runScan(args, ctx) };
  },
};

async function runScan(args: ScanArgs, ctx: RunContext): Promise<number> {
  const items = await expandInputs(args.inputs, { recursive: args.recursive });
  const isFolder = (await stat(args.output).catch(() => null))?.isDirectory() ?? false;
  let plan: OutputPlan;
  try {
    plan = planOutput(args.output, args.format, items.length, isFolder);
  } catch (err) {
    // planOutput's refusals are usage errors (exit 2); anything else is not, and goes on up.
    if (!(err instanceof InvalidInputError)) throw err;
    printError(`docedge scan: ${err.message}`);
    return EXIT.USAGE;
  }
  if (plan.kind === "folder") await ensureFolder(plan.path);
  const detector = lazyDetector({ ...args.engine, threshold: args.threshold });
  const namer = new OutputNamer();
  // When the page itself goes to stdout, the per-file lines would corrupt it: they go to stderr.
  const report = plan.kind === "stdout" ? printError : printLine;
  const progress = new Progress(items.length, process.stderr, { enabled: !args.quiet });
  const started = performance.now();

  // One PDF for every page: each page is encoded as JPEG once here and embedded as is at the end.
  const pdfPages: PdfPage[] = [];
  const work = async (item: InputItem) => {
    const bytes = await readInput(item);
    const d = await detector.get();
    if (plan.kind === "pdf") {
      const page = await d.scan(bytes, { ...args.options, format: "jpeg" });
      pdfPages.push({ jpeg: page.image, width: page.width, height: page.height, paper: page.paper });
      const file = displayName(item);
      progress.log(() => {
        if (args.json) {
          printLine(JSON.stringify({ file, output: plan.path, page: pdfPages.length, width: page.width, height: page.height, format: "pdf", quad: roundQuad(page.quad) }));
        } else if (!args.quiet) {
          (plan.path === "-" ? printError : printLine)(`${file} -> page ${pdfPages.length}  ${page.width}x${page.height}${page.paper ? ` ${page.paper}` : ""}`);
        }
      });
      return;
    }
    const result = await d.scan(bytes, { ...args.options, format: plan.format });
    const target =
      plan.kind === "stdout" ? "-" : plan.kind === "file" ? plan.path : join(plan.path, namer.name(item, FORMAT_EXTENSION[plan.format], plan.path));
    await writeOutput(target, result.image);
    const file = displayName(item);
    progress.log(() => {
      if (args.json) {
        printLine(JSON.stringify({ file, output: target, width: result.width, height: result.height, format: result.format, quad: roundQuad(result.quad) }));
      } else if (!args.quiet || plan.kind !== "stdout") {
        report(`${file} -> ${target === "-" ? "stdout" : target}  ${result.width}x${result.height} ${result.format}`);
      }
    });
  };

  try {
    const summary = await runBatch(items, work, {
      signal: ctx.signal,
      progress,
      isFatal: isFatalError,
      reportError(item, err, message) {
        // The SDK's hint names its own option; on the command line that is --quad.
        reportFailure(displayName(item), err, message, args.json, message.replace("pass options.quad to scan anyway", "give --quad to scan anyway"));
      },
    });
    if (plan.kind === "pdf" && pdfPages.length > 0 && !summary.interrupted) {
      await writeOutput(plan.path, await pagesToPdf(pdfPages));
      if (!args.quiet && !args.json) printError(`wrote ${plan.path === "-" ? "the PDF to stdout" : plan.path} (${pdfPages.length} page${pdfPages.length === 1 ? "" : "s"})`);
    }
    return finishBatch(summary, performance.now() - started, { quiet: args.quiet });
  } finally {
    await detector.dispose();
  }
}
