import { InvalidInputError } from "../errors.ts";
import { PAPER_RATIOS } from "./aspect.ts";

/** One page of a PDF: the JPEG bytes as encoded once, and what sizes the sheet. */
export interface PdfPage {
  /** JPEG bytes; embedded as they are (DCTDecode), never decoded or encoded again. */
  jpeg: Uint8Array;
  /** Pixel size of the JPEG. */
  width: number;
  height: number;
  /** The paper size the page's shape matched (`ScanResult.paper`), or null. */
  paper: string | null;
}

const POINTS_PER_MM = 72 / 25.4;
/** A page of no known size keeps its shape with A4's long side (297 mm), so it prints as a sheet would. */
const DEFAULT_LONG_MM = 297;

/**
 * The sheet's size in PDF points (1/72 inch), [width, height]: a page that matched a paper size
 * gets that paper's size (A4 stays 210 x 297 mm), any other keeps its pixel aspect with a long
 * side of 297 mm.
 *
 * @example
 * ```ts
 * import { pdfPageSize } from "docedge";
 * pdfPageSize(1240, 1754, "A-series (A4)"); // [595.3, 841.9]: 210 x 297 mm in points
 * pdfPageSize(1000, 500, null); // [841.9, 420.9]: the pixel shape, long side 297 mm
 * ```
 */
export function pdfPageSize(width: number, height: number, paper: string | null): [number, number] {
  const portrait = width <= height;
  const mm = PAPER_RATIOS.find((p) => p.name === paper)?.mm;
  if (mm) {
    const [short, long] = mm;
    return portrait ? [short * POINTS_PER_MM, long * POINTS_PER_MM] : [long * POINTS_PER_MM, short * POINTS_PER_MM];
  }
  const scale = (DEFAULT_LONG_MM * POINTS_PER_MM) / Math.max(width, height);
  return [width * scale, height * scale];
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * A PDF with one page per entry, in order, each filled by its JPEG. pdf-lib is loaded on first
 * use, so code that never writes a PDF never loads it.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { pagesToPdf, scanDocument } from "docedge";
 * const page = await scanDocument(jpegBytes); // JPEG by default
 * await writeFile("scan.pdf", await pagesToPdf([{ jpeg: page.image, width: page.width, height: page.height, paper: page.paper }]));
 * ```
 */
export async function pagesToPdf(pages: readonly PdfPage[]): Promise<Uint8Array> {
  if (pages.length === 0) throw new InvalidInputError("a PDF needs at least one page");
  pages.forEach((p, i) => {
    if (!(p.jpeg instanceof Uint8Array) || !isJpeg(p.jpeg)) throw new InvalidInputError(`PDF page ${i + 1} is not JPEG bytes`);
  });
  const { PDFDocument } = await import("pdf-lib");
  const doc = await PDFDocument.create();
  doc.setProducer("docedge");
  doc.setCreator("docedge");
  for (const p of pages) {
    const image = await doc.embedJpg(p.jpeg);
    const [w, h] = pdfPageSize(p.width, p.height, p.paper);
    doc.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
  }
  // Plain objects, not object streams: any reader (and a grep for /Type /Page) sees the pages.
  return doc.save({ useObjectStreams: false });
}
