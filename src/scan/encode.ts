import { encodeJpeg, encodePng, encodeWebp } from "../image/codecs.ts";
import type { RgbaImage } from "../types.ts";
import type { ScanFormat } from "./options.ts";
import { pagesToPdf } from "./pdf.ts";

/**
 * Encode the flattened page with the shared codecs (their WASM set up once per runtime). A PDF
 * holds the page as JPEG, encoded once; `paper` sizes its sheet.
 */
export async function encodePage(image: RgbaImage, format: ScanFormat, quality: number, paper: string | null = null): Promise<Uint8Array> {
  switch (format) {
    case "pdf":
      return pagesToPdf([{ jpeg: await encodeJpeg(image, { quality }), width: image.width, height: image.height, paper }]);
    case "jpeg":
      return encodeJpeg(image, { quality });
    case "png":
      return encodePng(image);
    case "webp":
      return encodeWebp(image, { quality });
  }
}
