import type { RgbaImage } from "../types.ts";

/**
 * The @jsquash/png WASM (squoosh's Rust `png` crate behind wasm-bindgen), driven by our own glue
 * instead of the package's. The package keeps one instance per process and cannot make another;
 * a failed decode there leaves its output buffer allocated (the Rust code throws past its own
 * frees), so every bad file costs width x height x 4 bytes for good. Here each instance is an
 * object: after any failure it is dropped and the next call instantiates a fresh one from the
 * compiled module, which returns the memory.
 */

interface PngExports {
  memory: WebAssembly.Memory;
  decode(ptr: number, len: number): number;
  encode(retptr: number, ptr: number, len: number, width: number, height: number, bitDepth: number): void;
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
}

const REQUIRED_EXPORTS = ["memory", "decode", "encode", "__wbindgen_malloc", "__wbindgen_free", "__wbindgen_add_to_stack_pointer"];

/** True when `module` has the exports this glue calls (so a wrong WASM file is refused up front). */
export function isPngCodecModule(module: WebAssembly.Module): boolean {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return REQUIRED_EXPORTS.every((n) => names.has(n));
}

/** Thrown by the codec itself (a Rust `unwrap_throw`/panic); `decodePng` maps it to a typed error. */
export class PngCodecFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PngCodecFailure";
  }
}

class PngInstance {
  readonly #heap: unknown[] = [];
  readonly #wasm: PngExports;

  constructor(module: WebAssembly.Module) {
    const imports: Record<string, (...args: number[]) => unknown> = {};
    for (const { name } of WebAssembly.Module.imports(module)) {
      imports[name] = this.#importFor(name);
    }
    const instance = new WebAssembly.Instance(module, { wbg: imports as WebAssembly.ModuleImports });
    this.#wasm = instance.exports as unknown as PngExports;
  }

  // wasm-bindgen names its imports with a hash suffix that changes between builds; match the stem.
  #importFor(name: string): (...args: number[]) => unknown {
    const stem = name.replace(/_[0-9a-f]{16}$/, "");
    switch (stem) {
      case "__wbindgen_memory":
        return () => this.#keep(this.#wasm.memory);
      case "__wbg_buffer":
        return (obj) => this.#keep((this.#heap[obj!] as WebAssembly.Memory).buffer);
      case "__wbg_newwithbyteoffsetandlength":
        return (buf, off, len) => this.#keep(new Uint16Array(this.#heap[buf!] as ArrayBuffer, off! >>> 0, len! >>> 0));
      case "__wbindgen_object_drop_ref":
        return (idx) => {
          this.#take(idx!);
        };
      case "__wbg_newwithownedu8clampedarrayandsh":
        return (ptr, len, width, height) => {
          const data = new Uint8ClampedArray(this.#wasm.memory.buffer, ptr! >>> 0, len! >>> 0).slice();
          this.#wasm.__wbindgen_free(ptr!, len!, 1);
          return this.#keep({ data, width: width! >>> 0, height: height! >>> 0 });
        };
      case "__wbindgen_throw":
        return (ptr, len) => {
          const text = new TextDecoder().decode(new Uint8Array(this.#wasm.memory.buffer, ptr! >>> 0, len! >>> 0));
          throw new PngCodecFailure(text);
        };
      default:
        return () => {
          throw new PngCodecFailure(`the PNG codec called an unknown import ${stem}`);
        };
    }
  }

  #keep(value: unknown): number {
    this.#heap.push(value);
    return this.#heap.length - 1;
  }

  #take(index: number): unknown {
    const value = this.#heap[index];
    this.#heap[index] = undefined;
    return value;
  }

  #pass(bytes: Uint8Array): number {
    const ptr = this.#wasm.__wbindgen_malloc(bytes.length, 1) >>> 0;
    new Uint8Array(this.#wasm.memory.buffer).set(bytes, ptr);
    return ptr;
  }

  memoryBytes(): number {
    return this.#wasm.memory.buffer.byteLength;
  }

  decode(bytes: Uint8Array): RgbaImage {
    const ptr = this.#pass(bytes);
    const index = this.#wasm.decode(ptr, bytes.length);
    const result = this.#take(index) as RgbaImage;
    this.#heap.length = 0;
    return result;
  }

  encode(image: RgbaImage): Uint8Array {
    const retptr = this.#wasm.__wbindgen_add_to_stack_pointer(-16);
    try {
      const data = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      const ptr = this.#pass(data);
      this.#wasm.encode(retptr, ptr, data.length, image.width, image.height, 8);
      const words = new Int32Array(this.#wasm.memory.buffer, retptr, 2);
      const [outPtr, outLen] = [words[0]! >>> 0, words[1]! >>> 0];
      const out = new Uint8Array(this.#wasm.memory.buffer, outPtr, outLen).slice();
      this.#wasm.__wbindgen_free(outPtr, outLen, 1);
      return out;
    } finally {
      this.#wasm.__wbindgen_add_to_stack_pointer(16);
      this.#heap.length = 0;
    }
  }
}

/** An instance whose memory grew past this is replaced after its call. */
const KEEP_MEMORY_BYTES = 64 * 1024 * 1024;

/** One compiled module, many disposable instances: a failure never outlives its call. */
export class PngCodec {
  readonly #module: WebAssembly.Module;
  #instance: PngInstance | null = null;

  constructor(module: WebAssembly.Module) {
    this.#module = module;
  }

  #run<R>(job: (instance: PngInstance) => R): R {
    const instance = (this.#instance ??= new PngInstance(this.#module));
    try {
      const result = job(instance);
      // WASM memory never shrinks: after a large image, start the next call from a small instance.
      if (instance.memoryBytes() > KEEP_MEMORY_BYTES) this.#instance = null;
      return result;
    } catch (error) {
      // The instance may hold the failed call's buffers (or a trapped state): let it go.
      this.#instance = null;
      // A new error, without the original as cause: an error thrown through WASM frames keeps
      // those frames (and through them the whole instance and its memory) alive for as long as
      // anyone holds the error.
      throw new PngCodecFailure(error instanceof Error ? error.message : "the PNG codec trapped");
    }
  }

  decode(bytes: Uint8Array): RgbaImage {
    return this.#run((i) => i.decode(bytes));
  }

  encode(image: RgbaImage): Uint8Array {
    return this.#run((i) => i.encode(image));
  }

  /** Drop the current instance (and its grown memory) so the next call starts from a fresh one. */
  reset(): void {
    this.#instance = null;
  }
}
