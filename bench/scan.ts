/**
 * Scan benchmark on a 12 MP (4000 x 3000) photo of a page under strong perspective:
 * warp (area-filtered vs one bilinear tap, as a ratio), each enhancement mode, each encoder,
 * and the whole scanImage; plus peak memory in copies of the source image.
 *
 *   node --expose-gc --import tsx bench/scan.ts [--runs 3] [--maxSize 3508]
 */
import { applyHomography, homographyFromQuads, invertHomography } from "../src/geometry/homography.ts";
import { estimateAspect, pageSize } from "../src/scan/aspect.ts";
import { encodePage } from "../src/scan/encode.ts";
import { enhance } from "../src/scan/enhance.ts";
import type { EnhanceMode, ScanFormat } from "../src/scan/options.ts";
import { scanImage } from "../src/scan/scan.ts";
import { warpPerspective } from "../src/scan/warp.ts";
import type { Quad, RgbaImage } from "../src/types.ts";
import { photographQuad } from "../tests/scan/synthetic.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg("runs", 3);
const MAX_SIZE = arg("maxSize", 3508);
const W = 4000, H = 3000;
// An A4 page photographed by a 28 mm-equivalent phone camera, tilted 35 and 15 degrees.
const QUAD: Quad = photographQuad(210, 297, {
  f: Math.hypot(W, H) * (26 / 43.27), imageW: W, imageH: H,
  pitch: (35 * Math.PI) / 180, yaw: (15 * Math.PI) / 180, roll: (4 * Math.PI) / 180, distance: 380,
});

/** A page (text-like strokes, rules) on a desk, drawn through the quad's homography. */
function makePhoto(): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  const toPage = invertHomography(homographyFromQuads([[0, 0], [2100, 0], [2100, 2970], [0, 2970]], QUAD)!)!;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const [u, v] = applyHomography(toPage, [x + 0.5, y + 0.5]);
      let r: number, g: number, b: number;
      if (u >= 0 && v >= 0 && u < 2100 && v < 2970) {
        const line = Math.floor(v / 40);
        const ink = v % 40 > 22 && v % 40 < 34 && ((u * 0.37 + line * 13) % 9 < 1.6 || (u + line * 7) % 53 < 2);
        const shade = u + 0.8 * v > 2600 ? 0.55 : 1; // a hard shadow across one corner
        const p = ink ? 30 : 235;
        r = p * shade; g = p * shade * 0.96; b = p * shade * 0.85;
      } else {
        const s = 0.5 + 0.5 * Math.sin((x + 3 * y) / 23);
        r = 110 + 30 * s; g = 75 + 20 * s; b = 45 + 12 * s;
      }
      data[o] = r; data[o + 1] = g; data[o + 2] = b; data[o + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}

async function time(label: string, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const ts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  const med = ts[Math.floor(ts.length / 2)];
  console.log(`${label.padEnd(34)} median ${med.toFixed(0).padStart(6)} ms   (min ${ts[0].toFixed(0)}, max ${ts[ts.length - 1].toFixed(0)})`);
  return ts;
}
const median = (ts: number[]) => ts[Math.floor(ts.length / 2)];

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);

const photo = makePhoto();
const srcBytes = photo.data.byteLength;
const aspect = estimateAspect(QUAD, W, H);
const size = pageSize(QUAD, aspect.ratio, MAX_SIZE);
console.log(`photo ${W}x${H} (${(srcBytes / 2 ** 20).toFixed(0)} MiB RGBA), page ${size.width}x${size.height}, ` +
  `aspect ${aspect.ratio.toFixed(4)} (${aspect.focalSource}${aspect.snappedTo ? `, snapped to ${aspect.snappedTo}` : ""}), runs ${RUNS}`);

await time(`warp ${size.width}x${size.height} (area filter)`, () => warpPerspective(photo, QUAD, size.width, size.height));
const small = pageSize(QUAD, aspect.ratio, 1000);
const smallArea = await time(`warp ${small.width}x${small.height} (area filter)`, () => warpPerspective(photo, QUAD, small.width, small.height));
const smallBilinear = await time(`warp ${small.width}x${small.height} (one bilinear tap)`, () =>
  warpPerspective(photo, QUAD, small.width, small.height, { areaFilter: false }));
console.log(`  area filter / bilinear at 1000 px: ${(median(smallArea) / median(smallBilinear)).toFixed(2)}x`);

const page = warpPerspective(photo, QUAD, size.width, size.height);
for (const mode of ["color", "gray", "bw"] as EnhanceMode[]) {
  await time(`enhance ${mode}`, () => enhance({ data: new Uint8Array(page.data), width: page.width, height: page.height }, mode));
}
for (const format of ["jpeg", "png", "webp"] as ScanFormat[]) {
  let bytes = 0;
  await time(`encode ${format}`, async () => { bytes = (await encodePage(page, format, 85)).length; });
  console.log(`  ${format}: ${(bytes / 1024).toFixed(0)} KiB`);
}
// Drop the garbage of the stages above so the peak below is scanImage's own.
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage().rss;
peak = rssBefore;
for (const mode of ["none", "bw"] as EnhanceMode[]) {
  await time(`scanImage (enhance ${mode}, jpeg)`, () => scanImage(photo, QUAD, { enhance: mode, maxSize: MAX_SIZE }));
}
clearInterval(sampler);
console.log(`peak RSS during scanImage: +${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB over the loaded photo ` +
  `= ${((peak - rssBefore) / srcBytes).toFixed(2)} copies of the ${(srcBytes / 2 ** 20).toFixed(0)} MiB source ` +
  `(output page ${(size.width * size.height * 4 / 2 ** 20).toFixed(0)} MiB)`);
