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

/** A deterministic generator of integers in [0, n) (an LCG), for damage that stays the same from run to run. */
export function seeded(seed: number): (n: number) => number {
  return (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
}
