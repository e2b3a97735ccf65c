import { parseArgs } from "node:util";
import { join } from "node:path";
import { InvalidInputError } from "../../errors.ts";
import { decodeImage } from "../../image/decode.ts";
import type { DetectResult } from "../../types.ts";
import { COMMON_OPTIONS, parseChoice, withUsageErrors, parseNumber } from "../args.ts";
import { SECOND_LOOK_MODES } from "../../quad/second-look.ts";
import { runBatch } from "../batch.ts";
import { isFatalError, printLine, reportFailure, roundNumber, roundQuad, type Command, type RunContext } from "../command.ts";
import { engineOptions, lazyDetector } from "../engine.ts";
import { DETECT_HELP } from "../help.ts";
import { displayName, expandInputs, type InputItem } from "../inputs.ts";
import { ensureFolder, readInput } from "../io.ts";
import { renderOverlay } from "../overlay.ts";
import { OutputNamer } from "../outputs.ts";
import { Progress } from "../progress.ts";
import { finishBatch } from "../summary.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  json: { type: "boolean" },
  overlay: { type: "string" },
  edges: { type: "boolean" },
  threshold: { type: "string" },
  recursive: { type: "boolean", short: "r" },
  "second-look": { type: "string" },
} as const;

interface DetectArgs {
  inputs: string[];
  json: boolean;
  overlay?: string;
  edges: boolean;
  threshold?: number;
  secondLook?: (typeof SECOND_LOOK_MODES)[number];
  recursive: boolean;
  quiet: boolean;
  engine: ReturnType<typeof engineOptions>;
}

/** The human line for one image. */
export function formatDetectLine(file: string, r: Pick<DetectResult, "found" | "quad" | "confidence" | "width" | "height">): string {
  const conf = `confidence ${r.confidence.toFixed(2)}`;
  const size = `size ${r.width}x${r.height}`;
  if (!r.found || !r.quad) return `${file}  no document  ${conf}  ${size}`;
  const corners = r.quad.map(([x, y]) => `${Math.round(x)},${Math.round(y)}`).join(" ");
  return `${file}  found  ${conf}  corners ${corners}  ${size}`;
}

export const detectCommand: Command = {
  help: DETECT_HELP,
  parse(argv) {
    const { values, positionals } = withUsageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) return { help: true };
    if (positionals.length === 0) throw new InvalidInputError("detect needs at least one image, folder or glob (\"-\" for stdin)");
    if (values.edges && !values.overlay) throw new InvalidInputError("--edges draws on the overlay images: add --overlay DIR");
    const args: DetectArgs = {
      inputs: positionals,
      json: values.json ?? false,
      overlay: values.overlay,
      edges: values.edges ?? false,
      threshold: parseNumber("threshold", values.threshold, { min: 0, max: 1 }),
      secondLook: parseChoice("second-look", values["second-look"], SECOND_LOOK_MODES),
      recursive: values.recursive ?? false,
      quiet: values.quiet ?? false,
      engine: engineOptions(values),
    };
    return { help: false, run: (ctx) => runDetect(args, ctx) };
  },
};

async function runDetect(args: DetectArgs, ctx: RunContext): Promise<number> {
  const items = await expandInputs(args.inputs, { recursive: args.recursive });
  if (args.overlay) await ensureFolder(args.overlay);
  const detector = lazyDetector({ ...args.engine, threshold: args.threshold });
  const namer = new OutputNamer();
  const progress = new Progress(items.length, process.stderr, { enabled: !args.quiet });
  let found = 0;
  const started = performance.now();

  const work = async (item: InputItem, signal: AbortSignal) => {
    const bytes = await readInput(item);
    const d = await detector.get();
    const file = displayName(item);
    // Detection always reads the bytes (a JPEG at reduced scale), so --overlay never changes the
    // corners; the overlay is drawn on a full decode, in the same EXIF-upright coordinates.
    const result = await d.detect(bytes, {
      signal,
      returnEdgeMap: args.edges,
      ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
      ...(args.secondLook !== undefined ? { secondLook: args.secondLook } : {}),
    });
    if (result.found) found++;
    if (args.overlay) {
      const out = join(args.overlay, namer.name(item, "overlay.jpg"));
      await renderOverlay(await decodeImage(bytes, undefined, signal), result, out, args.edges ? result.edgeMap : undefined);
    }
    progress.log(() => {
      if (args.json) {
        printLine(
          JSON.stringify({ file, found: result.found, quad: roundQuad(result.quad), confidence: roundNumber(result.confidence), width: result.width, height: result.height }),
        );
      } else {
        printLine(formatDetectLine(file, result));
      }
    });
  };

  try {
    const summary = await runBatch(items, work, {
      signal: ctx.signal,
      progress,
      isFatal: isFatalError,
      reportError(item, err, message) {
        reportFailure(displayName(item), err, message, args.json);
      },
    });
    return finishBatch(summary, performance.now() - started, { quiet: args.quiet, detail: `${found} found` });
  } finally {
    await detector.dispose();
  }
}
