// The spiral side (issue 13): a coil beside a page is found in the pixels and the side answered at
// its ring line; other ridges and patterns beside a page leave the answer as it was.
import { test } from "node:test";
import assert from "node:assert/strict";

import { COIL, FINE, bandVerdict, findCoil, ringLineQuad, sideProfile } from "../../src/quad/coil.ts";
import { detrend, periodicity, type Row } from "../../src/quad/periodicity.ts";
import type { Point, Quad } from "../../src/types.ts";
import { createDetector } from "../../src/detector.ts";
import { MODEL_INT8, hasModel } from "../core/helpers.ts";
import {
  COIL_DRAWING, PAGE, keyboard, pageOnDesk, pageQuad, parallelLines, render, renderSlanted, ruledPage, ruledSpiralPage, shadowAndSeam,
  slantedQuad, spiralPage, tiles, toImage, toSlanted,
} from "./coil-scenes.ts";

/** Distance from a point to the line through the page frame's u = at (image pixels; `to`: the frame's map into the image). */
function offLine(p: Point, at: number, to: (u: number, v: number) => Point = toImage): number {
  const a = to(at, 0), b = to(at, PAGE.h);
  const dx = b[0] - a[0], dy = b[1] - a[1];
  return Math.abs((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / Math.hypot(dx, dy);
}

test("a coil beside a page is found, and its side moves to the ring line; the other corners stay", () => {
  const img = render(spiralPage());
  const quad = pageQuad();
  const coil = findCoil(img, quad);
  assert.ok(coil, "no coil found");
  assert.equal(coil.side, 1);
  assert.ok(Math.abs(coil.pitch - COIL_DRAWING.pitch) < 1.5, `pitch ${coil.pitch}`);
  const moved = ringLineQuad(quad, coil);
  for (const k of [1, 2]) {
    const off = offLine(moved[k], COIL_DRAWING.ring);
    assert.ok(off < 2.5, `corner ${k} is ${off.toFixed(2)} px from the ring line (the side moved ${offLine(moved[k], PAGE.w).toFixed(2)} px)`);
  }
  assert.deepEqual([moved[0], moved[3]], [quad[0], quad[3]]);
});

test("a coil found with the page's seen edge a few pixels inside the holes still lands on the ring line", () => {
  const img = render(spiralPage(), 7);
  const coil = findCoil(img, pageQuad(PAGE.w - 4));
  assert.ok(coil, "no coil found");
  const moved = ringLineQuad(pageQuad(PAGE.w - 4), coil);
  for (const k of [1, 2]) assert.ok(offLine(moved[k], COIL_DRAWING.ring) < 3, `corner ${k}: ${offLine(moved[k], COIL_DRAWING.ring).toFixed(2)} px off`);
});

test("a coil seen at a slant (its rings 1.7 times closer at the side's far end) is found: the samples are even on the page, not in the image", () => {
  const img = renderSlanted(spiralPage());
  const quad = slantedQuad();
  const coil = findCoil(img, quad);
  assert.ok(coil, `no coil found: ${JSON.stringify(bandVerdict(sideProfile(img, quad, 1, FINE)))}`);
  assert.equal(coil.side, 1);
  const moved = ringLineQuad(quad, coil);
  for (const k of [1, 2]) {
    const off = offLine(moved[k], COIL_DRAWING.ring, toSlanted);
    assert.ok(off < 5, `corner ${k} is ${off.toFixed(2)} px from the ring line`);
  }
});

test("a wide coil (its band 0.15 of the side across) is found and answered at its ring line", () => {
  const wide = { pitch: 16, edge: PAGE.w, ring: PAGE.w + 27, reach: 27 };
  const img = render(spiralPage(wide));
  const coil = findCoil(img, pageQuad());
  assert.ok(coil, `no coil found: ${JSON.stringify(bandVerdict(sideProfile(img, pageQuad(), 1, FINE)))}`);
  const moved = ringLineQuad(pageQuad(), coil);
  for (const k of [1, 2]) assert.ok(offLine(moved[k], wide.ring) < 4, `corner ${k}: ${offLine(moved[k], wide.ring).toFixed(2)} px off`);
});

test("a ruled page's faint lines meeting the bound side at the coil's own pitch do not hide its coil", () => {
  const img = render(ruledSpiralPage());
  const coil = findCoil(img, pageQuad());
  assert.ok(coil, `no coil found: ${JSON.stringify(bandVerdict(sideProfile(img, pageQuad(), 1, FINE)))}`);
  const moved = ringLineQuad(pageQuad(), coil);
  for (const k of [1, 2]) assert.ok(offLine(moved[k], COIL_DRAWING.ring) < 2.5, `corner ${k}: ${offLine(moved[k], COIL_DRAWING.ring).toFixed(2)} px off`);
});

// Each scene, and why its right side's fine look shows no coil (for the tiles and the keys at a
// coil's pitch the coarse look sees rows that repeat, so the band's checks are what rejects them:
// see the test after these; the lines' moire repeats in one coarse row, not two).
const quiet: [string, () => ReturnType<typeof render>, string][] = [
  ["a shadow and a folder's seam beside a side", () => render(shadowAndSeam()), "too narrow for a coil"],
  ["lines parallel to a side beside it (their moire repeats along it)", () => render(parallelLines()), "too faint for a coil's wire"],
  ["tiles at a coil's pitch running far from the page", () => render(tiles()), "too wide for a coil"],
  ["a ruled page whose lines meet a side at a coil's pitch", () => render(ruledPage()), "the pattern runs on into the page"],
  ["a keyboard beside a side, keys at a coil's pitch", () => render(keyboard(16)), "too wide for a coil"],
  // The two coarser keyboards' keys start further from the side than a coil's rows may.
  ["a keyboard beside a side, keys at the longest pitch a coil may have", () => render(keyboard(22)), "too faint for a coil's wire"],
  ["a keyboard beside a side, keys coarser than a coil", () => render(keyboard(34)), "too faint for a coil's wire"],
  ["a plain page on a desk", () => render(pageOnDesk()), "too faint for a coil's wire"],
];
for (const [name, scene, why] of quiet) {
  test(`no coil: ${name}`, () => {
    const img = scene();
    const quad = pageQuad();
    assert.equal(findCoil(img, quad), null);
    assert.equal(bandVerdict(sideProfile(img, quad, 1, FINE)), why);
  });
}

test("tiles the frame cuts on the page's far side: a band seen up to the frame's edge over 0.12 of the side is a surface's", () => {
  // The left side has 70 px of tiles out to the frame's edge (0.146 of the side seen, under the 0.16 a whole coil may span).
  const img = render(tiles());
  assert.equal(bandVerdict(sideProfile(img, pageQuad(), 3, FINE)), "too wide for a coil");
});

/** A fine profile from a function of the offset (a share of the side outward): null where the row is flat. */
function profileOf(row: (offset: number) => Partial<Row> | null): (Row | null)[] {
  return FINE.map((o) => {
    const r = row(o);
    return { lag: 0, score: 0, contrast: 3, coherence: 0.9, ...r };
  });
}
/** A coil's rows: repeating at lag 12, dark, from -0.004 to 0.056 of the side. */
const coilRow = (o: number): Partial<Row> | null => (o >= -0.004 && o <= 0.056 ? { lag: 12, score: 0.9, contrast: 40 } : null);

test("band rules on drawn profiles: a plain coil's band is found", () => {
  const band = bandVerdict(profileOf(coilRow));
  assert.ok(typeof band !== "string", String(band));
  assert.ok(Math.abs(band.inner + 0.006) < 1e-9 && Math.abs(band.outer - 0.058) < 1e-9, JSON.stringify(band));
});

test("band rules on drawn profiles: rows repeating at half the pitch (a C ring's two arms) carry the band on", () => {
  // The coil's middle rows read at lag 6 over 0.02 (more than a gap may be).
  const band = bandVerdict(profileOf((o) => (o > 0.018 && o < 0.04 ? { lag: 6, score: 0.8, contrast: 30 } : coilRow(o))));
  assert.ok(typeof band !== "string", String(band));
  assert.ok(Math.abs(band.outer - 0.058) < 1e-9, `the band ends at ${band.outer}, not at the coil's outer end`);
});

test("band rules on drawn profiles: a faint pattern at a coil's pitch is no wire, and a dark one beside it wins the seed", () => {
  assert.equal(bandVerdict(profileOf((o) => { const r = coilRow(o); return r && { ...r, contrast: 10 }; })), "too faint for a coil's wire");
  // A page's faint ruling just inside the side repeats more cleanly (0.99) at another pitch; the coil's rows are the seed.
  const band = bandVerdict(profileOf((o) => (o >= -0.04 && o < -0.004 ? { lag: 8, score: 0.99, contrast: 10 } : coilRow(o))));
  assert.ok(typeof band !== "string", String(band));
  assert.equal(band.lag, 12);
});

test("band rules on drawn profiles: rows that do not rise and fall together are no coil", () => {
  assert.equal(bandVerdict(profileOf((o) => { const r = coilRow(o); return r && { ...r, coherence: 0.1 }; })), "rows do not rise and fall together");
});

test("the coarse look sees the repeating rows that the band's checks then reject", () => {
  for (const [name, scene] of [["tiles", tiles()], ["keys at a coil's pitch", keyboard(16)], ["keys at the longest pitch", keyboard(22)]] as const) {
    const rows = sideProfile(render(scene), pageQuad(), 1, COIL.coarse);
    const repeating = rows.filter((r) => r && r.score >= COIL.periodic).length;
    assert.ok(repeating >= 2, `${name}: ${repeating} coarse rows repeat`);
  }
});

test("periodicity: a repeating row scores high at its pitch; a step and noise do not", () => {
  const n = 256;
  const ring = new Float32Array(n), step = new Float32Array(n), noise = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    ring[i] = (i % 11) < 3 ? 40 : 200;
    step[i] = i < n / 2 ? 60 : 200;
    s = (s * 1103515245 + 12345) >>> 0;
    noise[i] = 128 + ((s >>> 16) % 60) - 30;
  }
  const p = periodicity(detrend(ring, 40), 4, 20);
  assert.equal(p.lag, 11);
  assert.ok(p.score > 0.9, `score ${p.score}`);
  assert.ok(periodicity(detrend(step, 40), 4, 20).score < 0.5);
  assert.ok(periodicity(detrend(noise, 40), 4, 20).score < 0.5);
});

const skip = hasModel() ? false : `no model at ${MODEL_INT8} (the lead ships models/)`;

test("detect() answers a drawn spiral notebook's bound side at the ring line and a plain page's sides where they are", { skip }, async () => {
  const d = await createDetector({ numThreads: 1 });
  try {
    const spiral = await d.detect(render(spiralPage()));
    assert.ok(spiral.found && spiral.quad, `confidence ${spiral.confidence}`);
    // The page's right side: the answer's corners nearest the drawn right corners.
    const right = pickCorners(spiral.quad, [toImage(COIL_DRAWING.ring, 0), toImage(COIL_DRAWING.ring, PAGE.h)]);
    for (const p of right) assert.ok(offLine(p, COIL_DRAWING.ring) < 4, `right side ${offLine(p, COIL_DRAWING.ring).toFixed(2)} px from the ring line`);
    const plain = await d.detect(render(shadowAndSeam()));
    assert.ok(plain.found && plain.quad);
    const edge = pickCorners(plain.quad, [toImage(PAGE.w, 0), toImage(PAGE.w, PAGE.h)]);
    for (const p of edge) assert.ok(offLine(p, PAGE.w) < 4, `right side ${offLine(p, PAGE.w).toFixed(2)} px from the paper's edge`);
  } finally {
    await d.dispose();
  }
});

/** The answer's corners nearest each of the given points. */
function pickCorners(q: Quad, near: Point[]): Point[] {
  return near.map((t) => q.reduce((best, p) => (Math.hypot(p[0] - t[0], p[1] - t[1]) < Math.hypot(best[0] - t[0], best[1] - t[1]) ? p : best)));
}


