// Drawing on RGBA images (polygons, dots, a tinted edge map): used by the CLI's overlays and by eval's,
// so it lives below both.
import type { FloatMap, Point, Quad, RgbaImage } from "../types.ts";

/** An sRGB colour with opacity in [0, 1]. */
export interface Color {
  r: number;
  g: number;
  b: number;
  a: number;
}

export const QUAD_COLOR: Color = { r: 0, g: 230, b: 90, a: 1 };
export const TOP_LEFT_COLOR: Color = { r: 255, g: 210, b: 0, a: 1 };
export const CORNER_COLOR: Color = { r: 0, g: 230, b: 90, a: 1 };
export const EDGE_COLOR: Color = { r: 255, g: 0, b: 200, a: 0.7 };

/** A fresh copy, so drawing never touches pixels the caller still uses. */
export function cloneImage(img: RgbaImage): RgbaImage {
  return { data: new Uint8ClampedArray(img.data), width: img.width, height: img.height };
}

function blendPixel(data: RgbaImage["data"], idx: number, c: Color, coverage: number): void {
  const a = c.a * coverage;
  if (a <= 0) return;
  const inv = 1 - a;
  // Uint8Array would wrap on overflow; every value here stays in [0, 255], and rounding keeps it so.
  data[idx] = Math.round(data[idx] * inv + c.r * a);
  data[idx + 1] = Math.round(data[idx + 1] * inv + c.g * a);
  data[idx + 2] = Math.round(data[idx + 2] * inv + c.b * a);
  data[idx + 3] = Math.max(data[idx + 3], Math.round(255 * a));
}

/** Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
export function distanceToSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const cx = x0 + t * dx - px;
  const cy = y0 + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

/**
 * Draws an anti-aliased line of the given width with round caps. Coordinates are continuous pixel
 * coordinates (pixel (i, j) covers [i, i+1) x [j, j+1)), the same convention as the detector's quad,
 * so a corner at (0, 0) sits on the image's outer corner. Parts outside the image are clipped.
 */
export function drawLine(img: RgbaImage, from: Point, to: Point, width: number, color: Color): void {
  const hw = width / 2;
  const [x0, y0] = from;
  const [x1, y1] = to;
  if (![x0, y0, x1, y1].every(Number.isFinite)) return;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - hw - 1));
  const maxX = Math.min(img.width - 1, Math.ceil(Math.max(x0, x1) + hw + 1));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - hw - 1));
  const maxY = Math.min(img.height - 1, Math.ceil(Math.max(y0, y1) + hw + 1));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  for (let y = minY; y <= maxY; y++) {
    const py = y + 0.5;
    // Only the pixels within reach of the infinite line are tested, which keeps long diagonal
    // lines O(length x width) rather than O(bounding box).
    let xa = minX;
    let xb = maxX;
    if (len > 0 && Math.abs(dy) > 1e-9) {
      const xAtY = x0 + ((py - y0) * dx) / dy;
      const reach = ((hw + 1) * len) / Math.abs(dy);
      xa = Math.max(minX, Math.floor(xAtY - reach));
      xb = Math.min(maxX, Math.ceil(xAtY + reach));
    }
    for (let x = xa; x <= xb; x++) {
      const d = distanceToSegment(x + 0.5, py, x0, y0, x1, y1);
      const coverage = Math.min(1, Math.max(0, hw + 0.5 - d));
      if (coverage > 0) blendPixel(img.data, (y * img.width + x) * 4, color, coverage);
    }
  }
}

/** A filled, anti-aliased disc. */
export function fillCircle(img: RgbaImage, center: Point, radius: number, color: Color): void {
  const [cx, cy] = center;
  if (!Number.isFinite(cx) || !Number.isFinite(cy)) return;
  const minX = Math.max(0, Math.floor(cx - radius - 1));
  const maxX = Math.min(img.width - 1, Math.ceil(cx + radius + 1));
  const minY = Math.max(0, Math.floor(cy - radius - 1));
  const maxY = Math.min(img.height - 1, Math.ceil(cy + radius + 1));
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const coverage = Math.min(1, Math.max(0, radius + 0.5 - d));
      if (coverage > 0) blendPixel(img.data, (y * img.width + x) * 4, color, coverage);
    }
  }
}

/** A closed polygon outline. */
export function drawPolygon(img: RgbaImage, points: readonly Point[], width: number, color: Color): void {
  for (let i = 0; i < points.length; i++) {
    drawLine(img, points[i], points[(i + 1) % points.length], width, color);
  }
}

/**
 * Tints the image where the edge map is high. The map covers the whole image however its size
 * differs (the model sees the photo stretched to its input size), so it is sampled bilinearly in
 * relative coordinates.
 */
export function blendEdgeMap(img: RgbaImage, map: FloatMap, color: Color = EDGE_COLOR): void {
  const { width: W, height: H } = img;
  const mw = map.width;
  const mh = map.height;
  const sx = mw / W;
  const sy = mh / H;
  for (let y = 0; y < H; y++) {
    const my = Math.min(mh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(my);
    const y1 = Math.min(mh - 1, y0 + 1);
    const fy = my - y0;
    for (let x = 0; x < W; x++) {
      const mx = Math.min(mw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(mx);
      const x1 = Math.min(mw - 1, x0 + 1);
      const fx = mx - x0;
      const top = map.data[y0 * mw + x0] * (1 - fx) + map.data[y0 * mw + x1] * fx;
      const bottom = map.data[y1 * mw + x0] * (1 - fx) + map.data[y1 * mw + x1] * fx;
      const p = top * (1 - fy) + bottom * fy;
      if (p > 0.02) blendPixel(img.data, (y * W + x) * 4, color, Math.min(1, p));
    }
  }
}

/** Line width that stays visible on a phone photo and unobtrusive on a thumbnail. */
export function overlayLineWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) / 250));
}

/**
 * Draws a found quad: its outline, a dot on each corner, the top-left corner in its own colour so
 * the corner order can be checked at a glance.
 */
export function drawQuad(img: RgbaImage, quad: Quad, lineWidth = overlayLineWidth(img.width, img.height)): void {
  drawPolygon(img, quad, lineWidth, QUAD_COLOR);
  quad.forEach((p, i) => fillCircle(img, p, lineWidth * 2.5, i === 0 ? TOP_LEFT_COLOR : CORNER_COLOR));
}
