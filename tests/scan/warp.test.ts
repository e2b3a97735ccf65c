import { test } from "node:test";
import assert from "node:assert/strict";
import { applyHomography } from "../../src/geometry/homography.ts";
import { decodePng } from "../../src/image/codecs.ts";
import { scanImage } from "../../src/scan/scan.ts";
import { outputToSource, reduceForWarp, warpPerspective, warpRows } from "../../src/scan/warp.ts";
import type { Quad, RgbaImage } from "../../src/types.ts";
import { meanAbsDiff, Page, photographQuad, renderPage, renderPhoto, ssim } from "./synthetic.ts";

// 198 x 300 units: a ratio (0.66) no paper size snaps to, so the output's shape is the estimate's.
const page = new Page(198, 300, 5);

function stats(img: RgbaImage): { mean: number; std: number } {
  let s = 0, s2 = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n * 4; i += 4) { s += img.data[i]; s2 += img.data[i] * img.data[i]; }
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
}

test("identity quad reproduces the image exactly", () => {
  const img = renderPage(page, 198, 300, 2);
  const out = warpPerspective(img, [[0, 0], [198, 0], [198, 300], [0, 300]], 198, 300);
  assert.equal(meanAbsDiff(out, img), 0);
});

test("shrinking 3x: area filtering matches the ideal downscale, one bilinear tap does not", () => {
  const big = renderPage(page, 594, 900, 3);
  const ref = renderPage(page, 198, 300, 4);
  const q: Quad = [[0, 0], [594, 0], [594, 900], [0, 900]];
  const filtered = ssim(warpPerspective(big, q, 198, 300), ref);
  const plain = ssim(warpPerspective(big, q, 198, 300, { areaFilter: false }), ref);
  // Measured 0.93 vs 0.72: the reference is an exact 4x4 area average; ours adds bilinear's tent.
  assert.ok(filtered > 0.9, `area-filtered SSIM ${filtered}`);
  assert.ok(plain < filtered - 0.1, `bilinear-only SSIM ${plain} should be clearly worse`);
});

test("a 1-px line grating shrunk ~5x under perspective comes out flat grey, not moire", () => {
  const n = 1000;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const o = (y * n + x) * 4;
    const v = x % 2 ? 255 : 0;
    data[o] = v; data[o + 1] = v; data[o + 2] = v; data[o + 3] = 255;
  }
  const q: Quad = [[50, 80], [950, 20], [900, 980], [120, 900]];
  const good = stats(warpPerspective({ data, width: n, height: n }, q, 170, 190));
  const bad = stats(warpPerspective({ data, width: n, height: n }, q, 170, 190, { areaFilter: false }));
  assert.ok(Math.abs(good.mean - 127.5) < 2, `mean ${good.mean}`);
  // A flat 50 % grey would have std 0; the residual is the sub-pixel phase of a 2-px period.
  assert.ok(good.std < 15, `filtered std ${good.std}`);
  assert.ok(bad.std > 50, `unfiltered std ${bad.std} (aliasing expected)`);
});

test("a page photographed through a known homography scans back to the original (PNG round trip)", async () => {
  const W = 1200, H = 900;
  const quad = photographQuad(198, 300, {
    f: 1000, imageW: W, imageH: H, pitch: (35 * Math.PI) / 180, yaw: (-20 * Math.PI) / 180,
    roll: (8 * Math.PI) / 180, distance: 420,
  });
  const photo = renderPhoto(page, quad, W, H);
  const result = await scanImage(photo, quad, { format: "png", maxSize: 600 });
  assert.equal(result.format, "png");
  const scanned = await decodePng(result.image);
  assert.equal(scanned.width, result.width);
  assert.ok(Math.abs(result.width / result.height - 198 / 300) < 0.005, `aspect ${result.width}x${result.height}`);
  const ref = renderPage(page, result.width, result.height);
  const score = ssim(scanned, ref);
  const mad = meanAbsDiff(scanned, ref);
  // Threshold: a perfect warp cannot reach 1 here (the photo holds the page's near edge at about
  // one photo pixel per output pixel, so strokes 1.5 px wide are blurred by the camera's own
  // sampling): measured 0.91 / MAD 8.5. Two corners off by 6 px (0.4 % of the photo's diagonal)
  // measure 0.35 / MAD 31 (checked below), so 0.85 / 12 rejects a misregistered scan with margin
  // while tolerating codec or filter changes of a few per cent.
  assert.ok(score > 0.85, `SSIM ${score}`);
  assert.ok(mad < 12, `MAD ${mad}`);

  const off = quad.map((p) => [p[0], p[1]]) as Quad;
  off[1][0] += 6; off[2][1] -= 6;
  const wrong = await scanImage(photo, off, { format: "png", maxSize: 600 });
  const wrongImg = await decodePng(wrong.image);
  const wrongScore = ssim(wrongImg, renderPage(page, wrong.width, wrong.height));
  assert.ok(wrongScore < 0.6, `misregistered SSIM ${wrongScore} should fail the threshold`);
});

test("a quad partly outside the photo: inside part matches the page, outside comes out white", async () => {
  const W = 800, H = 700;
  // Page shifted left so its top-left corner lies off the frame (left and top).
  const quad = photographQuad(198, 300, {
    f: 900, imageW: W, imageH: H, pitch: (25 * Math.PI) / 180, yaw: (15 * Math.PI) / 180, roll: 0,
    distance: 400, shiftX: -120,
  });
  assert.ok(quad[0][0] < 0 && quad[1][1] < 0, "test quad must run off the left and top edges");
  const photo = renderPhoto(page, quad, W, H);
  const result = await scanImage(photo, quad, { format: "png", maxSize: 500 });
  const out = await decodePng(result.image);
  const ref = renderPage(page, out.width, out.height);
  const h = outputToSource(result.quad, out.width, out.height);
  let inside = 0, outside = 0, diff = 0, white = 0;
  for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) {
    const [sx, sy] = applyHomography(h, [x + 0.5, y + 0.5]);
    const o = (y * out.width + x) * 4;
    if (sx > 2 && sy > 2 && sx < W - 2 && sy < H - 2) {
      inside++;
      diff += Math.abs(out.data[o] - ref.data[o]);
    } else if (sx < -2 || sy < -2 || sx > W + 2 || sy > H + 2) {
      outside++;
      if (out.data[o] === 255 && out.data[o + 1] === 255 && out.data[o + 2] === 255) white++;
    }
  }
  assert.ok(outside > 0.15 * out.width * out.height, `outside share ${outside}`);
  assert.equal(white, outside, "everything off the photo is white");
  assert.ok(diff / inside < 12, `MAD inside ${diff / inside}`);
});

test("big shrinks pre-average k x k blocks: same page as the direct area filter, from a quarter of the pixels", () => {
  const big = renderPage(page, 990, 1500, 2);
  const q: Quad = [[0, 0], [990, 0], [990, 1500], [0, 1500]];
  const reduced = reduceForWarp(big, q, 198, 300);
  assert.equal(reduced.factor, 5);
  assert.deepEqual([reduced.src.width, reduced.src.height], [198, 300]);
  const viaBlocks = warpPerspective(big, q, 198, 300);
  const direct: RgbaImage = { data: new Uint8Array(198 * 300 * 4), width: 198, height: 300 };
  warpRows(big, outputToSource(q, 198, 300), direct, 0, 300);
  assert.ok(meanAbsDiff(viaBlocks, direct) < 4, `block-averaged vs direct MAD ${meanAbsDiff(viaBlocks, direct)}`);
  assert.ok(ssim(viaBlocks, renderPage(page, 198, 300)) > 0.9);
  // Under perspective the factor follows the least-shrunk corner.
  const persp: Quad = [[100, 50], [890, 0], [990, 1500], [0, 1400]];
  const pf = reduceForWarp(big, persp, 150, 230).factor;
  assert.ok(pf >= 2 && pf < 990 / 150, `perspective factor ${pf}`);
  assert.equal(reduceForWarp(big, q, 600, 900).factor, 1);
});
