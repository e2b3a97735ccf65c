// docedge on Cloudflare Workers. In your own project import from the package instead:
//   import { createWorker } from "docedge/workers"; import { wasm } from "docedge/wasm/workers";
import { createWorker } from "../../../src/http/workers.ts";
import { wasm } from "../../../wasm/workers.js";
// Bundled with the Worker (the `Data` rule in wrangler.toml). To load it from R2 instead, pass
// `model: (env) => env.MODELS.get("docedge-int8.onnx").then((o) => o!.arrayBuffer())`.
import model from "../../../models/docedge-int8.onnx";

export default createWorker({
  wasm,
  model,
  // A Worker has 128 MB: a 16 MP photo decodes to 64 MB of RGBA.
  limits: { maxBytes: 10 * 1024 * 1024, maxPixels: 16_000_000 },
  maxQueue: 16,
});
