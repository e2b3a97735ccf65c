import { createDetector, type Detector } from "../detector.ts";
import { loadOptionSchemas } from "../options.ts";
import { parseNumber } from "./args.ts";

export interface EngineFlags {
  threads?: string;
  model?: string;
}

export interface EngineOptions {
  numThreads?: number;
  model?: string;
}

/** Validates --threads / --model (at parse time, so a typo is a usage error before any work). */
export function engineOptions(flags: EngineFlags): EngineOptions {
  const numThreads = parseNumber("threads", flags.threads, { min: 1, max: 64, integer: true });
  return { numThreads, model: flags.model };
}

/**
 * The engine flags as detector options, leaving out the flags not given (rather than setting them
 * to undefined), so the detector's own defaults apply.
 */
export function detectorEngineOptions(engine: EngineOptions): EngineOptions {
  return {
    ...(engine.numThreads !== undefined ? { numThreads: engine.numThreads } : {}),
    ...(engine.model !== undefined ? { model: engine.model } : {}),
  };
}

/**
 * Creates the detector on first use, so a command whose inputs all fail to resolve (or `--help`)
 * never pays for loading the model and ONNX Runtime.
 */
export function lazyDetector(options: EngineOptions & { threshold?: number }): {
  get(): Promise<Detector>;
  dispose(): Promise<void>;
} {
  let pending: Promise<Detector> | null = null;
  return {
    get() {
      // Every CLI detection passes options (an AbortSignal at least), so zod will be needed: load
      // it while ONNX Runtime's WASM compiles rather than on the first detection.
      if (pending === null) loadOptionSchemas().catch(() => {});
      pending ??= createDetector({
        ...detectorEngineOptions(options),
        ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      });
      return pending;
    },
    async dispose() {
      if (pending === null) return;
      const d = await pending.catch(() => null);
      await d?.dispose();
    },
  };
}
