import type { CropBox } from "../image/crop.ts";
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
  /** With `jitter`: docedge on crops of the decoded pixels, beside the original run. */
  jitter?: ImageJitter;
}

/**
 * One look at a crop of the full-resolution decoded pixels (`crop`, in the photo's pixels, x1 and
 * y1 exclusive). Skipped when the crop would cut the labelled page or come within the margin of it.
 */
export type JitterLook =
  | { crop: CropBox; skipped: true }
  | {
      crop: CropBox;
      found: boolean;
      /** In the photo's pixels (the crop's answer moved back by the crop's origin). */
      quad: Quad | null;
      confidence: number;
      /** As MethodResult's: against the label, null on a negative. */
      ji: number | null;
      correct: boolean;
      /** Crop and detection, ms. */
      ms: number;
    };

export interface ImageJitter {
  looks: JitterLook[];
  /** Mean JI over the original run (`docedge`) and the looks taken; null on a negative. */
  meanJI: number | null;
  /** Of the original run and the looks taken: how many were right (JI >= 0.9; "no document" on a negative). */
  correct: number;
  of: number;
}

/** A folder's jitter numbers: each photo over its original run and its looks. */
export interface JitterSummary {
  /** Mean of the photos' jitter.meanJI over the photos with a document; null when there are none. */
  meanJI: number | null;
  positives: number;
  /** Photos with a document scored JI >= 0.9 in every look (the original included). */
  allLooksJI90: number;
  negatives: number;
  /** Over the photos without a document, the share of all their looks (the original included) that said "no document". */
  negativeLooksRejected: number | null;
  /** Photos without a document rejected in every look. */
  negativesAlwaysRejected: number;
  /** Looks taken and skipped (crops that would cut the labelled page), the original runs not counted. */
  looks: number;
  skipped: number;
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
  /** With `jitter`. */
  jitter?: JitterSummary;
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
  /** With `jitter`: the looks asked for per photo and the time of one look (crop + detect), ms. */
  jitter?: { looks: number; ms: TimingStats };
  images: EvalImage[];
}
