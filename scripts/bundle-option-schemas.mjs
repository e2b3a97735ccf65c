#!/usr/bin/env node
// After tsc (`npm run build`): rewrite dist/src/options-schema.js as one module with the parts of
// zod/mini it uses inlined (esbuild, tree-shaken). Node, Bun and the CLI load zod's ESM files
// one by one, ~160 of them with its 65 locales (~75 ms of CPU on Node 20), to check a detector's
// options; the bundled module loads in ~10 ms. docedge's own modules stay imports (one
// InvalidInputError class, one env), and zod's code is zod's: same checks, same issues.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ["src/options-schema.ts"],
  outfile: "dist/src/options-schema.js",
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  legalComments: "inline",
  banner: {
    js: "// Built by scripts/bundle-option-schemas.mjs from src/options-schema.ts, with the parts of zod\n// (https://github.com/colinhacks/zod, MIT License, Copyright (c) 2025 Colin McDonnell) it uses.",
  },
  logLevel: "warning",
  plugins: [
    {
      name: "docedge-modules-stay-imports",
      setup(b) {
        // ./x.ts -> ./x.js, resolved next to the output as tsc's files are.
        b.onResolve({ filter: /^\.\.?\// }, (args) =>
          args.kind === "entry-point" || args.importer.includes("/node_modules/") ? undefined : { path: args.path.replace(/\.ts$/, ".js"), external: true },
        );
      },
    },
  ],
});
