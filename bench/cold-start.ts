/**
 * Cold start, stage by stage: new processes, alternating round by round, each importing the built
 * package (`npm run build` first), creating a detector and detecting in sample/sample.jpg twice.
 * Prints the median (min) of each stage per variant: Node, Node with the V8 flags the CLI sets
 * (src/cli/v8-tuning.ts: the tier-up budget, lazy validation), Bun, Deno; and the CLI's `detect`
 * (spawn to exit, wall and CPU).
 *
 *   node --import tsx bench/cold-start.ts [--runs 6]
 *
 * A shared machine's load swings from one process to the next; the rounds alternate so that it
 * hits every variant alike. Read the medians side by side, not as absolute numbers.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CLI_V8_FLAGS } from "../src/cli/v8-tuning.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 6;

interface Stages {
  start: number;
  import: number;
  create: number;
  detect: number;
  decode: number;
  preprocess: number;
  inference: number;
  quad: number;
  first: number;
  cpu: number;
  second: number;
  quadText: string;
  wall: number;
}

// The child: its own clock from process start (performance.now()), CPU from process.cpuUsage().
const CHILD = `import { readFileSync } from "node:fs";
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const mod = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/mod.js")).href)});
const t1 = performance.now();
const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(ROOT, "sample/sample.jpg"))}));
const d = await mod.createDetector();
const t2 = performance.now();
const r = await d.detect(bytes);
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
await d.detect(bytes);
const t4 = performance.now();
console.log("STAGES " + JSON.stringify({ start: t0, import: t1 - t0, create: t2 - t1, detect: t3 - t2, ...r.timings, first: t3,
  cpu: (cpu.user + cpu.system) / 1000, second: t4 - t3, quadText: r.quad ? r.quad.flat().map((v) => v.toFixed(2)).join(",") : "none" }));
process.exit(0);
`;

function bin(name: string): string {
  return join(ROOT, "node_modules/.bin", name);
}

function runOnce(cmd: string, args: string[]): Stages | string {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  const wall = performance.now() - t;
  const line = r.stdout?.split("\n").find((l) => l.startsWith("STAGES "));
  if (!line) return `failed: ${(r.stderr ?? "").slice(-300)}`;
  return { ...(JSON.parse(line.slice(7)) as Omit<Stages, "wall">), wall };
}

/** Spawn to exit, wall and CPU (user + system of the child, from /usr/bin/time when present). */
function cliOnce(cmd: string, args: string[]): { wall: number; cpu: number } | string {
  const time = "/usr/bin/time";
  const useTime = existsSync(time);
  const t = performance.now();
  const r = useTime
    ? spawnSync(time, ["-f", "CPU %U %S", cmd, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 })
    : spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  const wall = performance.now() - t;
  if (r.status !== 0) return `failed: ${(r.stderr ?? "").slice(-300)}`;
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? "");
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : Number.NaN };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const cell = (xs: number[]): string => (xs.every(Number.isFinite) ? `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)})` : "-");

function main(): void {
  if (!existsSync(join(ROOT, "dist/mod.js"))) throw new Error("no dist/ (run npm run build)");
  mkdirSync(join(ROOT, "tmp"), { recursive: true });
  // Inside the package, so that Deno finds node_modules from it (tmp/ is git-ignored).
  const script = join(ROOT, "tmp", "cold-start-child.mjs");
  writeFileSync(script, CHILD);
  const variants: Record<string, [string, string[]]> = {
    node: [process.execPath, [script]],
    "node + CLI flags": [process.execPath, [...CLI_V8_FLAGS, script]],
    bun: [bin("bun"), [script]],
    deno: [join(ROOT, "node_modules/deno/deno"), ["run", "-A", script]],
  };
  const cliArgs = ["dist/src/cli/bin.js", "detect", "sample/sample.jpg", "--json"];
  const cli: Record<string, [string, string[]]> = {
    node: [process.execPath, cliArgs],
    bun: [bin("bun"), cliArgs],
    deno: [join(ROOT, "node_modules/deno/deno"), ["run", "-A", ...cliArgs]],
  };
  const results: Record<string, Stages[]> = {};
  const cliResults: Record<string, { wall: number; cpu: number }[]> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [name, [cmd, args]] of Object.entries(variants)) {
      const r = runOnce(cmd, args);
      if (typeof r === "string") console.log(`${name}: ${r}`);
      else (results[name] ??= []).push(r);
    }
    for (const [name, [cmd, args]] of Object.entries(cli)) {
      const r = cliOnce(cmd, args);
      if (typeof r === "string") console.log(`CLI ${name}: ${r}`);
      else (cliResults[name] ??= []).push(r);
    }
  }
  const names = Object.keys(results);
  const rows: [string, (s: Stages) => number][] = [
    ["process start to script", (s) => s.start],
    ['`import("docedge")`', (s) => s.import],
    ["`createDetector()`", (s) => s.create],
    ["first `detect`", (s) => s.detect],
    ["  of it: decode", (s) => s.decode],
    ["  preprocess", (s) => s.preprocess],
    ["  inference", (s) => s.inference],
    ["  quad finder", (s) => s.quad],
    ["new process to first result", (s) => s.first],
    ["CPU to first result", (s) => s.cpu],
    ["spawn to exit", (s) => s.wall],
    ["second `detect`", (s) => s.second],
  ];
  console.log(`\ncold start, ${RUNS} alternating rounds, median (min) ms\n`);
  console.log(`| | ${names.join(" | ")} |`);
  console.log(`|---|${names.map(() => "---:").join("|")}|`);
  for (const [label, f] of rows) console.log(`| ${label} | ${names.map((n) => cell(results[n].map(f))).join(" | ")} |`);
  const quads = new Set(Object.values(results).flatMap((rs) => rs.map((s) => s.quadText)));
  console.log(`\nsame corners in every run and runtime: ${quads.size === 1 ? "yes" : `no (${[...quads].join(" / ")})`}`);
  console.log(`\nCLI \`docedge detect sample/sample.jpg --json\`, spawn to exit, median (min) ms`);
  for (const [name, rs] of Object.entries(cliResults)) {
    console.log(`  ${name.padEnd(5)} wall ${cell(rs.map((r) => r.wall))}  CPU ${cell(rs.map((r) => r.cpu))}`);
  }
}

main();
