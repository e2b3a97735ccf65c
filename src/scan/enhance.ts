import type { RgbaImage } from "../types.ts";
import type { EnhanceMode } from "./options.ts";

/**
 * Page enhancement, in place on the flattened page.
 *
 * All modes but `none` start from the light on the paper at every point (the "background"): a
 * morphological closing (max then min filter, window wider than any text stroke) of a reduced copy
 * removes the ink and keeps the light falling on the paper, shadows included, with their edges in
 * place. `gray` and `bw` divide each channel by its own background, which removes shadows and
 * uneven light and white-balances in one step; `bw` then thresholds the levelled grey with
 * Sauvola's local rule. `color` estimates the light on luminance only and scales each pixel by one
 * gain, so printed colours keep their hue and saturation (see flattenLuminance).
 */

/** Low-resolution estimate of the paper's colour, one plane per channel. */
export interface Background {
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  width: number;
  height: number;
  /** Output pixels per map cell. */
  cell: number;
}

/** Van Herk / Gil-Werman running max or min over windows of 2r+1, O(1) per element. */
function runningExtreme(
  line: Float32Array,
  n: number,
  r: number,
  isMax: boolean,
  pad: Float32Array,
  fwd: Float32Array,
  bwd: Float32Array,
): void {
  const w = 2 * r + 1;
  const m = n + 2 * r;
  const neutral = isMax ? -Infinity : Infinity;
  for (let j = 0; j < m; j++) pad[j] = j < r || j >= r + n ? neutral : line[j - r];
  for (let j = 0; j < m; j++) {
    const p = pad[j];
    if (j % w === 0) fwd[j] = p;
    else {
      const q = fwd[j - 1];
      fwd[j] = isMax ? (p > q ? p : q) : (p < q ? p : q);
    }
  }
  for (let j = m - 1; j >= 0; j--) {
    const p = pad[j];
    if (j === m - 1 || j % w === w - 1) bwd[j] = p;
    else {
      const q = bwd[j + 1];
      bwd[j] = isMax ? (p > q ? p : q) : (p < q ? p : q);
    }
  }
  for (let i = 0; i < n; i++) {
    const a = bwd[i];
    const b = fwd[i + 2 * r];
    line[i] = isMax ? (a > b ? a : b) : (a < b ? a : b);
  }
}

/** Separable square max / min / box filter of a planar map, in place. */
export function filter2d(map: Float32Array, w: number, h: number, r: number, kind: "max" | "min" | "box"): void {
  if (r <= 0) return;
  const n = Math.max(w, h);
  const line = new Float32Array(n);
  const pad = new Float32Array(n + 2 * r);
  const fwd = new Float32Array(n + 2 * r);
  const bwd = new Float32Array(n + 2 * r);
  const apply = (len: number) => {
    if (kind === "box") {
      // Box mean with the window clipped at the borders.
      let s = 0;
      for (let i = 0; i < Math.min(r, len); i++) s += line[i];
      for (let i = 0; i < len; i++) {
        if (i + r < len) s += line[i + r];
        pad[i] = s / (Math.min(len - 1, i + r) - Math.max(0, i - r) + 1);
        if (i - r >= 0) s -= line[i - r];
      }
      for (let i = 0; i < len; i++) line[i] = pad[i];
    } else {
      runningExtreme(line, len, r, kind === "max", pad, fwd, bwd);
    }
  };
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) line[x] = map[o + x];
    apply(w);
    for (let x = 0; x < w; x++) map[o + x] = line[x];
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) line[y] = map[y * w + x];
    apply(h);
    for (let y = 0; y < h; y++) map[y * w + x] = line[y];
  }
}

/**
 * Estimate the paper colour. The reduced map is ~300 cells on its long side (mean of each cell,
 * which also averages away sensor noise); the closing window is 1/40 of the page's long side,
 * wider than the strokes of any heading, so ink is removed while a shadow's edge stays where it
 * is. One extra cell of erosion moves every edge of the light a cell towards the bright side, so a
 * bilinear lookup never blends lit paper into the shadowed side (which would leave a dark seam
 * there); the lit side near the edge gets a slightly dark background instead, which only clips to
 * white. Smoothing takes min(map, blurred map) for the same reason.
 */
export function estimateBackground(img: RgbaImage): Background {
  const cells = reduceToCells(img);
  for (const plane of [cells.r, cells.g, cells.b]) closePlane(plane, cells.width, cells.height, cells.radius);
  return { r: cells.r, g: cells.g, b: cells.b, width: cells.width, height: cells.height, cell: cells.cell };
}

/** Mean colour of each cell of the reduced map (~300 cells on the long side), and the closing radius in cells. */
function reduceToCells(img: RgbaImage): { r: Float32Array; g: Float32Array; b: Float32Array; width: number; height: number; cell: number; radius: number } {
  const { width, height, data } = img;
  const long = Math.max(width, height);
  const cell = Math.max(1, Math.round(long / 300));
  const bw = Math.ceil(width / cell);
  const bh = Math.ceil(height / cell);
  const r = new Float32Array(bw * bh);
  const g = new Float32Array(bw * bh);
  const b = new Float32Array(bw * bh);
  const count = new Float32Array(bw * bh);
  const cellOf = new Int32Array(width);
  for (let x = 0; x < width; x++) cellOf[x] = (x / cell) | 0;
  for (let y = 0; y < height; y++) {
    const row = ((y / cell) | 0) * bw;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const i = row + cellOf[x];
      r[i] += data[o];
      g[i] += data[o + 1];
      b[i] += data[o + 2];
      count[i] += 1;
    }
  }
  for (let i = 0; i < r.length; i++) {
    r[i] /= count[i];
    g[i] /= count[i];
    b[i] /= count[i];
  }
  return { r, g, b, width: bw, height: bh, cell, radius: Math.max(2, Math.round(long / 40 / cell)) };
}

/** The closing (max then min, one cell more of min) and min-smoothing of one reduced plane, in place. */
function closePlane(plane: Float32Array, bw: number, bh: number, radius: number): void {
  const smooth = Math.max(1, Math.round(radius / 4));
  // Filter on a copy padded by replicating the border: with windows merely clipped at the border,
  // a shadow edge that meets the border obliquely is filled by the closing (lit paper leaks into
  // the shadow there); replicated rows continue the edge straight, which closes correctly.
  const pad = 2 * radius + 2;
  const pw = bw + 2 * pad;
  const ph = bh + 2 * pad;
  const padded = new Float32Array(pw * ph);
  const blurred = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(bh - 1, Math.max(0, y - pad));
    for (let x = 0; x < pw; x++) {
      const sx = Math.min(bw - 1, Math.max(0, x - pad));
      padded[y * pw + x] = plane[sy * bw + sx];
    }
  }
  filter2d(padded, pw, ph, radius, "max");
  filter2d(padded, pw, ph, radius + 1, "min");
  blurred.set(padded);
  filter2d(blurred, pw, ph, smooth, "box");
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = (y + pad) * pw + x + pad;
      let v = blurred[i] < padded[i] ? blurred[i] : padded[i];
      // A black page region (or the fill outside a photo) must not divide by ~0.
      if (v < 24) v = 24;
      plane[y * bw + x] = v;
    }
  }
}

/** The light on the page as one luminance plane, and the paper's colour under it. */
export interface LumaBackground {
  /** Luma of the paper at each cell (the closing of the cells' luma). */
  l: Float32Array;
  width: number;
  height: number;
  cell: number;
  /**
   * Per-channel gains that make the brightest paper neutral (white balance), or [1, 1, 1] when
   * that "paper" is too coloured to be paper under tinted light (a cover, a photo filling the page).
   */
  balance: [number, number, number];
}

/**
 * Channel / luma ratios further than this from 1 are a coloured surface, not paper under tinted
 * light. Paper under a warm lamp measures about 1.07 / 0.84 (red / blue); an orange flyer filling
 * the page 1.16 / 0.77, and must keep its colour.
 */
const MAX_PAPER_TINT = 0.2;

/**
 * Estimate the light from luminance alone, so that colour never looks like light: the closing runs
 * on the cells' luma. The white balance is one global gain per channel, from the cells that are
 * paper (luma at the background's, where the background is among the page's brightest).
 */
export function estimateLumaBackground(img: RgbaImage): LumaBackground {
  const cells = reduceToCells(img);
  const n = cells.r.length;
  const cellLuma = new Float32Array(n);
  for (let i = 0; i < n; i++) cellLuma[i] = luma(cells.r[i], cells.g[i], cells.b[i]);
  const l = new Float32Array(cellLuma);
  closePlane(l, cells.width, cells.height, cells.radius);
  const bright = percentile(l, 0.95) * 0.8;
  let sr = 0, sg = 0, sb = 0, sl = 0;
  for (let i = 0; i < n; i++) {
    if (l[i] < bright || cellLuma[i] < 0.95 * l[i]) continue;
    sr += cells.r[i]; sg += cells.g[i]; sb += cells.b[i]; sl += cellLuma[i];
  }
  let balance: [number, number, number] = [1, 1, 1];
  if (sl > 0) {
    const tint = [sr / sl, sg / sl, sb / sl];
    if (tint.every((t) => Math.abs(t - 1) <= MAX_PAPER_TINT)) balance = [1 / tint[0], 1 / tint[1], 1 / tint[2]];
  }
  return { l, width: cells.width, height: cells.height, cell: cells.cell, balance };
}

function percentile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Bilinear lookup tables from output columns to background cells. */
function cellColumns(width: number, cell: number, bw: number): { x0s: Int32Array; x1s: Int32Array; txs: Float32Array } {
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const txs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) / cell - 0.5, 0), bw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, bw - 1);
    txs[x] = fx - x0;
  }
  return { x0s, x1s, txs };
}

/**
 * Scale each pixel by one gain (all channels alike), so hue and saturation stay as printed; a
 * pixel the gain would push past white is scaled back as a whole, never clipped channel by channel
 * (which would bleach it).
 */
function scalePixel(data: Uint8Array | Uint8ClampedArray, o: number, r: number, g: number, b: number, gain: number): void {
  let vr = r * gain, vg = g * gain, vb = b * gain;
  const max = vr > vg ? (vr > vb ? vr : vb) : vg > vb ? vg : vb;
  if (max > 255) {
    const k = 255 / max;
    vr *= k; vg *= k; vb *= k;
  }
  data[o] = (vr + 0.5) | 0;
  data[o + 1] = (vg + 0.5) | 0;
  data[o + 2] = (vb + 0.5) | 0;
}

/**
 * The colour mode's flattening: white-balance by the global paper tint, then one gain per pixel,
 * 255 / the paper's luma there, so paper goes white through shadows and printed colours keep
 * their hue and saturation.
 */
export function flattenLuminance(img: RgbaImage, bg: LumaBackground): void {
  const { width, height, data } = img;
  const { x0s, x1s, txs } = cellColumns(width, bg.cell, bg.width);
  const [kr, kg, kb] = bg.balance;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) / bg.cell - 0.5, 0), bg.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, bg.height - 1);
    const ty = fy - y0;
    const r0 = y0 * bg.width;
    const r1 = y1 * bg.width;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const tx = txs[x];
      const top = bg.l[r0 + x0s[x]] * (1 - tx) + bg.l[r0 + x1s[x]] * tx;
      const bottom = bg.l[r1 + x0s[x]] * (1 - tx) + bg.l[r1 + x1s[x]] * tx;
      scalePixel(data, o, data[o] * kr, data[o + 1] * kg, data[o + 2] * kb, 255 / (top * (1 - ty) + bottom * ty));
    }
  }
}

/** Levels as one gain per pixel from a luma curve (see `levels`): colours keep hue and saturation. */
function levelsLuma(img: RgbaImage, white = 235): void {
  const { data } = img;
  const lut = levelsCurve(img, white);
  const n = img.width * img.height * 4;
  for (let o = 0; o < n; o += 4) {
    const r = data[o], g = data[o + 1], b = data[o + 2];
    const l = luma(r, g, b);
    if (l < 0.5) continue;
    scalePixel(data, o, r, g, b, lut[(l + 0.5) | 0] / l);
  }
}

/**
 * Divide each pixel by the background (bilinearly upsampled), writing the result in place:
 * paper becomes white, ink keeps its contrast relative to the paper around it.
 */
export function flattenIllumination(img: RgbaImage, bg: Background): void {
  const { width, height, data } = img;
  const { cell } = bg;
  const bw = bg.width;
  const bh = bg.height;
  const { x0s, x1s, txs } = cellColumns(width, cell, bw);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) / cell - 0.5, 0), bh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, bh - 1);
    const ty = fy - y0;
    const r0 = y0 * bw;
    const r1 = y1 * bw;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const a = r0 + x0s[x], b = r0 + x1s[x], c = r1 + x0s[x], d = r1 + x1s[x];
      const tx = txs[x];
      const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
      const br = bg.r[a] * w00 + bg.r[b] * w10 + bg.r[c] * w01 + bg.r[d] * w11;
      const bgg = bg.g[a] * w00 + bg.g[b] * w10 + bg.g[c] * w01 + bg.g[d] * w11;
      const bb = bg.b[a] * w00 + bg.b[b] * w10 + bg.b[c] * w01 + bg.b[d] * w11;
      const vr = (data[o] * 255) / br;
      const vg = (data[o + 1] * 255) / bgg;
      const vb = (data[o + 2] * 255) / bb;
      data[o] = vr >= 255 ? 255 : (vr + 0.5) | 0;
      data[o + 1] = vg >= 255 ? 255 : (vg + 0.5) | 0;
      data[o + 2] = vb >= 255 ? 255 : (vb + 0.5) | 0;
    }
  }
}

/** Rec. 601 luma in [0, 255]. */
function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * Levels after flattening: paper texture above `white` goes to pure white, and the darkest ink
 * (0.5th percentile of luma, but never above 96 so a page without dark ink is not crushed) to black.
 */
function levels(img: RgbaImage, white = 235): void {
  const { data } = img;
  const lut = levelsCurve(img, white);
  const n = img.width * img.height;
  for (let o = 0; o < n * 4; o += 4) {
    data[o] = lut[data[o]];
    data[o + 1] = lut[data[o + 1]];
    data[o + 2] = lut[data[o + 2]];
  }
}

/** The levels curve of `levels`, from the image's luma histogram. */
function levelsCurve(img: RgbaImage, white: number): Uint8Array {
  const { data } = img;
  const hist = new Uint32Array(256);
  const n = img.width * img.height;
  for (let o = 0; o < n * 4; o += 4) hist[(luma(data[o], data[o + 1], data[o + 2]) + 0.5) | 0]++;
  let acc = 0;
  let black = 0;
  const target = n * 0.005;
  while (black < 255 && acc + hist[black] <= target) acc += hist[black++];
  black = Math.min(black, 96);
  const lut = new Uint8Array(256);
  const span = Math.max(1, white - black);
  for (let v = 0; v < 256; v++) {
    const t = (v - black) / span;
    lut[v] = t <= 0 ? 0 : t >= 1 ? 255 : Math.round(255 * t);
  }
  return lut;
}

function toGray(img: RgbaImage): void {
  const { data } = img;
  const n = img.width * img.height * 4;
  for (let o = 0; o < n; o += 4) {
    const v = (luma(data[o], data[o + 1], data[o + 2]) + 0.5) | 0;
    data[o] = v; data[o + 1] = v; data[o + 2] = v;
  }
}

export interface SauvolaOptions {
  /** Window side in pixels (odd). Default: 1/50 of the page's short side, at least 15. */
  window?: number;
  /** Sensitivity k. Default 0.15 (the page is already flattened, so lower than the usual 0.2-0.5). */
  k?: number;
  /** Dynamic range of the standard deviation. Default 128. */
  R?: number;
}

/**
 * Sauvola binarisation, T = m (1 + k (s / R - 1)) over a square window, with the mean and standard
 * deviation from running box sums (the integral image computed one row at a time), so memory is
 * O(width) besides the grey plane. Writes 0 / 255 into the RGBA image.
 */
export function sauvola(img: RgbaImage, options: SauvolaOptions = {}): void {
  const { width, height, data } = img;
  let win = options.window ?? Math.max(15, Math.round(Math.min(width, height) / 50));
  if (win % 2 === 0) win += 1;
  const rad = (win - 1) >> 1;
  const k = options.k ?? 0.15;
  const R = options.R ?? 128;
  const gray = new Uint8Array(width * height);
  for (let i = 0, o = 0; i < gray.length; i++, o += 4) gray[i] = data[o];
  const colSum = new Float64Array(width);
  const colSq = new Float64Array(width);
  // Prime the vertical window for row 0: rows [0, rad].
  for (let y = 0; y <= Math.min(rad, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = gray[row + x];
      colSum[x] += v;
      colSq[x] += v * v;
    }
  }
  for (let y = 0; y < height; y++) {
    if (y > 0) {
      const add = y + rad;
      const drop = y - rad - 1;
      if (add < height) {
        const row = add * width;
        for (let x = 0; x < width; x++) {
          const v = gray[row + x];
          colSum[x] += v;
          colSq[x] += v * v;
        }
      }
      if (drop >= 0) {
        const row = drop * width;
        for (let x = 0; x < width; x++) {
          const v = gray[row + x];
          colSum[x] -= v;
          colSq[x] -= v * v;
        }
      }
    }
    const rows = Math.min(height - 1, y + rad) - Math.max(0, y - rad) + 1;
    let s = 0, sq = 0;
    for (let x = 0; x < Math.min(rad, width); x++) {
      s += colSum[x];
      sq += colSq[x];
    }
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (x + rad < width) {
        s += colSum[x + rad];
        sq += colSq[x + rad];
      }
      const cols = Math.min(width - 1, x + rad) - Math.max(0, x - rad) + 1;
      const cnt = rows * cols;
      const mean = s / cnt;
      const variance = sq / cnt - mean * mean;
      const sd = variance > 0 ? Math.sqrt(variance) : 0;
      const t = mean * (1 + k * (sd / R - 1));
      const v = gray[row + x] <= t ? 0 : 255;
      const o = (row + x) * 4;
      data[o] = v; data[o + 1] = v; data[o + 2] = v;
      if (x - rad >= 0) {
        s -= colSum[x - rad];
        sq -= colSq[x - rad];
      }
    }
  }
}

/** Apply an enhancement mode in place. */
export function enhance(img: RgbaImage, mode: EnhanceMode): void {
  if (mode === "none") return;
  if (mode === "color") {
    // Light from luminance, one gain per pixel: a green cover stays green (dividing each channel
    // by its own background took large colour areas for tinted paper and bleached them).
    flattenLuminance(img, estimateLumaBackground(img));
    levelsLuma(img);
    return;
  }
  flattenIllumination(img, estimateBackground(img));
  toGray(img);
  // Levels before thresholding too: Sauvola's rule is not contrast-invariant (s is compared to a
  // fixed R), and stretching faint, blurred strokes (low-resolution photos) keeps them.
  levels(img);
  if (mode === "gray") return;
  sauvola(img);
}
