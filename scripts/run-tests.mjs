#!/usr/bin/env node
// Runs every tests/**/*.test.ts (or those whose path contains one of the filter arguments) with
// Node's test runner and tsx, one file at a time: the machine is small and the e2e tests spawn
// runtimes of their own.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) out.push(...walk(p));
    } else if (entry.name.endsWith(".test.ts")) {
      out.push(relative(root, p));
    }
  }
  return out;
}

// `npm ci --ignore-scripts` leaves Bun's launcher without its binary; bun's own install script
// links it from the already installed @oven/bun-<platform> package (no network).
function ensureBun() {
  const bun = join(root, "node_modules/.bin/bun");
  if (spawnSync(bun, ["--version"], { encoding: "utf8" }).status === 0) return;
  const install = join(root, "node_modules/bun/install.js");
  if (!existsSync(install)) return;
  console.log("linking the Bun binary (node node_modules/bun/install.js)");
  spawnSync(process.execPath, [install], { cwd: join(root, "node_modules/bun"), stdio: "inherit" });
}
ensureBun();

const files = walk(join(root, "tests"))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ") || "tests/**/*.test.ts"}`);
  process.exit(1);
}
console.log(`running ${files.length} test file(s)`);
// The usual reporter on stdout, plus one that lists skipped tests in a file for the summary below.
const skipLog = join(mkdtempSync(join(tmpdir(), "docedge-tests-")), "skipped.ndjson");
const result = spawnSync(
  process.execPath,
  [
    "--import", "tsx", "--test", "--test-concurrency=1",
    `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`, "--test-reporter-destination=stdout",
    `--test-reporter=${join(root, "scripts/skip-reporter.mjs")}`, `--test-reporter-destination=${skipLog}`,
    ...files,
  ],
  { cwd: root, stdio: "inherit" },
);
printSkipped(skipLog);
rmSync(dirname(skipLog), { recursive: true, force: true });
process.exit(result.status ?? 1);

/** Every skipped test and its reason, grouped by reason: a green run says what it did not check. */
function printSkipped(file) {
  const rows = existsSync(file)
    ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
    : [];
  if (rows.length === 0) {
    console.log("\nskipped: none");
    return;
  }
  const byReason = new Map();
  for (const r of rows) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r]);
  console.log(`\nskipped: ${rows.length} test(s)`);
  for (const [reason, list] of byReason) {
    console.log(`  ${reason} (${list.length}):`);
    for (const r of list) console.log(`    ${relative(root, r.file) || "?"}: ${r.name}`);
  }
}
