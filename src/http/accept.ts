import type { ScanFormat } from "../scan/options.ts";

/** The media type each scan format is served as. */
export const SCAN_CONTENT_TYPES: Record<ScanFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  pdf: "application/pdf",
};

/**
 * The scan format an `Accept` header asks for: its most preferred media type that docedge makes
 * (ties keep the header's order). Undefined when it names none, or a wildcard first: the default
 * format then applies, as a client saying "anything" expects.
 */
export function formatFromAccept(accept: string | null | undefined): ScanFormat | undefined {
  if (!accept) return undefined;
  const ranges = accept
    .split(",")
    .map((part, index) => {
      const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p)).find((m) => m !== null);
      return { type, q: q ? Number(q[1]) : 1, index };
    })
    .filter((r) => r.type !== "" && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranges) {
    if (type === "*/*" || type === "image/*") return undefined;
    const format = (Object.keys(SCAN_CONTENT_TYPES) as ScanFormat[]).find((f) => SCAN_CONTENT_TYPES[f] === type);
    if (format) return format;
  }
  return undefined;
}
