import { extname, resolve, sep } from "node:path";
import { InvalidInputError } from "../errors.ts";
import type { ScanFormat } from "../scan/options.ts";
import { stemOf, type InputItem } from "./inputs.ts";

/**
 * Names output files in a folder after their inputs, never twice the same: photos with the same
 * name from different folders (a/1.jpg, b/1.jpg) get 1.jpg and 1-2.jpg instead of overwriting each
 * other, and an output never replaces the very file it was made from.
 */
export class OutputNamer {
  private readonly used = new Set<string>();

  name(item: InputItem, extension: string, folder = "."): string {
    const stem = stemOf(item);
    const source = item.kind === "file" ? resolve(item.path) : null;
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${stem}.${extension}` : `${stem}-${n}.${extension}`;
      const full = resolve(folder, candidate);
      if (this.used.has(full) || full === source) continue;
      this.used.add(full);
      return candidate;
    }
  }
}

const EXTENSION_FORMAT: Record<string, ScanFormat> = { ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp" };

/** Where pages go: one named file, stdout, or a folder of <name>.<ext>. */
export type OutputPlan = { kind: "file"; path: string; format: ScanFormat } | { kind: "stdout"; format: ScanFormat } | { kind: "folder"; path: string; format: ScanFormat };

/**
 * Decides the output from -o, --format and the number of inputs. A path that exists as a folder,
 * ends in a separator, or is given several inputs is a folder; otherwise it is a file whose
 * extension names the format (and must agree with --format when both are given).
 */
export function planOutput(output: string, format: ScanFormat | undefined, inputCount: number, isFolder: boolean): OutputPlan {
  if (output === "-") {
    if (inputCount !== 1) throw new InvalidInputError(`-o - writes one page to stdout, but ${inputCount} inputs were given`);
    return { kind: "stdout", format: format ?? "jpeg" };
  }
  const fromExt = EXTENSION_FORMAT[extname(output).toLowerCase()];
  if (!isFolder && inputCount > 1 && fromExt) {
    throw new InvalidInputError(`${inputCount} inputs need a folder for -o, but ${output} names one image file`);
  }
  if (isFolder || output.endsWith("/") || output.endsWith(sep) || inputCount > 1) {
    return { kind: "folder", path: output, format: format ?? "jpeg" };
  }
  if (format && fromExt && format !== fromExt) {
    throw new InvalidInputError(`-o ${output} is a ${fromExt} name but --format is ${format}; make them agree`);
  }
  return { kind: "file", path: output, format: format ?? fromExt ?? "jpeg" };
}

