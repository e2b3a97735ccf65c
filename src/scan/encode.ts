import { encodeJpeg, encodePng, encodeWebp } from "../image/codecs.ts";
import type { RgbaImage } from "../types.ts";
import type { ScanFormat } from "./options.ts";

/** Encode the flattened page with the shared codecs (their WASM set up once per runtime). */
export async function encodePage(image: RgbaImage, format: ScanFormat, quality: number): Promise<Uint8Array> {
  switch (format) {
    case "jpeg":
      return encodeJpeg(image, { quality });
    case "png":
      return encodePng(image);
    case "webp":
      return encodeWebp(image, { quality });
  }
}
