import { CorruptImageError, UnsupportedFormatError } from "../errors.ts";

export type ImageFormat = "jpeg" | "png" | "webp";

/** EXIF orientation, 1 (upright) to 8. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** What the container headers say, read without decoding any pixels. */
export interface ImageHeader {
  format: ImageFormat;
  /** Stored (pre-orientation) size. */
  width: number;
  height: number;
  orientation: Orientation;
  /** JPEG only: arithmetic-coded (rare; no byte floor per pixel, see `checkCodedSize`). */
  arithmetic?: boolean;
}

/**
 * Refuse a file too small to hold the pixels its header claims (before any decoder allocates for
 * them). Huffman-coded JPEG spends at least one bit on every 8x8 block's DC value, so a complete
 * file holds at least pixels/512 bytes; the floor here is half that.
 */
export function checkCodedSize(header: ImageHeader, byteLength: number): void {
  if (header.format !== "jpeg" || header.arithmetic === true) return;
  const pixels = header.width * header.height;
  if (byteLength * 1024 < pixels) {
    throw new CorruptImageError(
      `JPEG: ${header.width}x${header.height} cannot be coded in ${byteLength} bytes (at least ${Math.ceil(pixels / 1024)} expected)`,
    );
  }
}

/**
 * The image format the first bytes announce (JPEG, PNG, WebP), or null; nothing else is read.
 *
 * @example
 * ```ts
 * import { sniffFormat } from "docedge";
 * sniffFormat(jpegBytes); // "jpeg"
 * sniffFormat(new Uint8Array([1, 2, 3])); // null
 * ```
 */
export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (
    b.length >= 8 &&
    b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 &&
    b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a
  ) {
    return "png";
  }
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return "webp";
  return null;
}

/**
 * Read format, size and orientation from the headers, and check the file is complete (JPEG: an EOI
 * after the scan starts; PNG: the chunk chain reaches IEND; WebP: the RIFF size fits). Cost is
 * proportional to the number of segments, not the pixels.
 *
 * @example
 * ```ts
 * import { readImageHeader } from "docedge";
 * const { format, width, height, orientation } = readImageHeader(jpegBytes); // throws CorruptImageError if truncated
 * ```
 */
export function readImageHeader(b: Uint8Array): ImageHeader {
  const format = sniffFormat(b);
  switch (format) {
    case "jpeg":
      return readJpeg(b);
    case "png":
      return readPng(b);
    case "webp":
      return readWebp(b);
    default:
      throw new UnsupportedFormatError("not a JPEG, PNG or WebP image (unrecognised signature)");
  }
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = "";
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]);
  return s;
}

const u16be = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number): number => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16le = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32le = (b: Uint8Array, i: number): number => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

function truncated(format: string, detail: string): CorruptImageError {
  return new CorruptImageError(`truncated ${format}: ${detail}`);
}

function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * What the frame marker says about the coding process. libjpeg-turbo (8-bit build) decodes
 * baseline, extended and progressive DCT, Huffman or arithmetic coded; the rest is refused here by
 * name rather than failing inside the decoder.
 */
function checkJpegProcess(marker: number, precision: number): void {
  if (marker === 0xc3 || marker === 0xcb) throw new UnsupportedFormatError("lossless JPEG is not supported");
  if ((marker >= 0xc5 && marker <= 0xc7) || marker >= 0xcd) {
    throw new UnsupportedFormatError("hierarchical (differential) JPEG is not supported");
  }
  if (precision !== 8) throw new UnsupportedFormatError(`${precision}-bit JPEG is not supported (8-bit samples only)`);
}

function readJpeg(b: Uint8Array): ImageHeader {
  const n = b.length;
  let i = 2;
  let width = 0;
  let height = 0;
  let orientation: Orientation = 1;
  let sos = -1;
  let arithmetic = false;
  while (i < n) {
    if (b[i] !== 0xff) throw new CorruptImageError(`JPEG: expected a marker at byte ${i}`);
    const marker = b[i + 1];
    if (marker === undefined) break;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9) throw new CorruptImageError("JPEG: end of image before any scan");
    if (i + 4 > n) break;
    const len = u16be(b, i + 2);
    if (len < 2) throw new CorruptImageError(`JPEG: bad segment length at byte ${i}`);
    if (i + 2 + len > n) throw truncated("JPEG", `segment at byte ${i} runs past the end`);
    if (marker === 0xde) throw new UnsupportedFormatError("hierarchical JPEG (DHP marker) is not supported");
    if (isSof(marker)) {
      if (len < 8) throw new CorruptImageError("JPEG: short frame header");
      checkJpegProcess(marker, b[i + 4]);
      arithmetic = marker >= 0xc9;
      height = u16be(b, i + 5);
      width = u16be(b, i + 7);
    } else if (marker === 0xe1 && orientation === 1 && ascii(b, i + 4, 4) === "Exif" && b[i + 8] === 0 && b[i + 9] === 0) {
      orientation = exifOrientation(b.subarray(i + 10, i + 2 + len));
    } else if (marker === 0xda) {
      sos = i;
      break;
    }
    i += 2 + len;
  }
  if (sos < 0) throw truncated("JPEG", "no frame or scan data");
  if (width === 0 || height === 0) throw new CorruptImageError("JPEG: frame header missing or zero size");
  // Entropy-coded data never contains FF D9 (0xFF is byte-stuffed), so an EOI after the first scan
  // marks a complete file. Search from the end: it is normally in the last two bytes.
  let eoi = false;
  for (let j = n - 2; j > sos; j--) {
    if (b[j] === 0xff && b[j + 1] === 0xd9) {
      eoi = true;
      break;
    }
  }
  if (!eoi) throw truncated("JPEG", "no end-of-image marker");
  return { format: "jpeg", width, height, orientation, arithmetic };
}

function readPng(b: Uint8Array): ImageHeader {
  const n = b.length;
  if (n < 33) throw truncated("PNG", "shorter than the IHDR chunk");
  if (ascii(b, 12, 4) !== "IHDR" || u32be(b, 8) !== 13) throw new CorruptImageError("PNG: first chunk is not IHDR");
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width === 0 || height === 0) throw new CorruptImageError("PNG: zero width or height");
  let orientation: Orientation = 1;
  let i = 8;
  for (;;) {
    if (i + 12 > n) throw truncated("PNG", "no IEND chunk");
    const len = u32be(b, i);
    const type = ascii(b, i + 4, 4);
    if (i + 12 + len > n) throw truncated("PNG", `chunk ${type} runs past the end`);
    if (type === "IEND") break;
    if (type === "eXIf") orientation = exifOrientation(b.subarray(i + 8, i + 8 + len));
    i += 12 + len;
  }
  return { format: "png", width, height, orientation };
}

function readWebp(b: Uint8Array): ImageHeader {
  const n = b.length;
  const riffEnd = 8 + u32le(b, 4);
  if (riffEnd > n) throw truncated("WebP", `RIFF size ${riffEnd} > ${n} bytes`);
  if (riffEnd < 20) throw new CorruptImageError("WebP: RIFF too small");
  const fourcc = ascii(b, 12, 4);
  const size = u32le(b, 16);
  if (20 + size > riffEnd) throw truncated("WebP", `chunk ${fourcc} runs past the end`);
  let width = 0;
  let height = 0;
  let orientation: Orientation = 1;
  if (fourcc === "VP8 ") {
    if (size < 10 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) throw new CorruptImageError("WebP: bad VP8 frame header");
    width = u16le(b, 26) & 0x3fff;
    height = u16le(b, 28) & 0x3fff;
  } else if (fourcc === "VP8L") {
    if (size < 5 || b[20] !== 0x2f) throw new CorruptImageError("WebP: bad VP8L header");
    const bits = u32le(b, 21);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
  } else if (fourcc === "VP8X") {
    if (size < 10) throw new CorruptImageError("WebP: bad VP8X header");
    // VP8X flag bit 1: an animation (ANIM + ANMF frames), which the still-image decoder refuses.
    if (b[20]! & 0x02) throw new UnsupportedFormatError("WebP: animated WebP is not supported; send a still image");
    width = u24le(b, 24) + 1;
    height = u24le(b, 27) + 1;
    let i = 20 + size + (size & 1);
    while (i + 8 <= riffEnd) {
      const type = ascii(b, i, 4);
      const len = u32le(b, i + 4);
      if (i + 8 + len > riffEnd) throw truncated("WebP", `chunk ${type} runs past the end`);
      if (type === "EXIF") {
        let exif = b.subarray(i + 8, i + 8 + len);
        if (ascii(exif, 0, 4) === "Exif") exif = exif.subarray(6);
        orientation = exifOrientation(exif);
      }
      i += 8 + len + (len & 1);
    }
  } else {
    throw new CorruptImageError(`WebP: unknown first chunk ${JSON.stringify(fourcc)}`);
  }
  if (width === 0 || height === 0) throw new CorruptImageError("WebP: zero width or height");
  return { format: "webp", width, height, orientation };
}

/** Orientation (tag 0x0112) from IFD0 of a TIFF-structured EXIF block; 1 when absent or malformed. */
export function exifOrientation(tiff: Uint8Array): Orientation {
  if (tiff.length < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  const big = tiff[0] === 0x4d && tiff[1] === 0x4d;
  if (!little && !big) return 1;
  const r16 = little ? u16le : u16be;
  const r32 = little ? u32le : u32be;
  if (r16(tiff, 2) !== 42) return 1;
  const ifd = r32(tiff, 4);
  if (ifd + 2 > tiff.length) return 1;
  const count = r16(tiff, ifd);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > tiff.length) return 1;
    if (r16(tiff, e) === 0x0112) {
      const v = r16(tiff, e + 8);
      return v >= 1 && v <= 8 ? (v as Orientation) : 1;
    }
  }
  return 1;
}
