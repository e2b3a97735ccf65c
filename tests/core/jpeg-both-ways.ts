import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { copyHeld, decodeJpegHeld, freeHeld, type JpegDecodeOptions } from "../../src/image/jpeg-wasm.ts";
import { DocedgeError } from "../../src/errors.ts";
import type { RgbaImage } from "../../src/types.ts";
import { readBytes } from "./helpers.ts";

// Shared by jpeg-dc.test.ts (progressive files) and jpeg-baseline.test.ts: wasm/jpeg/dc.c's 1/8
// decode against libjpeg's (`libjpeg: true`), the reference, byte for byte.

export const fixture = (name: string): Uint8Array => readBytes(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

export type Outcome = { dcOnly: boolean; width: number; height: number; data: RgbaImage["data"] } | { error: string };

export async function decodeEighth(bytes: Uint8Array, options: JpegDecodeOptions): Promise<Outcome> {
  try {
    const held = await decodeJpegHeld(bytes, { scale: 8, fast: true, ...options });
    const image = copyHeld(held);
    freeHeld(held);
    return { dcOnly: held.dcOnly === true, ...image };
  } catch (error) {
    assert.ok(error instanceof DocedgeError, String(error));
    return { error: `${error.code}: ${error.message}` };
  }
}

/** Decodes both ways and asserts the same outcome; returns whether dc.c made it. */
export async function sameBothWays(bytes: Uint8Array, what: string): Promise<boolean> {
  const ours = await decodeEighth(bytes, {});
  const reference = await decodeEighth(bytes, { libjpeg: true });
  if ("error" in ours || "error" in reference) {
    assert.deepEqual(ours, reference, `${what}: the same error`);
    return false;
  }
  assert.equal(reference.dcOnly, false, `${what}: the reference is libjpeg's`);
  assert.deepEqual([ours.width, ours.height], [reference.width, reference.height], `${what}: size`);
  assert.ok(Buffer.from(ours.data).equals(Buffer.from(reference.data)), `${what}: RGBA bytes differ`);
  return ours.dcOnly;
}

/** The image cropped to an odd size, so blocks and MCUs overhang the edges. */
export function crop(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return { data, width, height };
}

/** The file cut short at `at`, with a bit flipped there, and with that byte overwritten (the bit and the byte from `next`). */
export function damagedAt(file: Uint8Array, at: number, next: (n: number) => number): Array<readonly [string, Uint8Array]> {
  const cut = file.slice(0, at);
  const flipped = file.slice();
  flipped[at] ^= 1 << next(8);
  const overwritten = file.slice();
  overwritten[at] = next(256);
  return [["cut", cut], ["flip", flipped], ["overwrite", overwritten]];
}

/**
 * A grayscale JPEG one block row high, made by hand, every block flat mid-grey: progressive, one DC
 * scan whose every difference is 0 (the 1-bit code "0"); baseline, each block that DC code and an
 * end of block (the 1-bit AC code "0").
 */
export function flatGray(kind: "progressive" | "baseline", width: number): Uint8Array {
  const blocks = Math.ceil(width / 8);
  const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCode = (tableClass: number): number[] => [tableClass << 4, 1, ...new Array<number>(15).fill(0), 0];
  const baseline = kind === "baseline";
  return new Uint8Array([
    0xff, 0xd8,
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(baseline ? 0xc0 : 0xc2, [8, 0, 1, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, baseline ? [...oneCode(0), ...oneCode(1)] : oneCode(0)),
    ...segment(0xda, [1, 1, 0x00, 0, baseline ? 63 : 0, 0x00]),
    ...new Array<number>(Math.ceil((blocks * (baseline ? 2 : 1)) / 8)).fill(0),
    0xff, 0xd9,
  ]);
}

/** libjpeg's largest side (65500) decodes by dc.c, flat mid-grey; one pixel more is libjpeg's error either way. */
export async function largestSide(kind: "progressive" | "baseline"): Promise<void> {
  const widest = flatGray(kind, 65500);
  assert.equal(await sameBothWays(widest, "65500 wide"), true);
  const image = await decodeEighth(widest, {});
  assert.ok(!("error" in image) && image.width === 8188 && image.data.every((v, i) => v === (i % 4 === 3 ? 255 : 128)), "flat mid-grey");
  assert.equal(await sameBothWays(flatGray(kind, 65501), "65501 wide"), false);
  const refused = await decodeEighth(flatGray(kind, 65501), {});
  assert.ok("error" in refused && /65500/.test(refused.error), JSON.stringify(refused).slice(0, 200));
}

/** A deterministic generator of integers in [0, n) (an LCG), for damage that stays the same from run to run. */
export function seeded(seed: number): (n: number) => number {
  return (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
}
