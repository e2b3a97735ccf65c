import { deflateSync } from "node:zlib";
import { concatBytes as concat } from "../../src/runtime/bytes.ts";

// Re-exported: the hostile-input generator and tests build PNGs and splices with it.
export { concat };

/**
 * A minimal PNG writer for tests: any colour type and bit depth, valid CRCs, written independently
 * of the codec under test (node:zlib for the image data).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d[8] = bitDepth;
  d[9] = colorType;
  d[12] = interlace;
  return pngChunk("IHDR", d);
}


export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Raw scanlines (filter byte 0 before each row) from packed row bytes. */
export function scanlines(rows: Uint8Array[]): Uint8Array {
  return concat(rows.flatMap((r) => [new Uint8Array([0]), r]));
}

export interface PngParts {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  rows: Uint8Array[];
  palette?: Uint8Array;
  extra?: Uint8Array[];
}

export function makePng(p: PngParts): Uint8Array {
  return concat([
    PNG_SIGNATURE,
    ihdr(p.width, p.height, p.bitDepth, p.colorType),
    ...(p.palette ? [pngChunk("PLTE", p.palette)] : []),
    ...(p.extra ?? []),
    pngChunk("IDAT", deflateSync(scanlines(p.rows))),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * The hostile file: valid chunks and CRCs, an IHDR claiming width x height RGB, and image
 * data for only the first few rows.
 */
export function truncatedPng(width: number, height: number, rowsGiven = 4): Uint8Array {
  const rows = Array.from({ length: rowsGiven }, () => new Uint8Array(width * 3).fill(200));
  return concat([
    PNG_SIGNATURE,
    ihdr(width, height, 8, 2),
    pngChunk("IDAT", deflateSync(scanlines(rows))),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}
