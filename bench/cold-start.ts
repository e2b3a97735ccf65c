/**
 * Cold start, stage by stage: new processes, alternating round by round, each importing the built
 * package (`npm run build` first), creating a detector and detecting in sample/sample.jpg twice.
 * Prints the median (min) of each stage per variant: Node, Node with the V8 flags the CLI sets
 * (src/cli/v8-tuning.ts: the tier-up budget, lazy validation), Bun, Deno; and the CLI's `detect`
 * (spawn to exit, wall and CPU).
 *
 *   node --import tsx bench/cold-start.ts [--runs 6] [--one-shot] [--against path/to/other/dist] [--runtimes node,node-flags,bun,deno]
 *
 * Bun and Deno are their native binaries (scripts/runtime-binaries.ts). `--runtimes deno,deno-npm`
 * adds Deno started through npm's launcher (Node running node_modules/deno/bin.cjs, which spawns
 * Deno: what npm puts in .bin as `deno` and what `npx deno` runs), only when named: the child's own clock
 * starts with Deno either way, so the launcher's cost shows in "spawn to exit" alone.
 *
 * `--one-shot`: the first result from `detectDocument(bytes)` (what `npm run bench`'s cold-start
 * line runs, and the one call that decodes while the detector loads) instead of `createDetector()`
 * then `detect()`. `--against DIST`: every variant also runs another build (a copy of an earlier
 * `dist/` inside this checkout, e.g. tmp/before/dist), alternating with this one, for before/after
 * numbers from one run.
 *
 * A shared machine's load swings from one process to the next; the rounds alternate so that it
 * hits every variant alike. Read the medians side by side, not as absolute numbers. On Linux the
 * main thread's own CPU time and its time waiting for a core (/proc/thread-self/schedstat) are
 * printed too: the first is what a quiet machine would still spend, the second what load added.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI_V8_FLAGS } from "../src/cli/v8-tuning.ts";
import { runtimeBinary } from "../scripts/runtime-binaries.ts";

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
  mainCpu: number;
  mainWait: number;
  quadText: string;
  wall: number;
}

const oneShot = process.argv.includes("--one-shot");
const runtimesArg = process.argv.indexOf("--runtimes");
/** Which of node, node-flags (Node with the CLI's V8 flags), bun, deno and deno-npm to run (default all but deno-npm). */
const RUNTIMES = runtimesArg > 0 ? new Set(process.argv[runtimesArg + 1].split(",")) : null;
const againstArg = process.argv.indexOf("--against");
const AGAINST = againstArg > 0 ? resolve(process.argv[againstArg + 1]) : null;

// The child (argv: the dist/ folder, then "one-shot" or not): its own clock from process start
// (performance.now()), CPU from process.cpuUsage() and the main thread's from schedstat where
// there is one (its first two fields: ns on a core, ns waiting for one), both from the script's start.
const CHILD = `import { readFileSync } from "node:fs";
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const [dist, mode] = process.argv.slice(-2);
const schedstat = () => { try { return readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map((v) => Number(v) / 1e6); } catch { return [NaN, NaN]; } };
const main0 = schedstat();
const mod = await import(new URL("mod.js", "file://" + dist + "/").href);
const t1 = performance.now();
const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(ROOT, "sample/sample.jpg"))}));
const d = mode === "one-shot" ? null : await mod.createDetector();
const t2 = performance.now();
const r = d === null ? await mod.detectDocument(bytes) : await d.detect(bytes);
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
const main1 = schedstat();
const mainCpu = main1[0] - main0[0], mainWait = main1[1] - main0[1];
await (d ?? (await mod.getDefaultDetector())).detect(bytes);
const t4 = performance.now();
console.log("STAGES " + JSON.stringify({ start: t0, import: t1 - t0, create: t2 - t1, detect: t3 - t2, ...r.timings, first: t3,
  cpu: (cpu.user + cpu.system) / 1000, mainCpu, mainWait, second: t4 - t3, quadText: r.quad ? r.quad.flat().map((v) => v.toFixed(2)).join(",") : "none" }));
process.exit(0);
`;

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
  const mode = oneShot ? "one-shot" : "create";
  const builds: [string, string][] = [["", join(ROOT, "dist")]];
  if (AGAINST !== null) {
    if (!existsSync(join(AGAINST, "mod.js"))) throw new Error(`no mod.js in ${AGAINST}`);
    builds.push([" (against)", AGAINST]);
  }
  const wanted = (key: string): boolean => (RUNTIMES === null ? key !== "deno-npm" : RUNTIMES.has(key));
  // Looked up only when wanted, so that a Node-only run needs no Bun or Deno installed.
  const bun = (): string => runtimeBinary("bun");
  const deno = (): string => runtimeBinary("deno");
  const launcher = join(ROOT, "node_modules/deno/bin.cjs");
  // Each runtime's builds side by side in the table.
  const runtimes = ([
    ["node", () => process.execPath, [], "node"],
    ["node + CLI flags", () => process.execPath, [...CLI_V8_FLAGS], "node-flags"],
    ["bun", bun, [], "bun"],
    ["deno", deno, ["run", "-A"], "deno"],
    ["deno via npm launcher", () => process.execPath, [launcher, "run", "-A"], "deno-npm"],
  ] as [string, () => string, string[], string][]).filter(([, , , key]) => wanted(key));
  const variants: Record<string, [string, string[]]> = {};
  for (const [name, cmd, pre] of runtimes) {
    for (const [suffix, dist] of builds) variants[`${name}${suffix}`] = [cmd(), [...pre, script, dist, mode]];
  }
  const cliArgs = ["dist/src/cli/bin.js", "detect", "sample/sample.jpg", "--json"];
  const cli: Record<string, [string, string[]]> = Object.fromEntries(
    Object.entries({
      node: () => [process.execPath, cliArgs],
      bun: () => [bun(), cliArgs],
      deno: () => [deno(), ["run", "-A", ...cliArgs]],
      "deno-npm": () => [process.execPath, [launcher, "run", "-A", ...cliArgs]],
    } as Record<string, () => [string, string[]]>)
      .filter(([name]) => wanted(name))
      .map(([name, command]) => [name, command()]),
  );
  const results: Record<string, Stages[]> = {};
  const cliResults: Record<string, { wall: number; cpu: number }[]> = {};
  for (let i = 0; i < RUNS; i++) {
    // Every other round in reverse order, so no variant always runs right after another.
    const order = Object.entries(variants);
    if (i % 2 === 1) order.reverse();
    for (const [name, [cmd, args]] of order) {
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
  const names = Object.keys(variants).filter((n) => results[n] !== undefined);
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
    ["  of it: main thread", (s) => s.mainCpu],
    ["main thread waiting for a core", (s) => s.mainWait],
    ["spawn to exit", (s) => s.wall],
    ["second `detect`", (s) => s.second],
  ];
  const how = oneShot ? "detectDocument (one-shot)" : "createDetector + detect";
  console.log(`\ncold start, ${how}, ${RUNS} alternating rounds, median (min) ms${AGAINST ? `; (against) = ${AGAINST}` : ""}\n`);
  console.log(`| | ${names.join(" | ")} |`);
  console.log(`|---|${names.map(() => "---:").join("|")}|`);
  for (const [label, f] of rows) console.log(`| ${label} | ${names.map((n) => cell(results[n].map(f))).join(" | ")} |`);
  const quads = new Set(Object.values(results).flatMap((rs) => rs.map((s) => s.quadText)));
  console.log(`\nsame corners in every run and runtime: ${quads.size === 1 ? "yes" : `no (${[...quads].join(" / ")})`}`);
  console.log(`\nCLI \`docedge detect sample/sample.jpg --json\`, spawn to exit, median (min) ms`);
  for (const [name, rs] of Object.entries(cliResults)) {
    console.log(`  ${name.padEnd(8)} wall ${cell(rs.map((r) => r.wall))}  CPU ${cell(rs.map((r) => r.cpu))}`);
  }
}

main();
