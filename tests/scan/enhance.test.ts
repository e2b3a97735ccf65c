import { test } from "node:test";
import assert from "node:assert/strict";
import { enhance } from "../../src/scan/enhance.ts";
import type { EnhanceMode } from "../../src/scan/options.ts";
import type { RgbaImage } from "../../src/types.ts";
import { Page, renderPhoto } from "./synthetic.ts";

/**
 * A page 198 x 300 units lit by warm light with a falloff, and a hard diagonal shadow (35 % light,
 * 1-unit penumbra) across its lower right: a hand or phone between lamp and page.
 */
const page = new Page(198, 300, 11, { hairline: 0.35 });
const PX = 3.5; // pixels per unit: body strokes 0.6 units = 2.1 px, hairlines 0.35 units = 1.2 px
const W = Math.round(198 * PX), H = Math.round(300 * PX);
/** Signed distance (units) from the shadow's edge; positive inside the shadow. */
const shadowDist = (x: number, y: number) => (x + 0.6 * y - 230) / Math.hypot(1, 0.6);
const light = (x: number, y: number): [number, number, number] => {
  const d = shadowDist(x, y);
  const s = d <= -0.5 ? 1 : d >= 0.5 ? 0.35 : 1 - 0.65 * (d + 0.5);
  const falloff = 1 - 0.15 * (y / 300);
  const l = s * falloff;
  return [l, l * 0.93, l * 0.78];
};
const photo = renderPhoto(page, [[0, 0], [W, 0], [W, H], [0, H]], W, H, { light });

/** Pixel classes from the page geometry (not from the image). */
interface Masks { inkLit: number[]; inkShadow: number[]; paperLit: number[]; paperShadow: number[]; paperEdge: number[] }
function masks(): Masks {
  const m: Masks = { inkLit: [], inkShadow: [], paperLit: [], paperShadow: [], paperEdge: [] };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const ux = (x + 0.5) / PX, uy = (y + 0.5) / PX;
    const i = y * W + x;
    const d = shadowDist(ux, uy);
    // Ink core: the whole pixel is ink (all four corners).
    const core = [[x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]].every(([a, b]) => page.value((a + 0.02) / PX, (b + 0.02) / PX) === 0.08 && page.value((a - 0.02) / PX, (b - 0.02) / PX) === 0.08);
    if (core && Math.abs(d) > 2) (d > 0 ? m.inkShadow : m.inkLit).push(i);
    else if (!page.nearInk(ux, uy, 1.2) && ux > 3 && uy > 3 && ux < 195 && uy < 297) {
      if (Math.abs(d) < 4) m.paperEdge.push(i);
      else (d > 0 ? m.paperShadow : m.paperLit).push(i);
    }
  }
  return m;
}
const M = masks();

const luma = (img: RgbaImage, i: number) => 0.299 * img.data[i * 4] + 0.587 * img.data[i * 4 + 1] + 0.114 * img.data[i * 4 + 2];
const mean = (img: RgbaImage, idx: number[]) => idx.reduce((s, i) => s + luma(img, i), 0) / idx.length;
const share = (img: RgbaImage, idx: number[], pred: (v: number) => boolean) => idx.filter((i) => pred(luma(img, i))).length / idx.length;

function run(mode: EnhanceMode): RgbaImage {
  const img: RgbaImage = { data: new Uint8Array(photo.data), width: W, height: H };
  enhance(img, mode);
  return img;
}

test("fixture sanity: masks are populated and the shadow is hard", () => {
  for (const [k, v] of Object.entries(M)) assert.ok(v.length > 500, `${k}: ${v.length}`);
  assert.ok(mean(photo, M.paperLit) > 2.3 * mean(photo, M.paperShadow));
});

test("none: colour as photographed, text readable on both sides of the shadow", () => {
  const img = run("none");
  assert.deepEqual(img.data, photo.data);
  for (const [paper, ink] of [[M.paperLit, M.inkLit], [M.paperShadow, M.inkShadow]]) {
    const p = mean(img, paper), k = mean(img, ink);
    assert.ok((p - k) / p > 0.6, `Weber contrast ${(p - k) / p}`);
  }
});

for (const mode of ["color", "gray"] as const) {
  test(`${mode}: shadow and warm cast removed, strokes at full contrast on both sides`, () => {
    const img = run(mode);
    const lit = mean(img, M.paperLit), shade = mean(img, M.paperShadow);
    assert.ok(lit > 245 && shade > 240, `paper lit ${lit}, shadow ${shade}`);
    assert.ok(Math.abs(lit - shade) < 10, `shadow left a step of ${lit - shade}`);
    assert.ok(mean(img, M.paperEdge) > 225, `paper along the shadow's edge ${mean(img, M.paperEdge)}`);
    for (const [paper, ink] of [[M.paperLit, M.inkLit], [M.paperShadow, M.inkShadow]]) {
      const c = (mean(img, paper) - mean(img, ink)) / 255;
      assert.ok(c > 0.75, `stroke contrast ${c}`);
    }
    // White balance: paper comes out neutral (photo's paper has R - B of ~40 levels in the light).
    let chroma = 0;
    for (const i of M.paperLit) chroma += img.data[i * 4] - img.data[i * 4 + 2];
    assert.ok(Math.abs(chroma / M.paperLit.length) < 4, `paper R - B ${chroma / M.paperLit.length}`);
    if (mode === "gray") {
      for (let i = 0; i < W * H * 4; i += 4) assert.ok(img.data[i] === img.data[i + 1] && img.data[i] === img.data[i + 2]);
    }
  });
}

test("bw: ink black, paper white across the hard shadow, hairlines kept", () => {
  const img = run("bw");
  for (let i = 0; i < W * H * 4; i += 4) assert.ok(img.data[i] === 0 || img.data[i] === 255);
  const black = (v: number) => v === 0;
  const white = (v: number) => v === 255;
  assert.ok(share(img, M.inkLit, black) > 0.97, `lit ink black ${share(img, M.inkLit, black)}`);
  assert.ok(share(img, M.inkShadow, black) > 0.97, `shadow ink black ${share(img, M.inkShadow, black)}`);
  assert.ok(share(img, M.paperLit, white) > 0.995, `lit paper white ${share(img, M.paperLit, white)}`);
  assert.ok(share(img, M.paperShadow, white) > 0.995, `shadow paper white ${share(img, M.paperShadow, white)}`);
  assert.ok(share(img, M.paperEdge, white) > 0.995, `paper at the shadow edge white ${share(img, M.paperEdge, white)}`);
  // Hairlines (1.2 px): in each column crossing one, some pixel within +-1 px of it is black.
  let cols = 0, kept = 0;
  for (const r of page.hairlines) {
    if (r[2] - r[0] < r[3] - r[1]) continue; // horizontal ones
    const yc = Math.floor(((r[1] + r[3]) / 2) * PX);
    for (let x = Math.ceil(r[0] * PX) + 2; x < Math.floor(r[2] * PX) - 2; x++) {
      cols++;
      if ([yc - 1, yc, yc + 1].some((y) => img.data[(y * W + x) * 4] === 0)) kept++;
    }
  }
  assert.ok(cols > 1000 && kept / cols > 0.97, `hairline columns kept ${kept}/${cols}`);
});

/**
 * A saturated green cover filling the page, with a white title label holding black text, lit
 * with a falloff and a hard neutral shadow across its lower part: colour must not be taken for
 * the light.
 */
const CW = 600, CH = 840;
const GREEN: [number, number, number] = [38, 150, 72];
const inLabel = (x: number, y: number) => x >= 150 && x < 450 && y >= 120 && y < 300;
const inText = (x: number, y: number) => inLabel(x, y) && x >= 180 && x < 420 && ((y >= 160 && y < 176) || (y >= 200 && y < 216) || (y >= 240 && y < 256));
const coverShadow = (x: number, y: number) => y > 520 + 0.3 * x;
function coverPhoto(): RgbaImage {
  const data = new Uint8Array(CW * CH * 4);
  for (let y = 0; y < CH; y++) for (let x = 0; x < CW; x++) {
    const base = inText(x, y) ? [20, 20, 20] : inLabel(x, y) ? [242, 242, 242] : GREEN;
    const l = (coverShadow(x, y) ? 0.4 : 1) * (1 - 0.2 * (x / CW));
    const o = (y * CW + x) * 4;
    for (let c = 0; c < 3; c++) data[o + c] = Math.round(base[c] * l);
    data[o + 3] = 255;
  }
  return { data, width: CW, height: CH };
}
function hsv(d: Uint8Array | Uint8ClampedArray, o: number): { h: number; s: number } {
  const r = d[o], g = d[o + 1], b = d[o + 2];
  const mx = Math.max(r, g, b), mn = Math.min(r, g, b), c = mx - mn;
  const h = c === 0 ? 0 : mx === r ? ((g - b) / c + 6) % 6 : mx === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return { h: h * 60, s: mx === 0 ? 0 : c / mx };
}

test("color: a saturated cover keeps its hue and >= 80% of its saturation, lit and shadowed alike; its white label goes white", () => {
  const photo = coverPhoto();
  const img: RgbaImage = { data: new Uint8Array(photo.data), width: CW, height: CH };
  enhance(img, "color");
  // Away from the label and the shadow's edge (the background estimate's transition zone).
  const cover: number[] = [], coverShade: number[] = [], label: number[] = [];
  for (let y = 10; y < CH - 10; y += 3) for (let x = 10; x < CW - 10; x += 3) {
    const nearEdge = Math.abs(y - (520 + 0.3 * x)) < 40 || (x > 110 && x < 490 && y > 80 && y < 340);
    if (inLabel(x, y) && !inText(x, y) && x > 160 && x < 440 && y > 130 && y < 290 && !(y >= 150 && y < 266)) label.push(y * CW + x);
    else if (!nearEdge) (coverShadow(x, y) ? coverShade : cover).push(y * CW + x);
  }
  const meanOf = (im: RgbaImage, idx: number[], f: (o: number) => number) => idx.reduce((s, i) => s + f(i * 4), 0) / idx.length;
  for (const [name, idx] of [["lit", cover], ["shadowed", coverShade]] as const) {
    const before = meanOf(photo, idx, (o) => hsv(photo.data, o).s);
    const after = meanOf(img, idx, (o) => hsv(img.data, o).s);
    assert.ok(after >= 0.8 * before, `${name} cover saturation ${after.toFixed(3)} vs ${before.toFixed(3)} unenhanced`);
    const hue = meanOf(img, idx, (o) => hsv(img.data, o).h);
    assert.ok(Math.abs(hue - hsv(new Uint8Array([...GREEN, 255]), 0).h) < 6, `${name} cover hue ${hue}`);
  }
  const lum = (im: RgbaImage, idx: number[]) => meanOf(im, idx, (o) => 0.299 * im.data[o] + 0.587 * im.data[o + 1] + 0.114 * im.data[o + 2]);
  assert.ok(Math.abs(lum(img, cover) - lum(img, coverShade)) < 15, `shadow evened out: ${lum(img, cover)} vs ${lum(img, coverShade)}`);
  assert.ok(lum(img, label) > 235, `label ${lum(img, label)}`);
});
