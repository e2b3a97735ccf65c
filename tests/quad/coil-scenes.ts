// Drawn photos of a page beside things: a spiral coil, a shadow and a seam, a keyboard, tiles,
// ruled lines. Each scene is a function from a point in the page's own frame (u across the page
// toward its right side, v down it) to luma; the page is turned and placed in the image.
import type { Point, Quad, RgbaImage } from "../../src/types.ts";
import { applyHomography, homographyFromQuads, invertHomography } from "../../src/geometry/homography.ts";
import { mulberry32 } from "../support/prng.ts";

/** The page's size in its own frame (pixels) and where it lies in the image. */
export const PAGE = { w: 300, h: 400, x: 70, y: 60, turn: 0.05 } as const;
export const IMAGE = { w: 520, h: 540 } as const;

export type Paint = (u: number, v: number) => number;

/** The page's frame to the image's: turned by PAGE.turn about its top-left, moved to (x, y). */
export function toImage(u: number, v: number): Point {
  const c = Math.cos(PAGE.turn), s = Math.sin(PAGE.turn);
  return [PAGE.x + c * u - s * v, PAGE.y + s * u + c * v];
}

function toPage(x: number, y: number): Point {
  const c = Math.cos(PAGE.turn), s = Math.sin(PAGE.turn);
  const dx = x - PAGE.x, dy = y - PAGE.y;
  return [c * dx + s * dy, -s * dx + c * dy];
}

/** The page's outline with its right side at u = right (where the edge map would mark it). */
export function pageQuad(right: number = PAGE.w): Quad {
  return [toImage(0, 0), toImage(right, 0), toImage(right, PAGE.h), toImage(0, PAGE.h)];
}

/**
 * Render a scene with 2 x 2 samples per pixel and a little sensor noise (seeded), at `scale`
 * pixels per page-frame unit, into an image of the given size (by default IMAGE's, scaled).
 */
export function render(paint: Paint, seed = 1, scale = 1, w: number = Math.round(IMAGE.w * scale), h: number = Math.round(IMAGE.h * scale)): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  const r = mulberry32(seed);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
        const [u, v] = toPage((x + ox) / scale, (y + oy) / scale);
        sum += paint(u, v);
      }
      const l = sum / 4 + (r() - 0.5) * 6;
      const i = (y * w + x) * 4;
      data[i] = l;
      data[i + 1] = l;
      data[i + 2] = l;
      data[i + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

/**
 * The page seen at a slant: its frame's rectangle from u = 0 to PAGE.w + 60 (the page and what lies
 * beside its right side) onto a trapezoid whose far (bottom) edge is 0.6 of its near one, so that
 * rings evenly spaced down the right side are 1.7 times closer at its far end than at its near one.
 */
export const SLANT = homographyFromQuads(
  [[0, 0], [PAGE.w + 60, 0], [PAGE.w + 60, PAGE.h], [0, PAGE.h]],
  [[40, 40], [480, 40], [390, 500], [130, 500]],
) as Float64Array;

/** A point of the page's frame in the slanted image. */
export function toSlanted(u: number, v: number): Point {
  return applyHomography(SLANT, [u, v]);
}

/** The page's outline in the slanted image, its right side at u = right. */
export function slantedQuad(right: number = PAGE.w): Quad {
  return [toSlanted(0, 0), toSlanted(right, 0), toSlanted(right, PAGE.h), toSlanted(0, PAGE.h)];
}

/** Render a scene seen at a slant (SLANT), 2 x 2 samples per pixel, without noise. */
export function renderSlanted(paint: Paint): RgbaImage {
  const { w, h } = IMAGE;
  const back = invertHomography(SLANT) as Float64Array;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) sum += paint(...applyHomography(back, [x + ox, y + oy]));
      const i = (y * w + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = sum / 4;
      data[i + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

/** A desk with a soft large-scale mottle (no period), and the page on it from u = 0 to right. */
export function pageOnDesk(right: number = PAGE.w): Paint {
  return (u, v) => {
    if (u >= 0 && u <= right && v >= 0 && v <= PAGE.h) return 232;
    return 95 + 12 * Math.sin(u * 0.013 + 1) * Math.sin(v * 0.011 + 2);
  };
}

/** The coil's geometry: loops at `pitch` down the right side, holes just outside the paper's seen edge, the ring line at `ring`. */
export interface CoilDrawing {
  pitch: number;
  /** The paper's seen edge (the map's line): holes start just outside it. */
  edge: number;
  /** The ring line (the loops' middle, where the page is labelled). */
  ring: number;
  /** The loops' half width across the side (the band runs ring - reach .. ring + reach). */
  reach: number;
}

export const COIL_DRAWING: CoilDrawing = { pitch: 13, edge: PAGE.w, ring: PAGE.w + 11, reach: 11 };

/**
 * A spiral-bound page: paper out to the ring line, then the desk; a dark punched hole and a
 * dark wire loop (an ellipse across the side) every pitch, the band from the seen edge to
 * ring + reach.
 */
export function spiralPage(c: CoilDrawing = COIL_DRAWING): Paint {
  const desk = pageOnDesk(c.ring);
  return (u, v) => {
    const base = desk(u, v);
    if (v < c.pitch * 0.5 || v > PAGE.h - c.pitch * 0.5) return base;
    const k = Math.round(v / c.pitch), dv = v - k * c.pitch;
    // The hole: a disc just outside the seen edge.
    if (Math.hypot(u - (c.edge + 3), dv) < 2.6) return 35;
    // The loop: an ellipse's outline, 2.4 px thick, centred on the ring line.
    const e = Math.hypot((u - c.ring) / c.reach, dv / (c.pitch * 0.28));
    if (Math.abs(e - 1) * Math.min(c.reach, c.pitch * 0.28) < 1.2 && u > c.edge) return 45;
    return base;
  };
}

/** A page with a soft shadow along its right side and a darker seam (a folder's edge) beyond it. */
export function shadowAndSeam(): Paint {
  const desk = pageOnDesk();
  return (u, v) => {
    let l = desk(u, v);
    if (u > PAGE.w && v > -10 && v < PAGE.h + 10) {
      l -= 40 * Math.exp(-(u - PAGE.w) / 8);
      if (Math.abs(u - PAGE.w - 22) < 1.5) l -= 50;
    }
    return l;
  };
}

/** Keys of a keyboard beside the page's right side: rounded squares at a coarse pitch, many rows of them. */
export function keyboard(pitch = 34): Paint {
  const desk = pageOnDesk();
  return (u, v) => {
    const l = desk(u, v);
    if (u < PAGE.w + 6 || u > PAGE.w + 6 + 4 * pitch || v < -20 || v > PAGE.h + 20) return l;
    const a = ((u - PAGE.w - 6) % pitch) - pitch / 2, b = (((v + 20) % pitch) + pitch) % pitch - pitch / 2;
    return Math.max(Math.abs(a), Math.abs(b)) < pitch * 0.38 ? 60 : 150;
  };
}

/** Tiles at a coil's own pitch running far from the page (a tablecloth, a floor). */
export function tiles(pitch = 13): Paint {
  const desk = pageOnDesk();
  return (u, v) => {
    if (u <= PAGE.w && u >= 0 && v >= 0 && v <= PAGE.h) return desk(u, v);
    const a = Math.floor(u / pitch) + Math.floor(v / pitch);
    return a % 2 === 0 ? 70 : 160;
  };
}

/** Lines parallel to the page's right side beside it (a ruled pad under the page, a radiator). */
export function parallelLines(spacing = 6): Paint {
  const desk = pageOnDesk();
  return (u, v) => {
    const l = desk(u, v);
    if (u > PAGE.w + 2 && u < PAGE.w + 80 && ((u - PAGE.w) % spacing) < 1.5) return 40;
    return l;
  };
}

/** A ruled page with no coil: its lines meet the right side at a coil's pitch. */
export function ruledPage(spacing = 13): Paint {
  const desk = pageOnDesk();
  return (u, v) => {
    const l = desk(u, v);
    if (u >= 0 && u <= PAGE.w && v > 20 && v < PAGE.h - 10 && (v % spacing) < 1.4) return 150;
    return l;
  };
}

/**
 * A spiral-bound page ruled with faint lines (a pale blue ruling, 30 levels under the paper) that
 * run out to its seen edge at the coil's own pitch, each between two holes.
 */
export function ruledSpiralPage(c: CoilDrawing = COIL_DRAWING): Paint {
  const spiral = spiralPage(c);
  return (u, v) => {
    if (u >= 0 && u <= c.edge && v > 20 && v < PAGE.h - 10 && ((v + c.pitch / 2) % c.pitch) < 1.4) return 202;
    return spiral(u, v);
  };
}
