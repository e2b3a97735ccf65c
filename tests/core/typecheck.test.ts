// The tests and benchmarks type-check under the project's strict settings, as the sources do
// (tsx runs them without checking types, so nothing else would notice a wrong type there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./helpers.ts";

test("tests/ and bench/ type-check (tsc -p tsconfig.tests.json)", { timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.tests.json"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `tsc found type errors:\n${r.stdout}${r.stderr}`);
});
