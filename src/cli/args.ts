import type { ParseArgsConfig } from "node:util";
import { InvalidInputError } from "../errors.ts";
import type { Point, Quad } from "../types.ts";

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  threads: { type: "string" },
  model: { type: "string" },
  quiet: { type: "boolean", short: "q" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;


/**
 * Runs a parseArgs call (strict mode), turning its errors into InvalidInputError so that the CLI
 * reports them as usage errors (exit 2) instead of crashing with a stack trace. Takes a closure so
 * each command keeps parseArgs' precise inferred types for its own options.
 */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    const hint = err instanceof Error && /ambiguous/.test(err.message) ? " (use --option=-value for values starting with a dash)" : "";
    throw new InvalidInputError(message + hint, { cause: err });
  }
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** Parses a numeric option value; undefined stays undefined. */
export function parseNumber(name: string, value: string | undefined, rule: NumberRule = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidInputError(`--${name} must be a number, got "${value}"`);
  if (rule.integer && !Number.isInteger(n)) throw new InvalidInputError(`--${name} must be a whole number, got "${value}"`);
  if (rule.min !== undefined && n < rule.min) throw new InvalidInputError(`--${name} must be at least ${rule.min}, got ${n}`);
  if (rule.max !== undefined && n > rule.max) throw new InvalidInputError(`--${name} must be at most ${rule.max}, got ${n}`);
  return n;
}

/** Validates a value against a fixed set of choices. */
export function parseChoice<const C extends readonly string[]>(name: string, value: string | undefined, choices: C): C[number] | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (!(choices as readonly string[]).includes(v)) {
    throw new InvalidInputError(`--${name} must be one of ${choices.join(", ")}, got "${value}"`);
  }
  return v as C[number];
}

/**
 * Parses corners given on the command line: "x,y x,y x,y x,y" (top-left, top-right, bottom-right,
 * bottom-left, in source pixels), or the JSON that `detect --json` prints: [[x,y],[x,y],[x,y],[x,y]].
 * Geometry checks (convex, non-degenerate) are left to the scan step, which owns that rule.
 */
export function parseQuad(text: string): Quad {
  const trimmed = text.trim();
  let numbers: number[];
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new InvalidInputError(`--quad is not valid JSON: ${text}`);
    }
    if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((p) => Array.isArray(p) && p.length === 2)) {
      throw new InvalidInputError(`--quad JSON must be four [x, y] pairs, got ${text}`);
    }
    numbers = (parsed as unknown[][]).flat().map((v) => (typeof v === "number" ? v : Number.NaN));
  } else {
    const pairs = trimmed.split(/\s+/).filter(Boolean);
    if (pairs.length !== 4) {
      throw new InvalidInputError(`--quad needs four corners "x,y x,y x,y x,y" (TL TR BR BL), got ${pairs.length}: "${text}"`);
    }
    numbers = pairs.flatMap((pair) => {
      const parts = pair.split(",");
      if (parts.length !== 2 || parts.some((p) => p.trim() === "")) {
        throw new InvalidInputError(`--quad corner "${pair}" is not "x,y"`);
      }
      return parts.map(Number);
    });
  }
  if (!numbers.every(Number.isFinite)) throw new InvalidInputError(`--quad has a value that is not a finite number: "${text}"`);
  const pt = (i: number): Point => [numbers[2 * i], numbers[2 * i + 1]];
  return [pt(0), pt(1), pt(2), pt(3)];
}
