// docedge HTTP API for `deno serve` (which wants a module whose default export has `fetch`; use
// main.ts with `deno run`). In your own project: import { createApp } from "docedge/http".
//   deno serve --allow-read --allow-env --allow-sys=uid,gid --port 8787 examples/deno/serve.ts
// (with --unstable-no-legacy-abort, or its deno.json entry, as in docs/http.md).
import { createApp } from "../../src/http/app.ts";

const app = createApp({ maxQueue: Number(Deno.env.get("MAX_QUEUE") ?? 32) });

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
