import { summariseJitter } from "./jitter.ts";
import type { EvalImage, FolderSummary, MethodResult, MethodSummary, TimingStats, WorstCase } from "./types.ts";

export function timingStats(values: number[]): TimingStats {
  if (values.length === 0) return { median: 0, p90: 0, max: 0, mean: 0 };
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const mid = s.length >> 1;
  return {
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    p90: q(0.9),
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

export function summarise(results: MethodResult[]): MethodSummary {
  const pos = results.filter((r) => r.ji !== null);
  const neg = results.filter((r) => r.ji === null);
  const jis = pos.map((r) => r.ji as number);
  const perImage = results.map((r) => (r.ji === null ? (r.correct ? 1 : 0) : r.ji));
  return {
    images: results.length,
    positives: pos.length,
    negatives: neg.length,
    meanJI: pos.length ? jis.reduce((a, b) => a + b, 0) / pos.length : null,
    shareJI90: pos.length ? jis.filter((j) => j >= 0.9).length / pos.length : null,
    cornerError: cornerErrors(pos),
    negativeAccuracy: neg.length ? neg.filter((r) => r.correct).length / neg.length : null,
    score: perImage.length ? perImage.reduce((a, b) => a + b, 0) / perImage.length : 0,
    ms: timingStats(results.map((r) => r.ms)),
  };
}

export function summariseFolder(name: string, images: EvalImage[]): FolderSummary {
  const out: FolderSummary = { name, docedge: summarise(images.map((i) => i.docedge)) };
  const withBaseline = images.filter((i) => i.baseline);
  if (withBaseline.length === images.length && images.length > 0) {
    out.baseline = summarise(withBaseline.map((i) => i.baseline as MethodResult));
  }
  const jitter = summariseJitter(images);
  if (jitter) out.jitter = jitter;
  return out;
}

export function worstCases(images: EvalImage[], n: number): WorstCase[] {
  return images
    .map((i): WorstCase => ({
      folder: i.folder,
      file: i.file,
      ji: i.docedge.ji ?? (i.docedge.correct ? 1 : 0),
      negative: i.truth === null,
      confidence: i.docedge.confidence ?? 0,
      ...(i.baseline ? { baselineJi: i.baseline.ji ?? (i.baseline.correct ? 1 : 0) } : {}),
    }))
    .sort((a, b) => a.ji - b.ji || b.confidence - a.confidence)
    .slice(0, n);
}

function cornerErrors(pos: MethodResult[]): MethodSummary["cornerError"] {
  const errs = pos.map((r) => r.cornerError).filter((e): e is number => e !== null && e !== undefined);
  if (errs.length === 0) return null;
  const t = timingStats(errs);
  return { median: t.median, p90: t.p90, found: errs.length };
}
