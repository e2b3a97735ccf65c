/**
 * Every WASM binary docedge needs, as the compiled `WebAssembly.Module`s a Cloudflare Worker gets
 * from static `.wasm` imports: pass it as `wasm` to `createWorker` or `createDetector`.
 *
 * @example
 * ```ts
 * import { createWorker } from "docedge/workers";
 * import { wasm } from "docedge/wasm/workers";
 * export default createWorker({ wasm });
 * ```
 * @module
 */
export declare const wasm: {
  ort: WebAssembly.Module;
  jpeg: WebAssembly.Module;
  jpegEncode: WebAssembly.Module;
  png: WebAssembly.Module;
  webp: WebAssembly.Module;
  webpEncode: WebAssembly.Module;
};
