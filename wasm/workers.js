/**
 * Plain JavaScript with its types in workers.d.ts, so a Worker project imports it as is (no `.wasm`
 * module declarations needed) and its relative `.wasm` imports resolve the same from the sources
 * and from the installed package.
 *
 * Every WASM binary docedge needs, imported statically so that a Cloudflare Worker receives them
 * as compiled `WebAssembly.Module`s (Workers forbid compiling WASM from bytes at run time).
 * wrangler bundles these imports as `CompiledWasm` modules; pass the result as `wasm` to
 * `createWorker` or `createDetector`. ORT is then instantiated from the module by the shim in
 * src/model/ort.ts (pinned to onnxruntime-web 1.30.0; tests/http runs it under workerd).
 * No alias is needed for "onnxruntime-web": docedge's "#ort" import (package.json "imports")
 * picks its plain WASM build, the one whose binary is imported here.
 */
import ort from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import jpeg from "./jpeg/decoder.wasm";
import jpegEncode from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import png from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";
import webp from "@jsquash/webp/codec/dec/webp_dec.wasm";
import webpEncode from "@jsquash/webp/codec/enc/webp_enc_simd.wasm";

export const wasm = { ort, jpeg, jpegEncode, png, webp, webpEncode };
