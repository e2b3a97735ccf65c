// The quad finder's benchmark maps (256x256): clean, realistic and adversarial (worst-case)
// inputs, shared by bench/quad.ts and bench/quad-ab.ts.
import type { FloatMap, Point } from "../src/types.ts";
import { addNoise, blankMap, drawQuad, drawSegment, rng } from "../tests/quad/synth.ts";

const page: Point[] = [[40.3, 30.7], [210.2, 35.1], [205.6, 220.4], [45.1, 215.9]];

function make(name: string, build: (m: FloatMap) => void): [string, FloatMap] {
  const m = blankMap();
  build(m);
  return [name, m];
}

/** [name, map] pairs, the worst cases last but two. */
export function benchMaps(): [string, FloatMap][] {
  return [
    make("clean page", (m) => drawQuad(m, page)),
    make("page + inner table + speckle", (m) => {
      drawQuad(m, page, { strength: 0.8 });
      drawQuad(m, [[70, 70], [180, 72], [178, 160], [72, 158]]);
      addNoise(m, 3, 0.05, 0.9, 0.1);
    }),
    make("empty", () => {}),
    // Worst cases: every pixel an edge candidate, and many long straight lines (the most Hough
    // peaks and quad candidates the finder can be handed).
    make("uniform noise", (m) => addNoise(m, 1, 1, 1)),
    // What an untrained network gives: every pixel about 0.5.
    make("washed out (0.5 +- 0.01)", (m) => {
      const r = rng(11);
      for (let i = 0; i < m.data.length; i++) m.data[i] = 0.49 + 0.02 * r();
    }),
    make("60 random lines + noise", (m) => {
      const r = rng(5);
      for (let i = 0; i < 60; i++) drawSegment(m, [r() * 256, r() * 256], [r() * 256, r() * 256]);
      addNoise(m, 9, 0.2, 1, 0.15);
    }),
    // Many short, fully supported lines under the vote cap: the most quad candidates that pass.
    make("3x3 boxes", (m) => {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const x = 20 + i * 80, y = 24 + j * 78;
          drawQuad(m, [[x, y], [x + 52 + i, y + 2], [x + 50, y + 55 + j], [x - 1, y + 52]]);
        }
      }
    }),
    make("grid of 24 lines", (m) => {
      for (let i = 0; i < 12; i++) {
        drawSegment(m, [8 + i * 21, 0], [12 + i * 20, 256]);
        drawSegment(m, [0, 10 + i * 20], [256, 6 + i * 21]);
      }
    }),
  ];
}
