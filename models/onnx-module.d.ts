/**
 * The type of `import model from "docedge/models/docedge-int8.onnx"` in a Worker: wrangler's
 * `Data` rule for `*.onnx` (see docs/http.md) hands the file over as its bytes.
 */
declare const model: ArrayBuffer;
export default model;
