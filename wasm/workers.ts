/**
 * Every WASM binary docedge needs, imported statically so that a Cloudflare Worker receives them
 * as compiled `WebAssembly.Module`s (Workers forbid compiling WASM from bytes at run time).
 * wrangler bundles these imports as `CompiledWasm` modules; pass the result as `wasm` to
 * `createWorker` or `createDetector`. ORT is then instantiated from the module by the shim in
 * src/model/ort.ts (pinned to onnxruntime-web 1.30.0; tests/http runs it under workerd).
 *
 * The Worker must also alias "onnxruntime-web" to "onnxruntime-web/wasm" (see
 * examples/cloudflare-worker/wrangler.toml): the package's default browser build is the WebGPU
 * one, which needs a different, larger binary than the one imported here.
 */
import ort from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import jpeg from "./jpeg/decoder.wasm";
import jpegEncode from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import png from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";
import webp from "@jsquash/webp/codec/dec/webp_dec.wasm";
import webpEncode from "@jsquash/webp/codec/enc/webp_enc_simd.wasm";

export const wasm: {
  ort: WebAssembly.Module;
  jpeg: WebAssembly.Module;
  jpegEncode: WebAssembly.Module;
  png: WebAssembly.Module;
  webp: WebAssembly.Module;
  webpEncode: WebAssembly.Module;
} = { ort, jpeg, jpegEncode, png, webp, webpEncode };
