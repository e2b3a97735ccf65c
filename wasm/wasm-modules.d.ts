// How wrangler/esbuild hand `.wasm` and `.onnx` imports to a Worker: a compiled module and bytes.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.onnx" {
  const bytes: ArrayBuffer;
  export default bytes;
}
