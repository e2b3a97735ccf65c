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

const EXTENSION_FORMAT: Record<string, ScanFormat> = { ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".pdf": "pdf" };

/**
 * Where pages go: one named file, stdout, a folder of <name>.<ext>, or one PDF (a file or stdout)
 * holding every page in input order.
 */
export type OutputPlan =
  | { kind: "file"; path: string; format: ScanFormat }
  | { kind: "stdout"; format: ScanFormat }
  | { kind: "folder"; path: string; format: ScanFormat }
  | { kind: "pdf"; path: string; format: "pdf" };

/**
 * Decides the output from -o, --format and the number of inputs. A path that exists as a folder
 * or ends in a separator is a folder; a .pdf file (or stdout with --format pdf) takes every page;
 * a path with another known extension is one image file, and with an unknown one an error unless
 * --format says what to write (never a file whose name lies about its contents); several inputs
 * and no extension make a folder.
 */
export function planOutput(output: string, format: ScanFormat | undefined, inputCount: number, isFolder: boolean): OutputPlan {
  if (output === "-") {
    if (format === "pdf") return { kind: "pdf", path: "-", format: "pdf" };
    if (inputCount !== 1) throw new InvalidInputError(`-o - writes one page to stdout, but ${inputCount} inputs were given (--format pdf writes them all as one PDF)`);
    return { kind: "stdout", format: format ?? "jpeg" };
  }
  if (isFolder || output.endsWith("/") || output.endsWith(sep)) return { kind: "folder", path: output, format: format ?? "jpeg" };
  const ext = extname(output).toLowerCase();
  const fromExt = EXTENSION_FORMAT[ext];
  if (ext !== "" && !fromExt && !format) {
    throw new InvalidInputError(`-o ${output}: unknown extension ${ext}; name a .jpg, .png, .webp or .pdf file, a folder ending in /, or give --format`);
  }
  if (format && fromExt && format !== fromExt) {
    throw new InvalidInputError(`-o ${output} is a ${fromExt} name but --format is ${format}; make them agree`);
  }
  if (fromExt === "pdf") return { kind: "pdf", path: output, format: "pdf" };
  if (inputCount > 1 && fromExt) {
    throw new InvalidInputError(`${inputCount} inputs need a folder or a .pdf file for -o, but ${output} names one image file`);
  }
  if (inputCount > 1) return { kind: "folder", path: output, format: format ?? "jpeg" };
  return { kind: "file", path: output, format: format ?? fromExt ?? "jpeg" };
}
