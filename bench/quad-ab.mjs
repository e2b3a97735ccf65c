// Two builds of the quad finder side by side in one process: the same answers, and their times
// with the calls interleaved (old, new, new, old, ...) so a shared machine's load hits both alike.
// Plain Node, not tsx: with tsx's loader registered, the builds it loads ran 5-15% apart though
// identical (their order and path decided which was faster); only the benchmark maps' TypeScript
// goes through tsx, by tsImport, which leaves other modules alone.
// Run (after `npm run build`; OLD is a copy of an earlier build's dist/src, e.g. from a
// `git worktree` of the commit before):
//   node bench/quad-ab.mjs --old /tmp/old/dist/src [--new dist/src] [--rounds 500]
//     [--photos ../shared/datasets] [--maps FILE]
// --photos runs the detector (the new build's) on every photo under the folder and takes the
// network's first-pass edge maps; --maps reads raw maps (per map: width, height, aspect and
// threshold as float64, then width*height float32 values), e.g. the finder's inputs captured in
// `docedge detect`, second looks included.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

/** @typedef {import("../src/types.ts").FloatMap} FloatMap */
/** @typedef {import("../src/quad/find-quad.ts").FindQuadOptions} FindQuadOptions */
/** @typedef {(map: FloatMap, options?: FindQuadOptions) => import("../src/quad/find-quad.ts").QuadFindingDetail} Finder */
/** @typedef {{ name: string; map: FloatMap; options: FindQuadOptions; real: boolean }} Case */

/** @type {{ benchMaps: () => [string, FloatMap][] }} */
const { benchMaps } = await tsImport("./quad-maps.ts", import.meta.url);

const args = process.argv.slice(2);
/** @param {string} name */
const arg = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const oldDir = arg("--old");
if (!oldDir) throw new Error("--old DIR (a build's dist/src) is required");
const newDir = arg("--new") ?? "dist/src";
const rounds = Number(arg("--rounds") ?? 500);

/** @param {string} dir @returns {Promise<Finder>} */
async function finder(dir) {
  return (await import(pathToFileURL(resolve(dir, "quad/find-quad.js")).href)).findQuadDetailed;
}
const oldFind = await finder(oldDir);
const newFind = await finder(newDir);

/** @type {Case[]} */
const cases = benchMaps().map(([name, map]) => ({ name, map, options: {}, real: false }));

const photos = arg("--photos");
if (photos) {
  /** @type {typeof import("../mod.ts")} */
  const { createDetector } = await import(pathToFileURL(resolve(newDir, "../mod.js")).href);
  const detector = await createDetector();
  /** @param {string} dir @returns {string[]} */
  const walk = (dir) =>
    readdirSync(dir).sort().flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.(jpe?g|png|webp)$/i.test(f) ? [p] : [];
    });
  for (const file of walk(photos)) {
    const r = await detector.detect(readFileSync(file), { returnEdgeMap: true, secondLook: "never" });
    if (r.edgeMap) cases.push({ name: file, map: r.edgeMap, options: { aspect: r.width / r.height }, real: true });
  }
  await detector.dispose();
}
const mapsFile = arg("--maps");
if (mapsFile) {
  const buf = readFileSync(mapsFile);
  for (let off = 0, k = 0; off < buf.length; k++) {
    const h = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + 32));
    const n = h[0] * h[1];
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + off + 32, buf.byteOffset + off + 32 + 4 * n));
    off += 32 + 4 * n;
    cases.push({ name: `${mapsFile}#${k}`, map: { data, width: h[0], height: h[1] }, options: { aspect: h[2], threshold: h[3] }, real: true });
  }
}

// Same answers: corners, confidence, the candidate, side coverage and the lines seen.
let identical = 0, maxCorner = 0, maxConf = 0, maxLine = 0;
/** @type {string[]} */
const differing = [];
for (const c of cases) {
  const a = oldFind(c.map, c.options), b = newFind(c.map, c.options);
  let corner = 0, line = 0;
  const same = a.found === b.found && (a.candidate === null) === (b.candidate === null) && a.lines.length === b.lines.length &&
    a.sideCoverage.length === b.sideCoverage.length;
  if (a.candidate && b.candidate) {
    for (let k = 0; k < 4; k++) for (let j = 0; j < 2; j++) corner = Math.max(corner, Math.abs(a.candidate[k][j] - b.candidate[k][j]));
  }
  if (same) for (let k = 0; k < a.lines.length; k++) line = Math.max(line, Math.abs(a.lines[k].nx - b.lines[k].nx), Math.abs(a.lines[k].ny - b.lines[k].ny), Math.abs(a.lines[k].c - b.lines[k].c));
  const conf = Math.abs(a.confidence - b.confidence);
  const cov = same ? Math.max(0, ...a.sideCoverage.map((v, k) => Math.abs(v - b.sideCoverage[k]))) : Infinity;
  maxCorner = Math.max(maxCorner, corner); maxConf = Math.max(maxConf, conf); maxLine = Math.max(maxLine, line);
  if (same && corner === 0 && conf === 0 && line === 0 && cov === 0) identical++;
  else differing.push(`${c.name}: found ${a.found}/${b.found}, corners ${corner.toExponential(2)} px, confidence ${conf.toExponential(2)}, lines ${line.toExponential(2)}, structure ${same ? "same" : "DIFFERENT"}`);
}
console.log(`answers: ${identical}/${cases.length} maps identical; largest differences: corners ${maxCorner} px, confidence ${maxConf}, lines ${maxLine}`);
for (const d of differing) console.log(`  ${d}`);

// Time: every map, both builds, alternating which goes first, `rounds` times.
const times = cases.map(() => ({ old: /** @type {number[]} */ ([]), new: /** @type {number[]} */ ([]) }));
for (let w = 0; w < 10; w++) for (const c of cases) { oldFind(c.map, c.options); newFind(c.map, c.options); }
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    for (const which of r & 1 ? /** @type {const} */ (["new", "old"]) : /** @type {const} */ (["old", "new"])) {
      const f = which === "old" ? oldFind : newFind;
      const t = performance.now();
      f(c.map, c.options);
      times[i][which].push(performance.now() - t);
    }
  }
}
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** @param {number[]} xs @param {number} p */
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
/** @param {number} v */
const fmt = (v) => v.toFixed(3).padStart(8);
console.log(`\nwall ms, median of ${rounds} calls each, interleaved`);
console.log("map".padEnd(34), "old".padStart(8), "new".padStart(8), "new/old".padStart(8));
const bench = cases.map((c, i) => ({ c, o: median(times[i].old), n: median(times[i].new) })).filter((x) => !x.c.real);
for (const { c, o, n } of bench) console.log(c.name.padEnd(34), fmt(o), fmt(n), fmt(n / o));
const worstO = Math.max(...bench.map((x) => x.o)), worstN = Math.max(...bench.map((x) => x.n));
console.log("worst case (largest median)".padEnd(34), fmt(worstO), fmt(worstN), fmt(worstN / worstO));
const real = cases.map((c, i) => ({ c, o: median(times[i].old), n: median(times[i].new) })).filter((x) => x.c.real);
if (real.length > 0) {
  const os = real.map((x) => x.o), ns = real.map((x) => x.n);
  /** @param {number[]} xs */
  const mean = (xs) => xs.reduce((s, v) => s + v, 0) / xs.length;
  console.log(`\n${real.length} real maps, per-map medians:`);
  console.log("mean (time per map)".padEnd(34), fmt(mean(os)), fmt(mean(ns)), fmt(mean(ns) / mean(os)));
  console.log("median map".padEnd(34), fmt(median(os)), fmt(median(ns)), fmt(median(ns) / median(os)));
  console.log("p90 map".padEnd(34), fmt(q(os, 0.9)), fmt(q(ns, 0.9)), fmt(q(ns, 0.9) / q(os, 0.9)));
  console.log("slowest map".padEnd(34), fmt(Math.max(...os)), fmt(Math.max(...ns)), fmt(Math.max(...ns) / Math.max(...os)));
  const ratios = real.map((x) => x.n / x.o);
  console.log(`per-map new/old: median ${median(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`);
}
