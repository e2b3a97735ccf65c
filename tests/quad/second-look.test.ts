// The detector's second look (a crop around the first pass's page) and the finder's second look at
// a lower vote floor (issue 12), on synthetic maps and pixels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findQuad } from "../../src/quad/find-quad.ts";
import { acceptSecondLook, boxShare, combineLooks, cropBox, wantsSecondLook } from "../../src/quad/second-look.ts";
import type { Quad } from "../../src/types.ts";
import { blankMap, cornerError, drawSegment } from "./synth.ts";

test("a card whose short sides are short and faint (squeezed in a tall photo's map) is found by the lower vote floor", () => {
  const card: Quad = [[30.5, 50.5], [100.5, 52.5], [100.5, 64.5], [30.5, 62.5]];
  const m = blankMap(128, 128);
  drawSegment(m, card[0], card[1]);
  drawSegment(m, card[2], card[3]);
  drawSegment(m, card[1], card[2], { strength: 0.5 });
  drawSegment(m, card[3], card[0], { strength: 0.5 });
  const r = findQuad(m, { aspect: 9 / 16 });
  assert.ok(r.found && r.quad, `confidence ${r.confidence}`);
  assert.ok(cornerError(r.quad, card) < 1.5, `corners ${JSON.stringify(r.quad)}`);
});

test("the lower vote floor does not invent a page from two parallel lines", () => {
  const m = blankMap(128, 128);
  drawSegment(m, [30.5, 50.5], [100.5, 52.5]);
  drawSegment(m, [30.5, 62.5], [100.5, 64.5]);
  const r = findQuad(m, { aspect: 9 / 16 });
  assert.equal(r.found, false, `confidence ${r.confidence}`);
});

test("cropBox: the quad's box grown by a tenth of its longer side, clipped to the image", () => {
  const W = 200, H = 100;
  const box = cropBox(W, H, [[20, 10], [120, 12], [118, 60], [22, 58]]);
  assert.deepEqual(box, { x0: 10, y0: 0, x1: 130, y1: 70 });
  assert.equal(boxShare(box, W, H), (120 * 70) / (W * H));
  assert.equal(cropBox(W, H, [[300, 300], [310, 300], [310, 310], [300, 310]]), null);
  assert.equal(boxShare(null, W, H), 1);
  // A page filling the photo: the crop would be the photo again, so no mode looks twice.
  const whole = boxShare(cropBox(W, H, [[5, 3], [195, 4], [194, 97], [6, 96]]), W, H);
  assert.equal(wantsSecondLook("always", 1, whole), false);
});

test("wantsSecondLook: never, always, and auto only where the first pass is unsure or the page small", () => {
  // A candidate under the floor never gets one; "never" never does.
  for (const mode of ["auto", "always", "never"] as const) assert.equal(wantsSecondLook(mode, 0.3, 0.2), false);
  assert.equal(wantsSecondLook("never", 0.6, 0.2), false);
  // A large page found surely: only "always" looks again.
  assert.equal(wantsSecondLook("always", 0.98, 0.7), true);
  assert.equal(wantsSecondLook("auto", 0.98, 0.7), false);
  // Unsure (a veto or a lift over the threshold may follow), or small in the photo (sharper corners).
  assert.equal(wantsSecondLook("auto", 0.4, 0.7), true);
  assert.equal(wantsSecondLook("auto", 0.75, 0.7), true);
  assert.equal(wantsSecondLook("auto", 0.85, 0.7), false);
  assert.equal(wantsSecondLook("auto", 0.98, 0.3), true);
  assert.equal(wantsSecondLook("auto", 0.98, 0.5), true);
  assert.equal(wantsSecondLook("auto", 0.98, 0.51), false);
});

test("acceptSecondLook: the same page, scoring about as well and above the threshold; no corner jumping to another ridge", () => {
  const diag = Math.hypot(200, 100);
  const first = { quad: [[20, 10], [120, 12], [118, 60], [22, 58]] as Quad, confidence: 0.8 };
  const closer = { quad: [[21, 10.5], [119, 12], [118.5, 61], [22, 57.5]] as Quad, confidence: 0.9 };
  assert.equal(acceptSecondLook(first, closer, diag), true);
  assert.equal(acceptSecondLook(first, { ...closer, confidence: 0.7 }, diag), false);
  // One corner 4 px away (1.8% of the diagonal): another ridge, even though the quads mostly agree.
  const jumped = { quad: [[24, 10], [120, 12], [118, 60], [22, 58]] as Quad, confidence: 0.95 };
  assert.equal(acceptSecondLook(first, jumped, diag), false);
  // The same corners listed from another start are the same quad.
  const rotated = { quad: [closer.quad[1], closer.quad[2], closer.quad[3], closer.quad[0]] as Quad, confidence: 0.9 };
  assert.equal(acceptSecondLook(first, rotated, diag), true);
  // A candidate under the default threshold is taken only when the closer look reaches it.
  const weak = { ...first, confidence: 0.45 };
  assert.equal(acceptSecondLook(weak, { ...closer, confidence: 0.48 }, diag), false);
  assert.equal(acceptSecondLook(weak, { ...closer, confidence: 0.6 }, diag), true);
});

test("combineLooks: a closer look that shows no page vetoes the first answer; one that sees it better replaces it", () => {
  const diag = Math.hypot(200, 100);
  const first = { quad: [[20, 10], [120, 12], [118, 60], [22, 58]] as Quad, confidence: 0.75 };
  assert.deepEqual(combineLooks(first, null, diag), { quad: first.quad, confidence: 0 });
  const faint = { quad: [[21, 10.5], [119, 12], [118.5, 61], [22, 57.5]] as Quad, confidence: 0.49 };
  assert.deepEqual(combineLooks(first, faint, diag), { quad: first.quad, confidence: 0.49 });
  const better = { ...faint, confidence: 0.9 };
  assert.deepEqual(combineLooks(first, better, diag), better);
  // Another ridge seen clearly: no veto (it is a page), but the first answer's corners stay.
  const elsewhere = { quad: [[40, 10], [120, 12], [118, 60], [22, 58]] as Quad, confidence: 0.9 };
  assert.deepEqual(combineLooks(first, elsewhere, diag), first);
});
