/**
 * Test fixtures for the scanner: a synthetic page defined analytically (so it can be rendered at
 * any resolution without going through the code under test), a pinhole camera that photographs it,
 * and image-similarity measures.
 */
import { applyHomography, homographyFromQuads, invertHomography, type Homography } from "../../src/geometry/homography.ts";
import type { Point, Quad, RgbaImage } from "../../src/types.ts";
import { mulberry32 } from "../support/prng.ts";

export const rng = mulberry32;

/** Axis-aligned ink rectangle in page units: x0, y0, x1, y1. */
type Rect = [number, number, number, number];

/**
 * A page `width` x `height` units: a title bar, ruled lines, paragraphs of "words" built from
 * letter-sized strokes, and a frame. Ink value 0.08, paper 0.94 (reflectance).
 */
export class Page {
  readonly rects: Rect[] = [];
  /** Thin (hairline) rules, kept apart so tests can find them. */
  readonly hairlines: Rect[] = [];
  private grid: Rect[][] = [];
  private readonly cell = 4;
  private gw = 0;
  private gh = 0;
  constructor(readonly width: number, readonly height: number, seed = 1, options: { hairline?: number } = {}) {
    const rand = rng(seed);
    const m = width * 0.08;
    // Title: thick block letters.
    for (let x = m; x < width * 0.6; x += 9) {
      this.rects.push([x, m, x + 2.2, m + 10]);
      this.rects.push([x, m, x + 6, m + 2.2]);
      this.rects.push([x, m + 7.8, x + 6, m + 10]);
    }
    // Body text: words of letters made of 0.6-unit strokes.
    for (let y = m + 22; y < height - m - 10; y += 9) {
      let x = m;
      while (x < width - m - 12) {
        const letters = 2 + Math.floor(rand() * 7);
        for (let i = 0; i < letters && x < width - m - 4; i++) {
          const h = rand() < 0.3 ? 6 : 4.2;
          const top = y + 6 - h;
          this.rects.push([x, top, x + 0.6, y + 6]);
          if (rand() < 0.6) this.rects.push([x, top, x + 2.8, top + 0.6]);
          if (rand() < 0.6) this.rects.push([x, y + 5.4, x + 2.8, y + 6]);
          if (rand() < 0.5) this.rects.push([x + 2.2, top, x + 2.8, y + 6]);
          x += 3.8;
        }
        x += 3;
      }
    }
    // Hairline rules between paragraphs and a frame: the strokes that vanish first.
    const t = options.hairline ?? 0.35;
    for (let y = m + 17; y < height - m; y += 54) this.hairlines.push([m, y, width - m, y + t]);
    this.hairlines.push([m / 2, m / 2, width - m / 2, m / 2 + t]);
    this.hairlines.push([m / 2, height - m / 2 - t, width - m / 2, height - m / 2]);
    this.hairlines.push([m / 2, m / 2, m / 2 + t, height - m / 2]);
    this.hairlines.push([width - m / 2 - t, m / 2, width - m / 2, height - m / 2]);
    this.index();
  }

  private index(): void {
    this.gw = Math.ceil(this.width / this.cell);
    this.gh = Math.ceil(this.height / this.cell);
    this.grid = Array.from({ length: this.gw * this.gh }, () => []);
    for (const r of [...this.rects, ...this.hairlines]) {
      const x0 = Math.max(0, Math.floor(r[0] / this.cell));
      const x1 = Math.min(this.gw - 1, Math.floor(r[2] / this.cell));
      const y0 = Math.max(0, Math.floor(r[1] / this.cell));
      const y1 = Math.min(this.gh - 1, Math.floor(r[3] / this.cell));
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) this.grid[y * this.gw + x].push(r);
    }
  }

  /** Reflectance at a page point; null outside the page. */
  value(x: number, y: number): number | null {
    if (x < 0 || y < 0 || x > this.width || y > this.height) return null;
    const gx = Math.min(this.gw - 1, Math.floor(x / this.cell));
    const gy = Math.min(this.gh - 1, Math.floor(y / this.cell));
    for (const r of this.grid[gy * this.gw + gx]) {
      if (x >= r[0] && x < r[2] && y >= r[1] && y < r[3]) return 0.08;
    }
    return 0.94;
  }

  /** Is (x, y) within `pad` units of any ink? */
  nearInk(x: number, y: number, pad: number): boolean {
    const gx0 = Math.max(0, Math.floor((x - pad) / this.cell));
    const gx1 = Math.min(this.gw - 1, Math.floor((x + pad) / this.cell));
    const gy0 = Math.max(0, Math.floor((y - pad) / this.cell));
    const gy1 = Math.min(this.gh - 1, Math.floor((y + pad) / this.cell));
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        for (const r of this.grid[gy * this.gw + gx]) {
          if (x >= r[0] - pad && x < r[2] + pad && y >= r[1] - pad && y < r[3] + pad) return true;
        }
      }
    }
    return false;
  }
}

/** Render the page straight on, w x h pixels, 4x4 supersampled, grey 0-255. */
export function renderPage(page: Page, w: number, h: number, ss = 4): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  const sx = page.width / w;
  const sy = page.height / h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = 0; j < ss; j++) {
        for (let i = 0; i < ss; i++) {
          acc += page.value((x + (i + 0.5) / ss) * sx, (y + (j + 0.5) / ss) * sy) ?? 0;
        }
      }
      const v = Math.round((acc / (ss * ss)) * 255);
      const o = (y * w + x) * 4;
      data[o] = v; data[o + 1] = v; data[o + 2] = v; data[o + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

/**
 * A pinhole camera looking at the page: page centred at the origin of its plane, rotated by
 * `pitch`, `yaw`, `roll` (radians), at `distance` along the optical axis, focal `f` pixels,
 * principal point at the image centre. Returns the page corners' image positions (TL, TR, BR, BL).
 */
export function photographQuad(
  pageW: number,
  pageH: number,
  cam: { f: number; imageW: number; imageH: number; pitch: number; yaw: number; roll: number; distance: number; shiftX?: number; shiftY?: number },
): Quad {
  const { f, imageW, imageH, pitch, yaw, roll, distance } = cam;
  const cx = Math.cos(pitch), sx = Math.sin(pitch);
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  const cz = Math.cos(roll), sz = Math.sin(roll);
  const project = (px: number, py: number): Point => {
    // Page plane point (px, py, 0), rotated Rz * Ry * Rx, then translated.
    let x = px, y = py, z = 0;
    [y, z] = [cx * y - sx * z, sx * y + cx * z];
    [x, z] = [cy * x + sy * z, -sy * x + cy * z];
    [x, y] = [cz * x - sz * y, sz * x + cz * y];
    x += cam.shiftX ?? 0;
    y += cam.shiftY ?? 0;
    z += distance;
    return [imageW / 2 + (f * x) / z, imageH / 2 + (f * y) / z];
  };
  const hw = pageW / 2, hh = pageH / 2;
  return [project(-hw, -hh), project(hw, -hh), project(hw, hh), project(-hw, hh)];
}

/**
 * Photograph the page: every photo pixel is the mean of ss x ss sub-samples mapped back onto the
 * page through the inverse of the page->photo homography; off the page, a textured "desk".
 * `light(x, y)` (page units) multiplies the reflectance, e.g. for a shadow.
 */
export function renderPhoto(
  page: Page,
  quad: Quad,
  w: number,
  h: number,
  options: { ss?: number; light?: (x: number, y: number) => [number, number, number] } = {},
): RgbaImage {
  const ss = options.ss ?? 3;
  const toPhoto = homographyFromQuads([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]], quad);
  const toPage = toPhoto && invertHomography(toPhoto);
  if (!toPage) throw new Error("bad test quad");
  const data = new Uint8Array(w * h * 4);
  const acc = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < ss; j++) {
        for (let i = 0; i < ss; i++) {
          const p = applyHomography(toPage, [x + (i + 0.5) / ss, y + (j + 0.5) / ss]);
          const v = page.value(p[0], p[1]);
          if (v === null) {
            // Desk: brown with slow stripes, distinct from paper.
            const s = 0.5 + 0.5 * Math.sin((x + 3 * y) / 23);
            acc[0] += 0.45 + 0.1 * s; acc[1] += 0.3 + 0.08 * s; acc[2] += 0.18 + 0.05 * s;
          } else {
            const l = options.light ? options.light(p[0], p[1]) : [1, 1, 1];
            acc[0] += v * l[0]; acc[1] += v * l[1]; acc[2] += v * l[2];
          }
        }
      }
      const o = (y * w + x) * 4;
      const n = ss * ss;
      data[o] = Math.round((acc[0] / n) * 255);
      data[o + 1] = Math.round((acc[1] / n) * 255);
      data[o + 2] = Math.round((acc[2] / n) * 255);
      data[o + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

export function toGrayPlane(img: RgbaImage): Float64Array {
  const n = img.width * img.height;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    g[i] = 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
  }
  return g;
}

/**
 * Mean SSIM (Wang et al. 2004) over non-overlapping 8x8 windows of two equally sized grey images,
 * constants for the 0-255 range. 1 = identical.
 */
export function ssim(a: RgbaImage, b: RgbaImage, win = 8): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error("size mismatch");
  const ga = toGrayPlane(a);
  const gb = toGrayPlane(b);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let count = 0;
  for (let y = 0; y + win <= a.height; y += win) {
    for (let x = 0; x + win <= a.width; x += win) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let j = 0; j < win; j++) {
        for (let i = 0; i < win; i++) {
          const k = (y + j) * a.width + x + i;
          const va = ga[k], vb = gb[k];
          sa += va; sb += vb; saa += va * va; sbb += vb * vb; sab += va * vb;
        }
      }
      const n = win * win;
      const ma = sa / n, mb = sb / n;
      const va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  }
  return total / count;
}

/** Mean absolute grey difference. */
export function meanAbsDiff(a: RgbaImage, b: RgbaImage): number {
  const ga = toGrayPlane(a);
  const gb = toGrayPlane(b);
  let s = 0;
  for (let i = 0; i < ga.length; i++) s += Math.abs(ga[i] - gb[i]);
  return s / ga.length;
}

export type { Homography };
