// dist/ for the tests that need the build (the CLI under Node, the Node example server, worker
// threads, which tsx's hooks do not reach on Node 20). Targeted runs skip `npm run build`.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../core/helpers.ts";

// Written last by `npm run build` (tsc writes it, then the schema bundle replaces it).
const LAST_OUTPUT = join(ROOT, "dist/src/options-schema.js");

function newestSource(): number {
  return Math.max(
    statSync(join(ROOT, "mod.ts")).mtimeMs,
    ...readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => statSync(join(ROOT, "src", f)).mtimeMs),
  );
}

/** Runs `npm run build`'s two steps (tsc, then the option-schema bundle) when a source is newer than dist/. */
export function ensureBuilt(): void {
  if (existsSync(LAST_OUTPUT) && statSync(LAST_OUTPUT).mtimeMs >= newestSource()) return;
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
  execFileSync(process.execPath, [join(ROOT, "scripts/bundle-option-schemas.mjs")], { cwd: ROOT, stdio: "inherit" });
}
