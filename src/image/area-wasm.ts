import type { RgbaImage } from "../types.ts";
import { decoderInstance, releaseDecoder, type DecoderExports } from "./jpeg-wasm.ts";
import { areaNorm, axisSpans, resizeToTensor, type Spans } from "./resize.ts";

/**
 * The model input from RGBA pixels: `resizeToTensor`'s area average, computed by the decoder's
 * WASM (wasm/jpeg/area.c, SIMD) when that module is loaded, else by the JavaScript one. Both do
 * the same arithmetic in the same order, so the tensor is the same either way (bit for bit).
 *
 * Why WASM: on a 1080p frame the JavaScript loop reads 8.3 MB a word at a time and was ~3.5 ms
 * (one Node process, alternating calls); the SIMD loop, including copying the frame into the
 * module's memory, takes a fraction of that (docs/performance.md). And a new process's first
 * detection runs it as baseline WASM rather than uncompiled JavaScript (~30 ms on a 450x800 image).
 */
export async function modelInput(image: RgbaImage, outW: number, outH: number): Promise<Float32Array> {
  if (!unavailable) {
    let x: DecoderExports | null = null;
    try {
      x = await decoderInstance();
    } catch {
      // No decoder WASM here (e.g. a browser without env.assetBase): JavaScript from now on.
      unavailable = true;
    }
    if (x !== null && x.dj_area !== undefined) {
      const out = areaInWasm(x, x.dj_area, image, outW, outH);
      if (out !== null) return out;
    } else if (x !== null) {
      unavailable = true; // a caller's older decoder build without dj_area
    }
  }
  return resizeToTensor(image, outW, outH);
}

let unavailable = false;

function areaInWasm(x: DecoderExports, area: (...args: number[]) => number, image: RgbaImage, outW: number, outH: number): Float32Array | null {
  const { width: w, height: h } = image;
  const xs = axisSpans(w, outW);
  const ys = axisSpans(h, outH);
  const pixels = w * h * 4;
  const floats = 3 * outW * outH;
  // One block: pixels, the two axes' spans (4 arrays of 4-byte numbers each), the output.
  const spanBytes = 16 * (outW + outH);
  const src = x.dj_alloc(pixels + spanBytes + 4 * floats + 16);
  if (src === 0) return null;
  let failed = false;
  try {
    new Uint8Array(x.memory.buffer, src, pixels).set(image.data);
    const at = (src + pixels + 3) & ~3;
    const place = (s: Readonly<Spans>, n: number, base: number): number[] => {
      new Int32Array(x.memory.buffer, base, n).set(s.start);
      new Int32Array(x.memory.buffer, base + 4 * n, n).set(s.end);
      new Float32Array(x.memory.buffer, base + 8 * n, n).set(s.headWeight);
      new Float32Array(x.memory.buffer, base + 12 * n, n).set(s.tailWeight);
      return [base, base + 4 * n, base + 8 * n, base + 12 * n];
    };
    const xp = place(xs, outW, at);
    const yp = place(ys, outH, at + 16 * outW);
    const out = at + spanBytes;
    if (area(src, w, h, outW, outH, ...xp, ...yp, areaNorm(w, h, outW, outH), out) !== 0) return null;
    return new Float32Array(x.memory.buffer.slice(out, out + 4 * floats));
  } catch {
    failed = true;
    return null;
  } finally {
    if (!failed) x.dj_free(src);
    releaseDecoder(x, failed);
  }
}
