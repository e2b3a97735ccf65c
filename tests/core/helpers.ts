import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RgbaImage } from "../../src/types.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The team's labelled photos (13 folders), next to the repository; absent in a fresh clone. */
export const SHARED_DATASETS = fileURLToPath(new URL("../../../shared/datasets/", import.meta.url));
export const HAS_SHARED_DATASETS = existsSync(SHARED_DATASETS);
/**
 * Labelled photos for end-to-end tests: ../shared/datasets when present, else the CC0 folder the
 * repository ships (tests/fixtures/datasets/tony_xlh_document_scanning_dataset), so a fresh clone
 * runs the same tests on fewer photos.
 */
export const DATASETS = HAS_SHARED_DATASETS ? SHARED_DATASETS : fileURLToPath(new URL("../fixtures/datasets/", import.meta.url));
export const SAMPLE = fileURLToPath(new URL("../../sample/sample.jpg", import.meta.url));
export const MODEL_INT8 = fileURLToPath(new URL("../../models/docedge-int8.onnx", import.meta.url));
export const MODEL_FP32 = fileURLToPath(new URL("../../models/docedge-fp32.onnx", import.meta.url));

export const hasModel = (): boolean => existsSync(MODEL_INT8);

/** A test pattern of solid 8x8 blocks (survives JPEG well) with a distinct colour per block. */
export function blockPattern(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bx = x >> 3, by = y >> 3;
      const i = (y * width + x) * 4;
      data[i] = (bx * 53 + by * 17) & 255;
      data[i + 1] = (bx * 29 + by * 71 + 40) & 255;
      data[i + 2] = (by * 97 + 11) & 255;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/**
 * Where display pixel (x, y) comes from in the stored image, by the definition of each EXIF
 * orientation (written independently of src/image/orientation.ts). sw/sh: stored size.
 */
function storedCoord(x: number, y: number, orientation: number, sw: number, sh: number): [number, number] {
  switch (orientation) {
    case 1: return [x, y];
    case 2: return [sw - 1 - x, y]; // displayed mirrored left-right
    case 3: return [sw - 1 - x, sh - 1 - y]; // rotated 180
    case 4: return [x, sh - 1 - y]; // mirrored top-bottom
    case 5: return [y, x]; // transposed
    case 6: return [y, sh - 1 - x]; // display = stored rotated 90 clockwise
    case 7: return [sw - 1 - y, sh - 1 - x]; // transverse
    case 8: return [sw - 1 - y, x]; // display = stored rotated 90 counter-clockwise
    default: throw new Error(`bad orientation ${orientation}`);
  }
}

function remap(src: RgbaImage, orientation: number, toStored: boolean): RgbaImage {
  const swap = orientation >= 5;
  const W = toStored ? src.width : swap ? src.height : src.width; // display size
  const H = toStored ? src.height : swap ? src.width : src.height;
  const sw = swap ? H : W;
  const sh = swap ? W : H;
  const out = new Uint8ClampedArray(src.data.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [sx, sy] = storedCoord(x, y, orientation, sw, sh);
      const s = (sy * sw + sx) * 4;
      const d = (y * W + x) * 4;
      for (let c = 0; c < 4; c++) {
        if (toStored) out[s + c] = src.data[d + c];
        else out[d + c] = src.data[s + c];
      }
    }
  }
  return toStored ? { data: out, width: sw, height: sh } : { data: out, width: W, height: H };
}

/** The stored pixels a camera writes for a scene that displays as `upright` under `orientation`. */
export function storedFor(upright: RgbaImage, orientation: number): RgbaImage {
  return remap(upright, orientation, true);
}

/** What a viewer shows for stored pixels tagged with `orientation`. */
export function uprightFrom(stored: RgbaImage, orientation: number): RgbaImage {
  return remap(stored, orientation, false);
}

/** An APP1 Exif segment holding only IFD0 with the Orientation tag, big- or little-endian. */
export function exifSegment(orientation: number, littleEndian = false): Uint8Array {
  const tiff = new Uint8Array(26);
  const dv = new DataView(tiff.buffer);
  const le = littleEndian;
  tiff.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  dv.setUint16(2, 42, le);
  dv.setUint32(4, 8, le); // IFD0 offset
  dv.setUint16(8, 1, le); // one entry
  dv.setUint16(10, 0x0112, le); // Orientation
  dv.setUint16(12, 3, le); // SHORT
  dv.setUint32(14, 1, le); // count
  dv.setUint16(18, orientation, le); // value, left-justified in the 4-byte field
  dv.setUint32(22, 0, le); // no next IFD
  const payload = new Uint8Array(6 + tiff.length);
  payload.set([0x45, 0x78, 0x69, 0x66, 0, 0], 0); // "Exif\0\0"
  payload.set(tiff, 6);
  const seg = new Uint8Array(4 + payload.length);
  seg[0] = 0xff;
  seg[1] = 0xe1;
  seg[2] = (payload.length + 2) >> 8;
  seg[3] = (payload.length + 2) & 255;
  seg.set(payload, 4);
  return seg;
}

/** Insert an EXIF APP1 segment right after SOI (dropping an existing APP0/JFIF is not needed). */
export function tagJpeg(jpeg: Uint8Array, orientation: number, littleEndian = false): Uint8Array {
  const seg = exifSegment(orientation, littleEndian);
  const out = new Uint8Array(jpeg.length + seg.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(seg, 2);
  out.set(jpeg.subarray(2), 2 + seg.length);
  return out;
}

export function meanAbsDiff(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    s += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
  }
  return s / (a.width * a.height * 3);
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Photos with labels from ../shared/datasets (JPEGs), or [] when the folder is absent. */
export function datasetPhotos(folder: string, limit: number): string[] {
  const dir = `${DATASETS}${folder}/`;
  if (!existsSync(`${dir}labels.json`)) return [];
  const labels = JSON.parse(readFileSync(`${dir}labels.json`, "utf8")) as Array<{ file: string }>;
  return labels
    .map((l) => `${dir}${l.file}`)
    .filter((p) => /\.jpe?g$/i.test(p) && existsSync(p))
    .slice(0, limit);
}
