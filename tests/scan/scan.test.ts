import { test } from "node:test";
import assert from "node:assert/strict";
import { DocedgeError, InvalidInputError, InvalidQuadError } from "../../src/errors.ts";
import { decodeJpeg, decodePng, decodeWebp } from "../../src/image/codecs.ts";
import { scanOptionsSchema } from "../../src/scan/options-schema.ts";
import { rectifyImage, scanImage } from "../../src/scan/scan.ts";
import type { Quad } from "../../src/types.ts";
import { meanAbsDiff, Page, photographQuad, renderPhoto } from "./synthetic.ts";

const page = new Page(198, 300, 3);
const W = 640, H = 480;
const quad = photographQuad(198, 300, {
  f: 600, imageW: W, imageH: H, pitch: (30 * Math.PI) / 180, yaw: (15 * Math.PI) / 180, roll: (5 * Math.PI) / 180, distance: 480,
});
const photo = renderPhoto(page, quad, W, H, { ss: 2 });

test("scanImage encodes JPEG by default, and PNG / WebP on request, each decodable at the stated size", async () => {
  const jpeg = await scanImage(photo, quad);
  assert.equal(jpeg.format, "jpeg");
  assert.deepEqual([...jpeg.image.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  const dj = await decodeJpeg(jpeg.image);
  assert.deepEqual([dj.width, dj.height], [jpeg.width, jpeg.height]);

  const png = await scanImage(photo, quad, { format: "png" });
  const dp = await decodePng(png.image);
  assert.deepEqual([dp.width, dp.height], [png.width, png.height]);
  const raw = await rectifyImage(photo, quad);
  assert.equal(meanAbsDiff(dp, raw.image), 0, "PNG is lossless");
  const jpegErr = meanAbsDiff(dj, raw.image);
  // Measured 3.9 grey levels on this high-contrast text page at quality 85.
  assert.ok(jpegErr < 6, `JPEG at the default quality is close: MAD ${jpegErr}`);

  const webp = await scanImage(photo, quad, { format: "webp", quality: 70 });
  assert.equal(new TextDecoder().decode(webp.image.subarray(8, 12)), "WEBP");
  const dw = await decodeWebp(webp.image);
  assert.deepEqual([dw.width, dw.height], [webp.width, webp.height]);

  const low = await scanImage(photo, quad, { quality: 20 });
  assert.ok(low.image.length < jpeg.image.length * 0.7, "quality lowers the size");
});

test("maxSize caps the long side and keeps the aspect", async () => {
  const full = await scanImage(photo, quad, { format: "png" });
  const small = await scanImage(photo, quad, { format: "png", maxSize: 120 });
  assert.equal(Math.max(small.width, small.height), 120);
  assert.ok(Math.abs(small.width / small.height - full.width / full.height) < 0.02);
});

test("options.quad (e.g. corners a person adjusted) overrides the quad argument", async () => {
  const elsewhere: Quad = [[10, 10], [100, 10], [100, 100], [10, 100]];
  const a = await scanImage(photo, elsewhere, { quad, format: "png" });
  const b = await scanImage(photo, quad, { format: "png" });
  assert.deepEqual(a.quad, b.quad);
  assert.deepEqual(a.image, b.image);
});

test("counter-clockwise corners are put back clockwise, keeping the first corner", async () => {
  const ccw: Quad = [quad[0], quad[3], quad[2], quad[1]];
  const a = await scanImage(photo, ccw, { format: "png" });
  assert.deepEqual(a.quad, quad);
  // Rotated order (start at the top-right) is taken as meant: the page comes out rotated.
  const rotated: Quad = [quad[1], quad[2], quad[3], quad[0]];
  const r = await scanImage(photo, rotated, { format: "png" });
  assert.ok(Math.abs(r.width / r.height - (a.height / a.width)) < 0.02, "rotated 90 degrees");
});

test("each enhance mode runs end to end and grey modes come out grey", async () => {
  for (const enhance of ["none", "color", "gray", "bw"] as const) {
    const r = await scanImage(photo, quad, { enhance, format: "png" });
    const d = await decodePng(r.image);
    if (enhance === "gray" || enhance === "bw") {
      for (let i = 0; i < d.data.length; i += 4) {
        assert.ok(d.data[i] === d.data[i + 1] && d.data[i] === d.data[i + 2]);
        if (enhance === "bw") assert.ok(d.data[i] === 0 || d.data[i] === 255);
      }
    }
  }
});

test("bad quads get InvalidQuadError (code INVALID_QUAD)", async () => {
  const bad: Array<[string, unknown]> = [
    ["self-intersecting (bow tie)", [[100, 100], [400, 100], [100, 400], [400, 400]]],
    ["three corners collinear", [[100, 100], [250, 100], [400, 100], [250, 400]]],
    ["all corners equal", [[200, 200], [200, 200], [200, 200], [200, 200]]],
    ["a sliver", [[100, 100], [500, 101], [500, 103], [100, 102]]],
    ["concave", [[100, 100], [400, 100], [200, 200], [100, 400]]],
    ["non-finite", [[Number.NaN, 0], [100, 0], [100, 100], [0, 100]]],
    ["infinite", [[0, 0], [Number.POSITIVE_INFINITY, 0], [100, 100], [0, 100]]],
    ["entirely outside", [[1000, 1000], [1400, 1000], [1400, 1500], [1000, 1500]]],
  ];
  for (const [name, q] of bad) {
    await assert.rejects(scanImage(photo, q as Quad), (e: unknown) => {
      assert.ok(e instanceof InvalidQuadError, `${name}: ${String(e)}`);
      assert.equal((e as DocedgeError).code, "INVALID_QUAD");
      return true;
    }, name);
  }
  // Three corners given instead of four: also the quad's fault.
  await assert.rejects(scanImage(photo, [[0, 0], [10, 0], [10, 10]] as unknown as Quad), InvalidQuadError);
});

test("bad options and images get InvalidInputError naming the field", async () => {
  const bad: Array<[string, unknown]> = [
    ["format", { format: "gif" }],
    ["enhance", { enhance: "magic" }],
    ["quality", { quality: 0 }],
    ["quality", { quality: 101 }],
    ["maxSize", { maxSize: 4 }],
    ["maxSize", { maxSize: 100000 }],
    ["options", { colour: true }],
    ["quad", { quad: [[0, 0], [1, 1]] }],
  ];
  for (const [field, options] of bad) {
    await assert.rejects(scanImage(photo, quad, options as never), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError, String(e));
      assert.match((e as Error).message, new RegExp(field));
      return true;
    });
  }
  await assert.rejects(scanImage({ data: new Uint8Array(10), width: 5, height: 5 }, quad), InvalidInputError);
  assert.ok(scanOptionsSchema.safeParse({ enhance: "bw", format: "webp", quality: 90, maxSize: 2000, quad }).success);
});
