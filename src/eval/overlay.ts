import type { FloatMap, Quad, RgbaImage } from "../types.ts";
import { blendEdgeMap, cloneImage, drawPolygon, fillCircle, overlayLineWidth, type Color } from "../image/draw.ts";

const TRUTH: Color = { r: 0, g: 220, b: 80, a: 0.9 };
const DOCEDGE: Color = { r: 255, g: 40, b: 40, a: 0.95 };
const BASELINE: Color = { r: 40, g: 140, b: 255, a: 0.85 };
const EDGES: Color = { r: 255, g: 230, b: 0, a: 0.75 };

/**
 * One photo with the network's edge map tinted yellow, the true quad in green, docedge's in red
 * (a dot on its top-left corner) and the baseline's in blue.
 */
export function evalOverlay(image: RgbaImage, truth: Quad | null, found: Quad | null, baseline: Quad | null, edgeMap?: FloatMap): RgbaImage {
  const out = cloneImage(image);
  if (edgeMap) blendEdgeMap(out, edgeMap, EDGES);
  const w = overlayLineWidth(out.width, out.height);
  if (baseline) drawPolygon(out, baseline, w, BASELINE);
  if (truth) drawPolygon(out, truth, w * 1.5, TRUTH);
  if (found) {
    drawPolygon(out, found, w, DOCEDGE);
    fillCircle(out, found[0], w * 2.5, DOCEDGE);
  }
  return out;
}
