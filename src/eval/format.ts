import { widestSpreads } from "./jitter.ts";
import type { EvalReport, FolderSummary, JitterSummary, MethodSummary } from "./types.ts";

const f4 = (v: number | null): string => (v === null ? "-" : v.toFixed(4));
const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function frac(share: number | null, n: number): string {
  return share === null ? "-" : `${Math.round(share * n)}/${n}`;
}

const pct = (v: number): string => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

function cells(m: MethodSummary): string[] {
  const ce = m.cornerError ? `${pct(m.cornerError.median)}/${pct(m.cornerError.p90)}` : "-";
  return [f4(m.meanJI), frac(m.shareJI90, m.positives), ce, frac(m.negativeAccuracy, m.negatives)];
}

function jitterCells(j: JitterSummary | undefined): string[] {
  if (!j) return ["", "", ""];
  const negLooks = j.negativeLooksRejected === null ? "-" : `${(j.negativeLooksRejected * 100).toFixed(0)}%`;
  return [f4(j.meanJI), j.positives ? `${j.allLooksJI90}/${j.positives}` : "-", negLooks];
}

/**
 * Which method wins a folder: mean JI where it has documents, "no document" accuracy where it has
 * only negatives (and on a tie in JI, the per-photo score that counts both).
 */
export function folderWinner(f: FolderSummary): "docedge" | "baseline" | "tie" | null {
  if (!f.baseline) return null;
  const a = f.docedge, b = f.baseline;
  const ka = a.meanJI ?? a.negativeAccuracy ?? 0;
  const kb = b.meanJI ?? b.negativeAccuracy ?? 0;
  if (Math.abs(ka - kb) > 1e-9) return ka > kb ? "docedge" : "baseline";
  if (Math.abs(a.score - b.score) > 1e-9) return a.score > b.score ? "docedge" : "baseline";
  return "tie";
}

/** The human-readable report; its last line is `mean JI: 0.xxxx over N images`. */
export function formatEvalReport(report: EvalReport): string {
  const lines: string[] = [];
  const o = report.overall.docedge;
  lines.push(`docedge eval: ${report.root}`);
  lines.push(
    `${report.folders.length} folder(s), ${o.images} photos: ${o.positives} with a document, ${o.negatives} without · model ${report.model} · threshold ${report.threshold ?? "default"}`,
  );
  const b = report.baseline;
  if (b && "name" in b) lines.push(`baseline: ${b.name} (${b.description})`);
  else if (b && "skipped" in b) lines.push(`baseline skipped: ${b.skipped}`);
  lines.push("");
  const hasBaseline = report.overall.baseline !== undefined;
  const head = ["folder", "photos", "neg", "docedge JI", ">=0.9", "corner %", "neg ok"];
  const jitter = report.jitter;
  if (jitter) head.push("jitter JI", "all >=0.9", "neg looks ok");
  if (hasBaseline) head.push("baseline JI", ">=0.9", "corner %", "neg ok", "better");
  const rows: string[][] = [head];
  for (const f of [...report.folders, report.overall]) {
    const row = [f === report.overall ? "all" : f.name, String(f.docedge.images), String(f.docedge.negatives), ...cells(f.docedge)];
    if (jitter) row.push(...jitterCells(f.jitter));
    if (hasBaseline && f.baseline) row.push(...cells(f.baseline), folderWinner(f) ?? "");
    rows.push(row);
  }
  const widths = head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  rows.forEach((r, i) => {
    lines.push(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  "));
    if (i === 0 || i === rows.length - 2) lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  });
  lines.push("corner %: mean corner distance in % of the image diagonal, median/p90 over the documents found");
  if (jitter) {
    const o = report.overall.jitter;
    lines.push(
      `jitter: each photo's original run and ${jitter.looks} look(s) at crops of its pixels (${o?.looks ?? 0} taken, ${o?.skipped ?? 0} skipped as cutting the page); ` +
        "jitter JI: mean over them; all >=0.9: photos right in every look; neg looks ok: share of the negatives' looks answered \"no document\"",
    );
    const spreads = widestSpreads(report.images, 5);
    if (spreads.length) {
      lines.push("looks that disagree most:");
      for (const s of spreads) {
        const what = s.min === null || s.max === null ? "negative" : `JI ${s.min.toFixed(4)}..${s.max.toFixed(4)}`;
        lines.push(`  ${what.padEnd(18)} ${s.correct}/${s.of} right  ${s.folder}/${s.file}`);
      }
    }
  }
  lines.push("");
  if (report.worst.length) {
    lines.push("worst docedge results:");
    for (const w of report.worst) {
      const what = w.negative ? (w.ji === 0 ? "false document" : "ok") : `JI ${w.ji.toFixed(4)}`;
      const base = w.baselineJi !== undefined ? ` · baseline ${w.baselineJi.toFixed(4)}` : "";
      lines.push(`  ${what.padEnd(14)} conf ${w.confidence.toFixed(2)}  ${w.folder}/${w.file}${base}`);
    }
    lines.push("");
  }
  const c = report.lossByCause;
  const lost = (k: keyof typeof c): string => `${c[k].lost.toFixed(3)} (${c[k].photos} photos)`;
  lines.push(`where docedge's JI is lost (1 - JI summed): edge map ${lost("edge-map")} · line search ${lost("line-search")} · placement ${lost("placement")}`);
  lines.push("  edge map: a labelled side had no line in the map; line search: the lines were there, others were chosen");
  lines.push("");
  const s = report.stages;
  lines.push("timings, ms (median / p90 / max):");
  lines.push(`  docedge total ${ms(s.total.median)} / ${ms(s.total.p90)} / ${ms(s.total.max)} (from the file: decode + detect)`);
  lines.push(
    `  inference ${ms(s.inference.median)} / ${ms(s.inference.p90)} / ${ms(s.inference.max)} · quad finder ${ms(s.quad.median)} / ${ms(s.quad.p90)} / ${ms(s.quad.max)} · second look ${ms(s.refine.median)} / ${ms(s.refine.p90)} / ${ms(s.refine.max)} · resize ${ms(s.preprocess.median)} · decode ${ms(s.decode.median)}`,
  );
  if (report.fromPixels) {
    const t = report.fromPixels.ms;
    lines.push(`  docedge from decoded pixels ${ms(t.median)} / ${ms(t.p90)} / ${ms(t.max)} (full resolution; mean JI ${(report.fromPixels.meanJI ?? 0).toFixed(4)})`);
  }
  if (report.jitter) {
    const t = report.jitter.ms;
    lines.push(`  one jitter look ${ms(t.median)} / ${ms(t.p90)} / ${ms(t.max)} (crop + detect from pixels)`);
  }
  if (report.overall.baseline) {
    const t = report.overall.baseline.ms;
    lines.push(`  baseline ${ms(t.median)} / ${ms(t.p90)} / ${ms(t.max)} (from the same decoded pixels)`);
  }
  lines.push(`mean JI: ${(o.meanJI ?? 0).toFixed(4)} over ${o.positives} images`);
  return lines.join("\n");
}
