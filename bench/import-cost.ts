/**
 * What `import()` of a built entry costs in a new process: new Node processes alternating round by
 * round over the entries given, each timing one `import()` and the main thread's CPU during it
 * (/proc/thread-self/schedstat, Linux), and counting the JavaScript files the entry loads
 * statically (relative imports followed through the built files).
 *
 *   node --import tsx bench/import-cost.ts [--runs 20] dist/mod.js tmp/before/dist/mod.js ...
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 20;
const entries = args.map((a) => resolve(a));

// Static imports and re-exports of relative paths ("import type" is erased by tsc already).
const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:[^'"]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

function staticFiles(entry: string): { files: number; bytes: number } {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    bytes += text.length;
    for (const m of text.matchAll(STATIC_IMPORT)) visit(resolve(dirname(file), m[1]));
  };
  visit(entry);
  return { files: seen.size, bytes };
}

const CHILD = `import { readFileSync } from "node:fs";
const ss = () => { try { return readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map(Number); } catch { return [NaN]; } };
const s0 = ss(); const t0 = performance.now();
await import(process.argv.at(-1));
const ms = performance.now() - t0; const s1 = ss();
console.log(JSON.stringify([ms, (s1[0] - s0[0]) / 1e6]));`;

const wall: number[][] = entries.map(() => []);
const cpu: number[][] = entries.map(() => []);
for (let r = 0; r < RUNS; r++) {
  entries.forEach((entry, i) => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", CHILD, pathToFileURL(entry).href], { encoding: "utf8" });
    const [ms, c] = JSON.parse(out) as [number, number];
    wall[i].push(ms);
    cpu[i].push(c);
  });
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(`import() in a new Node process, ${RUNS} alternating rounds, median (min) ms\n`);
console.log("| entry | files | KB | import() | main-thread CPU |\n|---|---:|---:|---:|---:|");
entries.forEach((entry, i) => {
  const { files, bytes } = staticFiles(entry);
  console.log(`| ${args[i]} | ${files} | ${(bytes / 1024).toFixed(0)} | ${median(wall[i]).toFixed(1)} (${Math.min(...wall[i]).toFixed(1)}) | ${median(cpu[i]).toFixed(1)} |`);
});
