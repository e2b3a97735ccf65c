import { encodeJpeg } from "../image/codecs.ts";
import type { FloatMap, Quad, RgbaImage } from "../types.ts";
import { blendEdgeMap, cloneImage, drawQuad } from "../image/draw.ts";
import { writeOutput } from "./io.ts";

/** The picture `detect --overlay` writes: the photo, the edge map tinted on (optional), the quad. */
export function overlayImage(image: RgbaImage, result: { found: boolean; quad: Quad | null }, edgeMap?: FloatMap): RgbaImage {
  const canvas = cloneImage(image);
  if (edgeMap) blendEdgeMap(canvas, edgeMap);
  if (result.found && result.quad) drawQuad(canvas, result.quad);
  return canvas;
}

export async function renderOverlay(
  image: RgbaImage,
  result: { found: boolean; quad: Quad | null },
  outPath: string,
  edgeMap?: FloatMap,
): Promise<void> {
  const bytes = await encodeJpeg(overlayImage(image, result, edgeMap), { quality: 85 });
  await writeOutput(outPath, bytes);
}
