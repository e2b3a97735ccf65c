import type { RgbaImage } from "../types.ts";
import { heldModelInput, modelInput } from "./area-wasm.ts";
import { copyHeld, freeHeld, viewHeld, type HeldPixels } from "./jpeg-wasm.ts";
import type { PixelBox } from "./resize.ts";

/**
 * A detection's upright pixels, wherever they are: in JavaScript memory (RGBA input, PNG, WebP),
 * or still in the JPEG decoder's WASM memory, where the model input is averaged without copying
 * them out (the pixels reach JavaScript only if a second look needs a crop of them). Either way
 * the model input is the same tensor, bit for bit.
 */
export interface DetectionPixels {
  readonly width: number;
  readonly height: number;
  /** The model input over `box` (default: the whole image), as `modelInput` computes it. */
  modelInput(outW: number, outH: number, box?: PixelBox): Promise<Float32Array>;
  /** The pixels in JavaScript memory (copied out of the decoder's at most once). */
  rgba(): RgbaImage;
  /**
   * The pixels to read a few of now, without copying them: a view of the decoder's memory where
   * they are still there. Valid until `release` or the decoder's next call (its memory may grow),
   * so read it at once and keep nothing of it.
   */
  peek(): RgbaImage;
  /** Give back what the decoder's memory holds for them; later calls copy nothing. Safe to call twice. */
  release(): void;
}

/**
 * Pixels already in JavaScript memory.
 *
 * @example
 * ```ts
 * const pixels = jsPixels(frame);
 * const tensor = await pixels.modelInput(128, 128);
 * ```
 */
export function jsPixels(image: RgbaImage): DetectionPixels {
  return {
    width: image.width,
    height: image.height,
    modelInput: (outW, outH, box) => modelInput(image, outW, outH, box),
    rgba: () => image,
    peek: () => image,
    release: () => {},
  };
}

/**
 * Upright pixels a JPEG decode left in the decoder's memory (`decodeJpegHeld`, turned upright by
 * `orientHeld`). The whole image's model input is averaged in place; a box, or `rgba()`, copies
 * the pixels out once first. The block is freed by `release` (a detection's `finally`); until then
 * it is this object's alone.
 *
 * @example
 * ```ts
 * const pixels = heldPixels(await decodeJpegHeld(bytes, { scale: 8, fast: true }));
 * try { await pixels.modelInput(128, 128); } finally { pixels.release(); }
 * ```
 */
export function heldPixels(held: HeldPixels): DetectionPixels {
  let copied: RgbaImage | null = null;
  let freed = false;
  const rgba = (): RgbaImage => {
    if (copied === null) {
      if (freed) throw new Error("held pixels were released before they were copied out");
      copied = copyHeld(held);
    }
    return copied;
  };
  return {
    width: held.width,
    height: held.height,
    async modelInput(outW, outH, box) {
      const whole = box === undefined || (box.x0 === 0 && box.y0 === 0 && box.x1 === held.width && box.y1 === held.height);
      if (whole && !freed && copied === null) {
        const tensor = heldModelInput(held, outW, outH);
        if (tensor !== null) return tensor;
      }
      return modelInput(rgba(), outW, outH, box);
    },
    rgba,
    peek() {
      if (copied !== null) return copied;
      if (freed) throw new Error("held pixels were released before they were read");
      return viewHeld(held);
    },
    release() {
      if (freed) return;
      freed = true;
      freeHeld(held);
    },
  };
}
