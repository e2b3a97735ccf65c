/**
 * A seeded generator of hostile image inputs, as an attacker would send them: truncations at every
 * segment boundary, bit flips and splices of real files, crafted headers (huge size claims,
 * progressive scan bombs, EXIF loops and out-of-range offsets, CMYK, 16-bit and palette PNG,
 * animated WebP) and random bytes. Same seed, same inputs.
 */
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { encodeJpeg } from "../../src/image/codecs.ts";
import { mulberry32 } from "./prng.ts";
import { concat, ihdr, makePng, PNG_SIGNATURE, pngChunk, scanlines, truncatedPng } from "./png.ts";

export interface HostileInput {
  /** What it is, for failure messages: "<family>/<detail>". */
  name: string;
  bytes: Uint8Array;
}

const root = new URL("../../", import.meta.url);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, root)));

/** Offsets where JPEG segments start (every marker up to the first scan, then each later SOS). */
export function jpegBoundaries(b: Uint8Array): number[] {
  const out: number[] = [];
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    out.push(i);
    const marker = b[i + 1]!;
    if (marker === 0xda) break;
    i += 2 + ((b[i + 2]! << 8) | b[i + 3]!);
  }
  for (let j = i + 2; j + 1 < b.length; j++) if (b[j] === 0xff && b[j + 1] === 0xda) out.push(j);
  out.push(b.length - 2);
  return out;
}

export function pngBoundaries(b: Uint8Array): number[] {
  const out: number[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 8; i + 12 <= b.length; i += 12 + view.getUint32(i)) out.push(i);
  return out;
}

export function riffBoundaries(b: Uint8Array): number[] {
  const out: number[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 12; i + 8 <= b.length; ) {
    out.push(i);
    const len = view.getUint32(i + 4, true);
    i += 8 + len + (len & 1);
  }
  return out;
}

function be16(v: number): number[] {
  return [(v >> 8) & 255, v & 255];
}

/** The sample with its frame header's size replaced (the rest untouched). */
function withJpegSize(b: Uint8Array, width: number, height: number): Uint8Array {
  const out = b.slice();
  for (const at of jpegBoundaries(b)) {
    const m = b[at + 1]!;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      out.set([...be16(height), ...be16(width)], at + 5);
      return out;
    }
  }
  return out;
}

/** Insert a segment right after SOI. */
function withSegment(b: Uint8Array, marker: number, payload: Uint8Array): Uint8Array {
  return concat([b.subarray(0, 2), new Uint8Array([0xff, marker, ...be16(payload.length + 2)]), payload, b.subarray(2)]);
}

/** A progressive JPEG whose last scan is repeated `times` times (each repeat costs a full pass). */
export function scanBomb(progressive: Uint8Array, times: number): Uint8Array {
  const sos = jpegBoundaries(progressive).filter((at) => progressive[at + 1] === 0xda);
  const last = sos[sos.length - 1]!;
  const end = progressive.length - 2;
  const scan = progressive.subarray(last, end);
  return concat([progressive.subarray(0, end), ...Array.from({ length: times }, () => scan), new Uint8Array([0xff, 0xd9])]);
}

/** EXIF (TIFF) payloads that loop, point outside themselves or carry nonsense counts. */
function hostileExif(): { name: string; tiff: number[] }[] {
  const head = [0x4d, 0x4d, 0, 42]; // big-endian TIFF
  return [
    { name: "ifd-points-to-itself", tiff: [...head, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 8] },
    { name: "ifd-offset-past-end", tiff: [...head, 0x7f, 0xff, 0xff, 0xff] },
    { name: "entry-count-65535", tiff: [...head, 0, 0, 0, 8, 0xff, 0xff, 0x01, 0x12, 0, 3] },
    { name: "orientation-0", tiff: [...head, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0] },
    { name: "orientation-9", tiff: [...head, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0] },
    { name: "value-offset-out-of-range", tiff: [...head, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xf0, 0, 0, 0, 0] },
    { name: "bad-byte-order", tiff: [0x41, 0x41, 0, 42, 0, 0, 0, 8] },
    { name: "truncated-header", tiff: [0x49, 0x49, 42] },
    { name: "next-ifd-loop", tiff: [...head, 0, 0, 0, 8, 0, 0, 0, 0, 0, 8] },
  ];
}

/** A WebP RIFF from chunks (each padded to even length). */
function riff(chunks: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode("WEBP")];
  for (const [type, data] of chunks) {
    const head = new Uint8Array(8);
    head.set(new TextEncoder().encode(type));
    new DataView(head.buffer).setUint32(4, data.length, true);
    parts.push(head, data, new Uint8Array(data.length & 1));
  }
  const body = concat(parts);
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, body.length, true);
  return concat([new TextEncoder().encode("RIFF"), size, body]);
}

function vp8x(flags: number, width: number, height: number): Uint8Array {
  const d = new Uint8Array(10);
  d[0] = flags;
  const w = width - 1;
  const h = height - 1;
  d.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255], 4);
  return d;
}

/**
 * At least `count` hostile inputs (the families are fixed; random ones fill up to `count`).
 * Encodes a few small images with the project's own encoder, hence async.
 */
export async function hostileInputs(seed = 15, count = 520): Promise<HostileInput[]> {
  const rand = mulberry32(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const out: HostileInput[] = [];
  const add = (name: string, bytes: Uint8Array): void => {
    out.push({ name, bytes });
  };

  const jpeg = read("tests/http/fixtures/a4-on-dark-background.jpg");
  const png = read("tests/http/fixtures/inner-table.png");
  const webp = read("tests/http/fixtures/inner-lines.webp");
  const flat = { data: new Uint8ClampedArray(96 * 64 * 4).fill(140), width: 96, height: 64 };
  const small = await encodeJpeg(flat, { quality: 80 }); // progressive (mozjpeg's default)
  const originals: [string, Uint8Array][] = [["jpeg", jpeg], ["png", png], ["webp", webp], ["small-jpeg", small]];

  // Truncations at every segment boundary, just before and just after it.
  const boundaries: [string, Uint8Array, number[]][] = [
    ["jpeg", jpeg, jpegBoundaries(jpeg)],
    ["png", png, pngBoundaries(png)],
    ["webp", webp, riffBoundaries(webp)],
    ["small-jpeg", small, jpegBoundaries(small)],
  ];
  for (const [name, bytes, cuts] of boundaries) {
    for (const at of cuts) {
      for (const delta of [-1, 0, 2, 5]) {
        const end = at + delta;
        if (end > 0 && end < bytes.length) add(`truncate/${name}@${end}`, bytes.subarray(0, end));
      }
    }
  }
  for (let i = 0; i < 24; i++) {
    const [name, bytes] = originals[i % originals.length]!;
    const end = int(bytes.length);
    add(`truncate/${name}@${end}`, bytes.subarray(0, end));
  }

  // Bit flips: half in the headers (first 1 KiB), half anywhere.
  for (let i = 0; i < 160; i++) {
    const [name, bytes] = originals[i % originals.length]!;
    const copy = bytes.slice();
    const flips = 1 + int(12);
    const span = i % 2 === 0 ? Math.min(1024, copy.length) : copy.length;
    for (let k = 0; k < flips; k++) copy[int(span)]! ^= 1 << int(8);
    add(`bitflip/${name}/${flips}`, copy);
  }

  // Splices: the head of one file onto the tail of another (or of itself, repeating a range).
  for (let i = 0; i < 48; i++) {
    const [an, a] = originals[int(originals.length)]!;
    const [bn, b] = originals[int(originals.length)]!;
    const cut = 2 + int(a.length - 2);
    const from = int(b.length);
    add(`splice/${an}[..${cut}]+${bn}[${from}..]`, concat([a.subarray(0, cut), b.subarray(from)]));
  }

  // Huge or absurd size claims.
  for (const [w, h] of [[65535, 65535], [9999, 9999], [6000, 6000], [1, 65535], [65535, 1], [0, 0], [0, 100]] as const) {
    add(`claim/jpeg-${w}x${h}`, withJpegSize(jpeg, w, h));
    add(`claim/tiny-jpeg-${w}x${h}`, withJpegSize(small, w, h));
  }
  for (const [w, h] of [[4000, 4000], [2000, 2000], [100_000, 100_000], [1, 1_000_000]] as const) add(`claim/png-truncated-${w}x${h}`, truncatedPng(w, h));
  add("claim/png-2147483647", concat([PNG_SIGNATURE, ihdr(0x7fffffff, 0x7fffffff, 8, 6), pngChunk("IEND", new Uint8Array(0))]));
  add("claim/png-0x0", concat([PNG_SIGNATURE, ihdr(0, 0, 8, 2), pngChunk("IEND", new Uint8Array(0))]));
  // A real decompression bomb within the pixel limit: 6000x6000 zeros deflate to ~35 KB.
  add("claim/png-zlib-bomb-6000", makePng({ width: 6000, height: 6000, bitDepth: 8, colorType: 0, rows: Array.from({ length: 6000 }, () => new Uint8Array(6000)) }));
  add("claim/webp-vp8x-16384", riff([["VP8X", vp8x(0, 16384, 16384)], ["VP8 ", new Uint8Array(10)]]));
  add("claim/webp-vp8x-16777216", riff([["VP8X", vp8x(0, 1 << 24, 1 << 24)]]));

  // Progressive scan bombs (the last scan repeated), small enough for three passes in CI.
  for (const times of [50, 500, 2000]) add(`scan-bomb/small-x${times}`, scanBomb(small, times));
  const mid = await encodeJpeg({ data: new Uint8ClampedArray(512 * 512 * 4).fill(90), width: 512, height: 512 }, { quality: 70 });
  add("scan-bomb/512-x1000", scanBomb(mid, 1000));

  // EXIF loops and out-of-range offsets, in JPEG APP1, PNG eXIf and WebP EXIF.
  for (const { name, tiff } of hostileExif()) {
    const t = new Uint8Array(tiff);
    add(`exif/jpeg-${name}`, withSegment(jpeg, 0xe1, concat([new TextEncoder().encode("Exif\0\0"), t])));
    const iend = png.length - 12;
    add(`exif/png-${name}`, concat([png.subarray(0, iend), pngChunk("eXIf", t), png.subarray(iend)]));
    add(`exif/webp-${name}`, riff([["VP8X", vp8x(0x08, 270, 480)], ["EXIF", t]]));
  }

  // CMYK / YCCK: an Adobe APP14 marker and four components claimed in the frame header.
  for (const transform of [0, 1, 2]) {
    const adobe = new Uint8Array([0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform]);
    const tagged = withSegment(small, 0xee, adobe);
    add(`cmyk/adobe-transform-${transform}`, tagged);
    const four = tagged.slice();
    for (const at of jpegBoundaries(four)) {
      if (four[at + 1] === 0xc2 || four[at + 1] === 0xc0) {
        four[at + 9] = 4;
        break;
      }
    }
    add(`cmyk/four-components-claimed-${transform}`, four);
  }

  // PNG colour types and depths, valid and damaged.
  const row = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
  const pngs: [string, Parameters<typeof makePng>[0]][] = [
    ["rgb16", { width: 33, height: 17, bitDepth: 16, colorType: 2, rows: Array.from({ length: 17 }, () => row(33 * 6)) }],
    ["rgba16", { width: 20, height: 9, bitDepth: 16, colorType: 6, rows: Array.from({ length: 9 }, () => row(20 * 8)) }],
    ["gray16", { width: 40, height: 8, bitDepth: 16, colorType: 0, rows: Array.from({ length: 8 }, () => row(80)) }],
    ["graya8", { width: 40, height: 8, bitDepth: 8, colorType: 4, rows: Array.from({ length: 8 }, () => row(80)) }],
    ["palette8", { width: 30, height: 10, bitDepth: 8, colorType: 3, palette: row(256 * 3), rows: Array.from({ length: 10 }, () => row(30)) }],
    ["palette4", { width: 30, height: 10, bitDepth: 4, colorType: 3, palette: row(16 * 3), rows: Array.from({ length: 10 }, () => row(15)) }],
    ["palette1", { width: 30, height: 10, bitDepth: 1, colorType: 3, palette: row(6), rows: Array.from({ length: 10 }, () => row(4)) }],
    ["palette-index-past-plte", { width: 8, height: 2, bitDepth: 8, colorType: 3, palette: row(6), rows: [row(8), row(8)] }],
    ["palette-without-plte", { width: 8, height: 2, bitDepth: 8, colorType: 3, rows: [row(8), row(8)] }],
    ["bad-depth", { width: 8, height: 2, bitDepth: 3, colorType: 2, rows: [row(8), row(8)] }],
    ["bad-colour-type", { width: 8, height: 2, bitDepth: 8, colorType: 5, rows: [row(8), row(8)] }],
    ["rows-too-short", { width: 64, height: 64, bitDepth: 8, colorType: 2, rows: Array.from({ length: 64 }, () => row(10)) }],
    ["bad-filter-bytes", { width: 8, height: 4, bitDepth: 8, colorType: 0, rows: Array.from({ length: 4 }, () => row(8)) }],
  ];
  for (const [name, parts] of pngs) {
    const bytes = makePng(parts);
    add(`png/${name}`, bytes);
    if (name === "bad-filter-bytes") {
      const raw = concat(parts.rows.map((r) => concat([new Uint8Array([7]), r])));
      add("png/filter-type-7", concat([PNG_SIGNATURE, ihdr(8, 4, 8, 0), pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", new Uint8Array(0))]));
    }
  }
  const interlacedClaim = concat([PNG_SIGNATURE, ihdr(16, 16, 8, 2, 1), pngChunk("IDAT", deflateSync(scanlines(Array.from({ length: 16 }, () => row(48))))), pngChunk("IEND", new Uint8Array(0))]);
  add("png/interlace-flag-on-plain-data", interlacedClaim);
  const many = deflateSync(scanlines(Array.from({ length: 16 }, () => row(48))));
  const idats = Array.from({ length: Math.ceil(many.length / 7) }, (_, k) => pngChunk("IDAT", many.subarray(k * 7, k * 7 + 7)));
  add("png/idat-in-7-byte-chunks", concat([PNG_SIGNATURE, ihdr(16, 16, 8, 2), ...idats, pngChunk("IEND", new Uint8Array(0))]));
  add("png/empty-idat", concat([PNG_SIGNATURE, ihdr(1, 1, 8, 0), pngChunk("IDAT", new Uint8Array(0)), pngChunk("IEND", new Uint8Array(0))]));
  add("png/no-iend", png.subarray(0, png.length - 12));
  add("png/chunk-length-2^31", concat([png.subarray(0, 33), new Uint8Array([0x80, 0, 0, 0, 0x49, 0x44, 0x41, 0x54])]));

  // Animated and malformed WebP.
  add("webp/animated", riff([["VP8X", vp8x(0x02, 100, 100)], ["ANIM", new Uint8Array(6)], ["ANMF", new Uint8Array(24)]]));
  add("webp/animated-with-real-frame", riff([["VP8X", vp8x(0x02, 270, 480)], ["ANIM", new Uint8Array(6)], ["ANMF", concat([new Uint8Array(16), webp.subarray(12)])]]));
  add("webp/riff-size-huge", concat([webp.subarray(0, 4), new Uint8Array([0xff, 0xff, 0xff, 0x7f]), webp.subarray(8)]));
  add("webp/riff-size-small", concat([webp.subarray(0, 4), new Uint8Array([4, 0, 0, 0]), webp.subarray(8)]));
  add("webp/vp8l-bad-signature", riff([["VP8L", new Uint8Array([0x2e, 0xff, 0xff, 0xff, 0xff])]]));
  add("webp/unknown-chunk", riff([["ABCD", new Uint8Array(10)]]));

  // Random bytes, bare and behind each format's signature.
  const magics = [new Uint8Array([0xff, 0xd8, 0xff]), PNG_SIGNATURE, new TextEncoder().encode("RIFF\x10\0\0\0WEBP"), new Uint8Array(0)];
  while (out.length < count) {
    const magic = magics[out.length % magics.length]!;
    const body = Uint8Array.from({ length: int(2048) }, () => int(256));
    add(`random/${magic.length}+${body.length}`, concat([magic, body]));
  }
  return out;
}
