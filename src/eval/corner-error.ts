import type { Quad } from "../types.ts";

/**
 * Mean distance between the found and the true corners, in % of the image diagonal; null when
 * either quad is missing. Corners are matched in order after the cyclic shift that fits best, so a
 * square turned 45 degrees (where "top-left" is a tie) is not charged for the tie.
 *
 * @example
 * cornerErrorPercent([[0, 0], [100, 0], [100, 100], [0, 100]], [[1, 0], [100, 0], [100, 100], [0, 100]], 100, 100); // ~0.177
 */
export function cornerErrorPercent(truth: Quad | null, found: Quad | null, width: number, height: number): number | null {
  if (!truth || !found) return null;
  const diag = Math.hypot(width, height);
  let best = Infinity;
  for (let s = 0; s < 4; s++) {
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const a = truth[k], b = found[(k + s) % 4];
      sum += Math.hypot(a[0] - b[0], a[1] - b[1]);
    }
    if (sum < best) best = sum;
  }
  return (100 * best) / 4 / diag;
}
