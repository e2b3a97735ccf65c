import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import type { Quad } from "../types.ts";

const point = z.tuple([z.number().finite(), z.number().finite()]);

/** One entry of a folder's labels.json (see datasets/README.md). */
export const labelSchema = z.object({
  file: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** TL, TR, BR, BL in the stored image's pixels; null for a photo with no document. */
  quad: z.tuple([point, point, point, point]).nullable(),
  tags: z.array(z.string()).optional(),
  notes: z.string().optional(),
  labeled_by: z.string().optional(),
});

export type Label = Omit<z.infer<typeof labelSchema>, "quad"> & { quad: Quad | null };

export interface LabelledFolder {
  /** Path relative to the eval root ("." for the root itself). */
  name: string;
  dir: string;
  labels: Label[];
}

type Fs = typeof import("node:fs/promises");
type PathMod = typeof import("node:path");

/**
 * The labelled folders under root: root itself when it holds labels.json, else every folder below
 * it that does (walked in name order, so reports are stable).
 */
export async function findLabelledFolders(root: string): Promise<LabelledFolder[]> {
  const fs: Fs = await import("node:fs/promises");
  const path: PathMod = await import("node:path");
  const out: LabelledFolder[] = [];
  const stat = await fs.stat(root).catch(() => null);
  if (!stat || !stat.isDirectory()) throw new InvalidInputError(`eval: ${root} is not a folder`);
  const walk = async (dir: string, depth: number): Promise<void> => {
    const labelsPath = path.join(dir, "labels.json");
    const hasLabels = await fs.stat(labelsPath).then((s) => s.isFile(), () => false);
    if (hasLabels) {
      out.push({ name: path.relative(root, dir) || ".", dir, labels: await readLabels(labelsPath) });
      return;
    }
    if (depth >= 4) return;
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();
    for (const s of subdirs) await walk(path.join(dir, s), depth + 1);
  };
  await walk(root, 0);
  if (out.length === 0) throw new InvalidInputError(`eval: no labels.json in ${root} or its subfolders`);
  return out;
}

async function readLabels(file: string): Promise<Label[]> {
  const fs: Fs = await import("node:fs/promises");
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (error) {
    throw new InvalidInputError(`eval: ${file} is not valid JSON`, { cause: error });
  }
  const parsed = z.array(labelSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(`eval: ${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
