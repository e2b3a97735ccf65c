import type { RgbaImage } from "../types.ts";
import { CorruptImageError, DocedgeError, ImageTooLargeError, UnsupportedFormatError } from "../errors.ts";
import { env } from "../runtime/env.ts";
import { packageRoot } from "../runtime/assets.ts";
import { isServerRuntime } from "../runtime/detect.ts";
import { compileWasm, type WasmSource } from "../runtime/wasm-source.ts";

/**
 * docedge's own JPEG decoder: libjpeg-turbo 2.1.5 built to WASM (wasm/jpeg/, `npm run build:wasm`).
 * It decodes at 1/2, 1/4 or 1/8 scale in the DCT domain, which is what makes detection on a large
 * photo cheap: the 128-pixel model input needs a fraction of the pixels a full decode makes.
 *
 * The module is compiled once, lazily, on first use (or early, by `prepareJpegDecoder`, which a
 * detector calls in parallel with loading its model). One instance is reused between decodes; it is
 * dropped after any failure (libjpeg's error exit traps, leaving its heap half-built) and after a
 * decode that grew its memory past `KEEP_MEMORY`, so one huge image does not pin its peak for good.
 * Below that it is kept on purpose: a fresh instance pays for touching its memory again, which
 * measured here as 3-4x the time of a 1/8-scale decode of a progressive 12 MP photo when libjpeg
 * decoded its DC scans (its coefficient buffer alone was 72 MB; wasm/jpeg/dc.c now needs 4 MB).
 * At 1/8 with `fast` (detection's decode), dc.c decodes progressive and baseline files alike,
 * and libjpeg whatever dc.c leaves to it.
 */

/** The file, relative to the package root. */
export const JPEG_WASM_FILE = "wasm/jpeg/decoder.wasm";

/** More scans than encoders write (libjpeg's progressive script has 10 for colour, the bench's mozjpeg files 12). */
export const MAX_JPEG_SCANS = 64;

// dj_decode flags (wasm/jpeg/decoder.c).
const FAST = 1;
const ALL_SCANS = 2;
const LIBJPEG = 4;

const KEEP_MEMORY = 128 * 1024 * 1024;

export type JpegScale = 1 | 2 | 4 | 8;

export interface JpegDecodeOptions {
  /** Output is 1/`scale` of the stored size (rounded up). Default 1. */
  scale?: JpegScale;
  /** Fast integer IDCT and plain chroma upsampling: fine for detection, a little blockier for scans. Default false. */
  fast?: boolean;
  /** At 1/8, decode a progressive file's AC scans too (normally skipped: 1/8 uses DC only). For tests. */
  allScans?: boolean;
  /**
   * At 1/8 with `fast`, decode with libjpeg rather than docedge's own 1/8 decoder (wasm/jpeg/dc.c:
   * a progressive file from its DC scans without libjpeg's whole-image coefficient buffer, a
   * baseline file in one entropy pass that skips the AC coefficients it does not need; the same
   * pixels). For tests and the bench.
   */
  libjpeg?: boolean;
}

/** The module's exports; `dj_area`, `dj_area_rows` (wasm/jpeg/area.c, used by area-wasm.ts) and `dj_orient` (orient.c) are absent from older builds. */
export interface DecoderExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  dj_alloc(n: number): number;
  dj_free(p: number): void;
  dj_message(): number;
  dj_width(): number;
  dj_height(): number;
  dj_decode(data: number, len: number, scale: number, flags: number, maxScans: number): number;
  /** 1 when the last decode came from dc.c rather than libjpeg (absent from older builds). */
  dj_dc_only?: () => number;
  dj_area?: (...args: number[]) => number;
  dj_area_rows?: (...args: number[]) => number;
  dj_orient?: (src: number, width: number, height: number, orientation: number, dst: number) => number;
}
type Exports = DecoderExports;

const EXPORTS = ["memory", "_initialize", "dj_alloc", "dj_free", "dj_message", "dj_width", "dj_height", "dj_decode"];

/** Whether `module` has the decoder's exports and asks for nothing beyond the WASI stubs given here. */
export function isJpegDecoderModule(module: WebAssembly.Module): boolean {
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const imports = WebAssembly.Module.imports(module);
  return (
    EXPORTS.every((e) => exports.has(e)) &&
    imports.every((i) => i.module === "wasi_snapshot_preview1" && Object.hasOwn(WASI_STUBS, i.name))
  );
}

let configured: WasmSource | undefined;
let compiled: Promise<WebAssembly.Module> | null = null;
let live: Exports | null = null;

/** Use this WASM source for the decoder from now on (`wasm.jpeg` in detector options). */
export function configureJpegDecoder(source: WasmSource): void {
  if (source === configured) return;
  configured = source;
  compiled = null;
  live = null;
  instancing = null;
}

async function defaultSource(): Promise<WasmSource> {
  if (env.assetBase !== null) return new URL(JPEG_WASM_FILE, env.assetBase);
  if (!isServerRuntime()) {
    throw new Error(`pass wasm.jpeg (${JPEG_WASM_FILE}) or set env.assetBase: the package files cannot be found here`);
  }
  return new URL(JPEG_WASM_FILE, await packageRoot());
}

function compiledModule(onBytes?: (loaded: number, total: number) => void): Promise<WebAssembly.Module> {
  if (compiled === null) {
    const p = (async () => compileWasm(configured ?? env.wasm.jpeg ?? (await defaultSource()), onBytes))();
    compiled = p;
    p.catch(() => {
      if (compiled === p) compiled = null;
    });
  }
  return compiled;
}

/**
 * Compile and instantiate the decoder now rather than on the first decode (a detector does this
 * while its model loads). Safe to call many times; `onBytes` hears the download if one happens.
 *
 * @example
 * ```ts
 * await prepareJpegDecoder();
 * ```
 */
export async function prepareJpegDecoder(onBytes?: (loaded: number, total: number) => void): Promise<void> {
  try {
    await compiledModule(onBytes);
    await instance();
  } catch (error) {
    throw new DocedgeError("MODEL_LOAD_FAILED", `could not load the JPEG decoder WASM: ${message(error)}`, { cause: error });
  }
}

// The decoder never does I/O; these satisfy the WASI imports libc's stdio pulls in.
const WASI_STUBS = {
  fd_close: (): number => 8,
  fd_seek: (): number => 8,
  fd_write: (): number => 8,
  proc_exit: (code: number): never => {
    throw new Error(`JPEG decoder exited (${code})`);
  },
};

let instancing: Promise<Exports> | null = null;

async function instance(): Promise<Exports> {
  if (live !== null) return live;
  // One instantiation at a time: a detector's load and a decode started during it share it.
  if (instancing === null) {
    const p = instantiateDecoder();
    instancing = p;
    p.then(
      (exports) => {
        if (instancing === p) {
          live = exports;
          instancing = null;
        }
      },
      () => {
        if (instancing === p) instancing = null;
      },
    );
  }
  return instancing;
}

async function instantiateDecoder(): Promise<Exports> {
  const module = await compiledModule();
  const inst = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: WASI_STUBS });
  const exports = inst.exports as unknown as Exports;
  exports._initialize();
  return exports;
}

/** The live instance, shared with the area average (area-wasm.ts): both are in this module. */
export function decoderInstance(): Promise<DecoderExports> {
  return instance();
}

/** After using `x`: drop it when it failed (its heap may be half-built) or holds more memory than is worth keeping. */
export function releaseDecoder(x: DecoderExports, failed: boolean): void {
  if (live === x && (failed || x.memory.buffer.byteLength > KEEP_MEMORY)) live = null;
}

function cString(memory: WebAssembly.Memory, at: number): string {
  const bytes = new Uint8Array(memory.buffer, at);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? 0 : end));
}

/**
 * A decode left where the decoder wrote it: RGBA pixels at `at` in `x`'s memory. Until
 * `freeHeld`, the block is the holder's alone (other decodes allocate their own), and stays
 * readable even after the instance is dropped (this reference keeps its memory).
 */
export interface HeldPixels {
  readonly x: DecoderExports;
  readonly at: number;
  readonly width: number;
  readonly height: number;
  /** Decoded by wasm/jpeg/dc.c (a progressive file's DC scans, or a baseline file's entropy pass at 1/8) rather than by libjpeg. */
  readonly dcOnly?: boolean;
}

/**
 * Decode a JPEG to RGBA at full or reduced scale (stored orientation; EXIF is applied by the
 * caller). CMYK and YCCK files come out as RGB. Failures are typed: UNSUPPORTED_FORMAT for JPEG
 * variants libjpeg-turbo does not decode, IMAGE_TOO_LARGE past the scan limit, CORRUPT_IMAGE for
 * the rest, each with libjpeg's own message.
 *
 * @example
 * ```ts
 * const small = await decodeJpegWasm(bytes, { scale: 8, fast: true }); // 4000x3000 -> 500x375
 * ```
 */
export async function decodeJpegWasm(bytes: Uint8Array, options: JpegDecodeOptions = {}): Promise<RgbaImage> {
  return copyReleased(await decodeJpegHeld(bytes, options));
}

/**
 * `decodeJpegWasm` without copying the pixels out: a detection averages its model input where
 * they lie (area-wasm.ts) and copies them out only if it needs them (a second look). Free the
 * result with `freeHeld`.
 *
 * @example
 * ```ts
 * const held = await decodeJpegHeld(bytes, { scale: 8, fast: true });
 * try { console.log(held.width, held.height); } finally { freeHeld(held); }
 * ```
 */
export async function decodeJpegHeld(bytes: Uint8Array, options: JpegDecodeOptions = {}): Promise<HeldPixels> {
  const x = await instance();
  const scale = options.scale ?? 1;
  let input = 0;
  try {
    input = x.dj_alloc(bytes.length);
    if (input === 0) throw new Error("out of memory for the input");
    new Uint8Array(x.memory.buffer, input, bytes.length).set(bytes);
    const flags = (options.fast ? FAST : 0) | (options.allScans ? ALL_SCANS : 0) | (options.libjpeg ? LIBJPEG : 0);
    const at = x.dj_decode(input, bytes.length, scale, flags, MAX_JPEG_SCANS);
    x.dj_free(input);
    // A decode that grew the memory past KEEP_MEMORY drops the instance for the next one; this
    // one's pixels stay readable through `x`.
    if (x.memory.buffer.byteLength > KEEP_MEMORY && live === x) live = null;
    return { x, at, width: x.dj_width(), height: x.dj_height(), dcOnly: x.dj_dc_only?.() === 1 };
  } catch (error) {
    if (live === x) live = null;
    const text = error instanceof WebAssembly.RuntimeError ? cString(x.memory, x.dj_message()) : "";
    throw classify(text || message(error), error);
  }
}

/** The held pixels, copied into JavaScript memory. */
export function copyHeld(held: HeldPixels): RgbaImage {
  const { x, at, width, height } = held;
  return { data: new Uint8ClampedArray(x.memory.buffer.slice(at, at + width * height * 4)), width, height };
}

/** The held pixels where they lie in the decoder's memory, not copied (valid until they are freed or the memory grows). */
export function viewHeld(held: HeldPixels): RgbaImage {
  const { x, at, width, height } = held;
  return { data: new Uint8ClampedArray(x.memory.buffer, at, width * height * 4), width, height };
}

/** The held pixels copied into JavaScript memory, their block given back to the decoder. */
export function copyReleased(held: HeldPixels): RgbaImage {
  const image = copyHeld(held);
  freeHeld(held);
  return image;
}

/** Give the held pixels' block back to the decoder. Call once. */
export function freeHeld(held: HeldPixels): void {
  held.x.dj_free(held.at);
}

/**
 * The held pixels turned upright for an EXIF orientation (2-8), in the decoder's memory (the same
 * words as applyOrientation), freeing the stored ones. null, with `held` untouched, where the
 * module cannot (an older build without dj_orient, or no memory): the caller copies them out.
 */
export function orientHeld(held: HeldPixels, orientation: number): HeldPixels | null {
  const { x, at, width, height } = held;
  if (x.dj_orient === undefined) return null;
  const to = x.dj_alloc(width * height * 4);
  if (to === 0) return null;
  if (x.dj_orient(at, width, height, orientation, to) !== 0) {
    x.dj_free(to);
    return null;
  }
  x.dj_free(at);
  return orientation >= 5 ? { x, at: to, width: height, height: width } : { x, at: to, width, height };
}

function classify(text: string, cause: unknown): DocedgeError {
  const what = `JPEG: ${text}`;
  if (/scans/.test(text)) return new ImageTooLargeError(what, { cause });
  if (/Unsupported JPEG data precision|Unsupported marker type|not supported|Unsupported JPEG process/i.test(text)) {
    return new UnsupportedFormatError(what, { cause });
  }
  return new CorruptImageError(what, { cause });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
