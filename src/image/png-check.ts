import { CorruptImageError } from "../errors.ts";

/**
 * Structural checks of a PNG before any pixel memory is allocated: chunk chain, CRCs, IHDR fields,
 * and whether the compressed image data could possibly hold the claimed pixels. The codec reports
 * every failure as "`unwrap_throw` failed", and allocates the full output buffer before it reads a
 * byte of image data, so a 126-byte file claiming 4000x4000 would cost 48 MB per decode.
 */

/**
 * Deflate's best case is one 258-byte match per 2 bits, i.e. about 1032:1; no valid zlib stream
 * inflates further than this.
 */
export const MAX_DEFLATE_RATIO = 1032;

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
  /** Bytes of zlib data over all IDAT chunks. */
  idatBytes: number;
  /** Bytes the inflated, filtered scanlines take (what the zlib stream must produce). */
  rawBytes: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

const u32 = (b: Uint8Array, i: number): number => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

function chunkName(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = at; i < at + 4; i++) {
    const c = b[i]!;
    // Names are four ASCII letters; anything else is shown as "?" (never echo raw file bytes).
    s += (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? String.fromCharCode(c) : "?";
  }
  return s;
}

let crcTable: Uint32Array | null = null;

function crc32(b: Uint8Array, start: number, end: number): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Scanline bytes (filter byte included) for a `width` x `height` pass. */
function passBytes(width: number, height: number, bitsPerPixel: number): number {
  if (width === 0 || height === 0) return 0;
  return height * (1 + Math.ceil((width * bitsPerPixel) / 8));
}

// Adam7: start column, start row, column step, row step of each of the seven passes.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function rawImageBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return passBytes(width, height, bitsPerPixel);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += passBytes(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy), bitsPerPixel);
  }
  return total;
}

/**
 * Walk the chunks of a PNG, verify what can be verified without inflating, and refuse files whose
 * image data is too short for the size they claim. Throws CorruptImageError. (An animated PNG
 * decodes as its default image, as in browsers without APNG support.)
 */
export function checkPng(b: Uint8Array): PngInfo {
  const n = b.length;
  if (n < 8 + 25) throw new CorruptImageError("PNG: truncated before the end of the IHDR chunk");
  if (u32(b, 8) !== 13 || chunkName(b, 12) !== "IHDR") throw new CorruptImageError("PNG: the first chunk is not a 13-byte IHDR");
  const width = u32(b, 16);
  const height = u32(b, 20);
  const bitDepth = b[24]!;
  const colorType = b[25]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new CorruptImageError(`PNG: IHDR has an invalid size ${width}x${height}`);
  }
  const channels = CHANNELS[colorType];
  if (channels === undefined) throw new CorruptImageError(`PNG: IHDR has an invalid colour type ${colorType}`);
  if (!DEPTHS[colorType]!.includes(bitDepth)) {
    throw new CorruptImageError(`PNG: bit depth ${bitDepth} is not allowed with colour type ${colorType}`);
  }
  if (b[26] !== 0 || b[27] !== 0) throw new CorruptImageError("PNG: IHDR names an unknown compression or filter method");
  if (b[28]! > 1) throw new CorruptImageError(`PNG: IHDR names an unknown interlace method ${b[28]}`);
  const interlaced = b[28] === 1;

  let idatBytes = 0;
  let sawIdat = false;
  let idatEnded = false;
  let sawPalette = false;
  let i = 8;
  for (;;) {
    if (i + 12 > n) throw new CorruptImageError("PNG: truncated (the file ends before the IEND chunk)");
    const len = u32(b, i);
    const name = chunkName(b, i + 4);
    if (len > 0x7fffffff || i + 12 + len > n) {
      throw new CorruptImageError(`PNG: truncated (chunk ${name} at byte ${i} runs past the end of the file)`);
    }
    // Critical chunks (upper-case first letter) must match their CRC; ancillary ones are
    // skipped on mismatch by libpng, so a bad CRC there is not worth refusing the image for.
    const critical = b[i + 4]! >= 65 && b[i + 4]! <= 90;
    if (critical && crc32(b, i + 4, i + 8 + len) !== u32(b, i + 8 + len)) {
      throw new CorruptImageError(`PNG: chunk ${name} at byte ${i} fails its CRC check (damaged file)`);
    }
    if (name === "IEND") break;
    if (name === "PLTE") sawPalette = true;
    if (name === "IDAT") {
      if (idatEnded) throw new CorruptImageError("PNG: image data (IDAT) chunks are not consecutive");
      sawIdat = true;
      idatBytes += len;
    } else if (sawIdat) {
      idatEnded = true;
    }
    i += 12 + len;
  }
  if (!sawIdat) throw new CorruptImageError("PNG: no image data (IDAT chunk)");
  if (colorType === 3 && !sawPalette) throw new CorruptImageError("PNG: palette image without a PLTE chunk");
  const rawBytes = rawImageBytes(width, height, channels * bitDepth, interlaced);
  // 2 bytes of zlib header, 4 of checksum, and a few bytes of block headers on top of the best case.
  if (idatBytes < rawBytes / MAX_DEFLATE_RATIO + 6) {
    throw new CorruptImageError(
      `PNG: ${idatBytes} bytes of image data cannot hold ${width}x${height} pixels ` +
        `(at least ${Math.ceil(rawBytes / MAX_DEFLATE_RATIO)} needed); the file is truncated or crafted`,
    );
  }
  return { width, height, bitDepth, colorType, interlaced, idatBytes, rawBytes };
}
