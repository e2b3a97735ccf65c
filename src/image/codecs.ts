import type { RgbaImage } from "../types.ts";
import { env, type WasmSources } from "../runtime/env.ts";
import { resolveDependencyFile } from "../runtime/assets.ts";
import { compileWasm } from "../runtime/wasm-source.ts";
import { isServerRuntime } from "../runtime/detect.ts";
import { CorruptImageError, InvalidInputError } from "../errors.ts";
// PNG's check and codec wrapper load with the first PNG (a JPEG user never needs them).
import type { PngCodec } from "./png-codec.ts";
import { configureJpegDecoder, decodeJpegWasm, isJpegDecoderModule, prepareJpegDecoder } from "./jpeg-wasm.ts";

/**
 * JPEG decoding through docedge's own libjpeg-turbo build (./jpeg-wasm.ts); PNG, WebP and all
 * encoding through the @jsquash WASM codecs. Each codec's WASM is initialised once per
 * process. Where it comes from differs by runtime: a caller-supplied source wins; on Node the file
 * is read from the installed package and compiled here (the codecs' own `fetch(file://)` fails
 * there); Bun, Deno and browsers let the codec load its own file; Workers must pass compiled
 * modules (they forbid compiling from bytes).
 */

export interface EncodeOptions {
  /** 0-100 for JPEG and WebP; ignored for PNG. */
  quality?: number;
  /** JPEG only: progressive (the default, smaller) or baseline (what most cameras write). */
  progressive?: boolean;
}

export interface Codecs {
  decodeJpeg(bytes: Uint8Array): Promise<RgbaImage>;
  encodeJpeg(image: RgbaImage, options?: EncodeOptions): Promise<Uint8Array>;
  decodePng(bytes: Uint8Array): Promise<RgbaImage>;
  encodePng(image: RgbaImage): Promise<Uint8Array>;
  decodeWebp(bytes: Uint8Array): Promise<RgbaImage>;
  encodeWebp(image: RgbaImage, options?: EncodeOptions): Promise<Uint8Array>;
}

type CodecKey = keyof Omit<WasmSources, "ort" | "jpeg">;
type WasmSource = NonNullable<WasmSources["jpeg"]>;

interface DecodedImageData {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The shape shared by the @jsquash modules (their .d.ts files under-declare `init`). */
interface JsquashModule<F> {
  init(module?: WebAssembly.Module, overrides?: EmscriptenOverrides): Promise<unknown>;
  default: F;
}

interface EmscriptenOverrides {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

// libjpeg prints warnings ("Premature end of JPEG file") to stderr; failures surface as errors.
const QUIET: EmscriptenOverrides = { print: () => {}, printErr: () => {} };

type DecodeFn = (buffer: ArrayBuffer, options?: { preserveOrientation?: boolean }) => Promise<DecodedImageData>;
type EncodeFn = (data: ImageDataLike, options?: Record<string, unknown>) => Promise<ArrayBuffer>;
interface ImageDataLike {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

interface Slot<F> {
  key: CodecKey;
  /** Where Node finds the default WASM file. */
  wasmFile: () => string;
  load: () => Promise<JsquashModule<F>>;
  ready: Promise<F> | null;
}

// WebAssembly SIMD probe (same bytes wasm-feature-detect uses): the WebP encoder ships two builds.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
const hasSimd = (): boolean => WebAssembly.validate(SIMD_PROBE);

const slots = {
  jpegEnc: slot<EncodeFn>("jpegEncode", () => "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm", () => import("@jsquash/jpeg/encode.js") as Promise<unknown> as Promise<JsquashModule<EncodeFn>>),
  webpDec: slot<DecodeFn>("webp", () => "@jsquash/webp/codec/dec/webp_dec.wasm", () => import("@jsquash/webp/decode.js") as Promise<unknown> as Promise<JsquashModule<DecodeFn>>),
  webpEnc: slot<EncodeFn>(
    "webpEncode",
    () => (hasSimd() ? "@jsquash/webp/codec/enc/webp_enc_simd.wasm" : "@jsquash/webp/codec/enc/webp_enc.wasm"),
    () => import("@jsquash/webp/encode.js") as Promise<unknown> as Promise<JsquashModule<EncodeFn>>,
  ),
};

function slot<F>(key: CodecKey, wasmFile: () => string, load: () => Promise<JsquashModule<F>>): Slot<F> {
  return { key, wasmFile, load, ready: null };
}

const PNG_WASM = "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";

/** Default WASM file of each codec key (the PNG one serves decoding and encoding). */
const DEFAULT_FILES: Record<CodecKey, () => string> = {
  jpegEncode: slots.jpegEnc.wasmFile,
  png: () => PNG_WASM,
  webp: slots.webpDec.wasmFile,
  webpEncode: slots.webpEnc.wasmFile,
};

const CODEC_KEYS = Object.keys(DEFAULT_FILES) as CodecKey[];

/** Compiled and checked caller-supplied codec modules, by key. */
const configured: Partial<Record<CodecKey, WebAssembly.Module>> = {};

/**
 * Use these WASM sources for the codecs from now on (codecs already set up are re-initialised).
 * Each source is compiled and compared with the codec it replaces (same imports and exports) before
 * anything changes, so a wrong or damaged file is refused with INVALID_INPUT and leaves the working
 * codecs as they were. Messages name the option, never the file's path or bytes.
 *
 * @example
 * ```ts
 * import { configureCodecs } from "docedge";
 * import { readFile } from "node:fs/promises";
 * await configureCodecs({ png: await readFile("vendor/squoosh_png_bg.wasm") });
 * ```
 */
export async function configureCodecs(wasm: WasmSources): Promise<void> {
  const jpeg = wasm.jpeg === undefined ? undefined : await checkedJpegModule(wasm.jpeg);
  const accepted: Partial<Record<CodecKey, WebAssembly.Module>> = {};
  for (const key of CODEC_KEYS) {
    const source = wasm[key];
    if (source === undefined || source === configured[key]) continue;
    accepted[key] = await checkedModule(key, source);
  }
  if (jpeg !== undefined) configureJpegDecoder(jpeg);
  const changed = Object.keys(accepted) as CodecKey[];
  if (changed.length === 0) return;
  Object.assign(configured, accepted);
  for (const s of Object.values(slots) as Slot<unknown>[]) {
    if (changed.includes(s.key)) s.ready = null;
  }
  if (changed.includes("png")) png = null;
}

async function checkedModule(key: CodecKey, source: WasmSource): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module;
  try {
    module = await compileWasm(source);
  } catch (error) {
    throw new InvalidInputError(`wasm.${key} could not be loaded as a WebAssembly module`, { cause: error });
  }
  const reference = await defaultModule(key).catch(() => null);
  if (reference !== null && !sameInterface(module, reference)) {
    throw new InvalidInputError(`wasm.${key} is a WebAssembly module, but not the ${key} codec docedge uses (its imports or exports differ)`);
  }
  if (key === "png" && !(await import("./png-codec.ts")).isPngCodecModule(module)) {
    throw new InvalidInputError("wasm.png is a WebAssembly module, but not the PNG codec docedge uses");
  }
  return module;
}

async function checkedJpegModule(source: WasmSource): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module;
  try {
    module = await compileWasm(source);
  } catch (error) {
    throw new InvalidInputError("wasm.jpeg could not be loaded as a WebAssembly module", { cause: error });
  }
  if (!isJpegDecoderModule(module)) {
    throw new InvalidInputError("wasm.jpeg is a WebAssembly module, but not the jpeg codec docedge uses (wasm/jpeg/decoder.wasm)");
  }
  return module;
}

function sameInterface(a: WebAssembly.Module, b: WebAssembly.Module): boolean {
  const shape = (m: WebAssembly.Module): string =>
    JSON.stringify([
      WebAssembly.Module.imports(m).map((d) => `${d.module}.${d.name}:${d.kind}`),
      WebAssembly.Module.exports(m).map((d) => `${d.name}:${d.kind}`),
    ]);
  return shape(a) === shape(b);
}

/** The installed package's module for a codec key, where the runtime can find files. */
async function defaultModule(key: CodecKey): Promise<WebAssembly.Module | null> {
  if (!isServerRuntime()) return null;
  const file = resolveDependencyFile(DEFAULT_FILES[key]());
  return file ? compileWasm(file) : null;
}

async function wasmModuleFor(s: Slot<unknown>): Promise<WebAssembly.Module | undefined> {
  const source = configured[s.key] ?? env.wasm[s.key];
  if (source !== undefined) return compileWasm(source);
  // Node cannot let the codec fetch its own file; in a Bun worker thread that fetch never settles
  // (the thread then exits with 13, an unfinished top-level await). Both compile it here.
  if (env.runtime !== "node" && env.runtime !== "bun") return undefined;
  const file = resolveDependencyFile(s.wasmFile());
  if (!file) {
    if (env.runtime === "bun") return undefined;
    throw new Error(`cannot resolve ${s.wasmFile()}`);
  }
  return compileWasm(file);
}

let png: Promise<PngCodec> | null = null;

function pngCodec(): Promise<PngCodec> {
  if (png === null) {
    const p = (async () => {
      const [{ PngCodec }, module] = await Promise.all([import("./png-codec.ts"), pngModule()]);
      return new PngCodec(module);
    })();
    png = p;
    p.catch(() => {
      if (png === p) png = null;
    });
  }
  return png;
}

async function pngModule(): Promise<WebAssembly.Module> {
  const source = configured.png ?? env.wasm.png;
  if (source !== undefined) return compileWasm(source);
  const file = isServerRuntime() ? resolveDependencyFile(PNG_WASM) : null;
  if (file) return compileWasm(file);
  // Browsers: let the package's own glue find its file (bundlers rewrite that URL), then keep
  // only the compiled module it made.
  const glue = (await import("@jsquash/png/codec/pkg/squoosh_png.js")) as unknown as {
    default: ((input?: unknown) => Promise<unknown>) & { __wbindgen_wasm_module?: WebAssembly.Module };
  };
  await glue.default();
  const module = glue.default.__wbindgen_wasm_module;
  if (!module) throw new Error("the PNG codec's WASM module could not be loaded");
  return module;
}

function ensureImageDataGlobal(): void {
  // The codecs build results with `new ImageData(...)`; runtimes without canvas lack it.
  const g = globalThis as { ImageData?: unknown };
  if (g.ImageData === undefined) {
    g.ImageData = class ImageData {
      constructor(
        public data: Uint8ClampedArray,
        public width: number,
        public height: number,
      ) {}
    };
  }
}

function ready<F>(s: Slot<F>): Promise<F> {
  if (s.ready === null) {
    const p = (async () => {
      ensureImageDataGlobal();
      const mod = await s.load();
      const wasm = await wasmModuleFor(s as Slot<unknown>);
      await mod.init(wasm, QUIET);
      return mod.default;
    })();
    s.ready = p;
    p.catch(() => {
      if (s.ready === p) s.ready = null;
    });
  }
  return s.ready;
}

/**
 * Run one codec call. A codec that traps may leave its WASM instance in a broken state, so after a
 * failure the slot is re-initialised on next use.
 */
async function call<F, R>(s: Slot<F>, run: (fn: F) => Promise<R>): Promise<R> {
  const fn = await ready(s);
  try {
    return await run(fn);
  } catch (error) {
    s.ready = null;
    throw error;
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

function toImageDataLike(image: RgbaImage): ImageDataLike {
  const d = image.data;
  const data = d instanceof Uint8ClampedArray ? d : new Uint8ClampedArray(d.buffer, d.byteOffset, d.byteLength);
  return { data, width: image.width, height: image.height };
}

function asRgba(result: DecodedImageData): RgbaImage {
  return { data: result.data, width: result.width, height: result.height };
}

function clampQuality(q: number | undefined, fallback: number): number {
  if (q === undefined || !Number.isFinite(q)) return fallback;
  return Math.max(0, Math.min(100, Math.round(q)));
}

/**
 * Load, compile and instantiate one format's decoder, so that a later decode's time is decoding
 * alone. Each decoder's WASM is compiled on first need only (a JPEG user never compiles WebP).
 */
export async function prepareDecoder(format: "jpeg" | "png" | "webp"): Promise<void> {
  if (format === "jpeg") await prepareJpegDecoder();
  else if (format === "png") await pngCodec();
  else await ready(slots.webpDec);
}

/** Full-resolution JPEG decode (stored orientation: EXIF is applied by decode.ts for every format alike). */
export const decodeJpeg = (bytes: Uint8Array): Promise<RgbaImage> => decodeJpegWasm(bytes);

export const encodeJpeg = (image: RgbaImage, options: EncodeOptions = {}): Promise<Uint8Array> =>
  call(slots.jpegEnc, async (fn) =>
    new Uint8Array(await fn(toImageDataLike(image), { quality: clampQuality(options.quality, 85), progressive: options.progressive ?? true })),
  );

/**
 * PNG: structure and plausibility are checked first (checkPng), so a file that could never fill
 * the size it claims is refused before the codec allocates that size.
 */
export const decodePng = async (bytes: Uint8Array): Promise<RgbaImage> => {
  (await import("./png-check.ts")).checkPng(bytes);
  const codec = await pngCodec();
  try {
    return codec.decode(bytes);
  } catch (error) {
    throw new CorruptImageError(`PNG: ${pngFailure(error)}`, { cause: error });
  }
};

export const encodePng = async (image: RgbaImage): Promise<Uint8Array> => (await pngCodec()).encode(toImageDataLike(image));

/** The Rust codec says only "`unwrap_throw` failed"; after checkPng passed, that is the pixel data. */
function pngFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/out of memory|memory access out of bounds|allocation/i.test(message)) return "the image is too large to decode here";
  return "the compressed image data is damaged or ends early";
}

export const decodeWebp = (bytes: Uint8Array): Promise<RgbaImage> =>
  call(slots.webpDec, async (fn) => asRgba(await fn(toArrayBuffer(bytes))));

export const encodeWebp = (image: RgbaImage, options: EncodeOptions = {}): Promise<Uint8Array> =>
  call(slots.webpEnc, async (fn) => new Uint8Array(await fn(toImageDataLike(image), { quality: clampQuality(options.quality, 85) })));

/**
 * All six codec functions, after applying `wasm` overrides (if any).
 *
 * @example
 * ```ts
 * import { loadCodecs } from "docedge";
 * const codecs = await loadCodecs();
 * const image = await codecs.decodeJpeg(jpegBytes);
 * const png = await codecs.encodePng(image);
 * ```
 */
export async function loadCodecs(wasm?: WasmSources): Promise<Codecs> {
  if (wasm) await configureCodecs(wasm);
  return { decodeJpeg, encodeJpeg, decodePng, encodePng, decodeWebp, encodeWebp };
}
