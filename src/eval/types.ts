import type { Quad } from "../types.ts";
import type { LossAttribution, LossCause } from "./attribution.ts";

/** What one method answered on one photo. */
export interface MethodResult {
  found: boolean;
  quad: Quad | null;
  /** docedge only. */
  confidence?: number;
  /** docedge only, on a photo with a document: where its JI was lost (see LossCause). */
  loss?: LossAttribution;
  /** Jaccard index against the label; null on a negative (no document in the photo). */
  ji: number | null;
  /** Mean corner distance in % of the image diagonal; null on a miss or a negative. */
  cornerError: number | null;
  /** Positives: found with JI >= 0.9. Negatives: said "no document". */
  correct: boolean;
  /** Wall time for this method on this photo (after decoding), ms. */
  ms: number;
}

export interface EvalImage {
  folder: string;
  file: string;
  width: number;
  height: number;
  truth: Quad | null;
  tags: string[];
  docedge: MethodResult;
  /** docedge's stages, ms. */
  timings: { decode: number; preprocess: number; inference: number; quad: number; refine: number; total: number };
  baseline?: MethodResult;
  /** docedge on the full-resolution decoded pixels (the JPEG path decodes at reduced scale). */
  fromPixels?: MethodResult;
  /** Set when the photo could not be read or decoded; it then counts as a miss. */
  error?: string;
}

export interface TimingStats {
  median: number;
  p90: number;
  max: number;
  mean: number;
}

export interface MethodSummary {
  images: number;
  positives: number;
  negatives: number;
  /** Mean JI over photos with a document (misses score 0); null when there are none. */
  meanJI: number | null;
  /** Share of photos with a document scored JI >= 0.9. */
  shareJI90: number | null;
  /** Median and p90 of the per-photo corner error (% of the diagonal) over the documents found. */
  cornerError: { median: number; p90: number; found: number } | null;
  /** Share of photos without a document where the method said so. */
  negativeAccuracy: number | null;
  /** One number per folder for comparisons: JI on positives and 1/0 on negatives, averaged. */
  score: number;
  ms: TimingStats;
}

export interface FolderSummary {
  name: string;
  docedge: MethodSummary;
  baseline?: MethodSummary;
}

export interface WorstCase {
  folder: string;
  file: string;
  /** JI for a positive; for a negative, 0 when a document was wrongly reported. */
  ji: number;
  negative: boolean;
  confidence: number;
  baselineJi?: number;
}

export interface EvalReport {
  root: string;
  createdAt: string;
  model: string;
  threshold: number | null;
  baseline: { name: string; description: string } | { skipped: string } | null;
  folders: FolderSummary[];
  overall: FolderSummary;
  /** docedge's five worst photos (lowest JI; wrongly reported negatives count as 0). */
  worst: WorstCase[];
  /** docedge on full-resolution pixels: mean JI over the photos with a document, detection time. */
  fromPixels: { meanJI: number | null; ms: TimingStats } | null;
  /**
   * docedge's JI lost (1 - JI, summed over the photos with a document) by where it was lost: a
   * labelled side the edge map gave no line for, a line search that chose other lines, or the
   * placement of the right sides (see LossCause).
   */
  lossByCause: Record<LossCause, { photos: number; lost: number }>;
  /** Median / p90 / max of docedge's stages over all photos, ms. */
  stages: { decode: TimingStats; preprocess: TimingStats; inference: TimingStats; quad: TimingStats; refine: TimingStats; total: TimingStats };
  images: EvalImage[];
}
