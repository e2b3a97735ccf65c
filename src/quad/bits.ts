const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The bits of the smallest float32 at least v (v > 0, finite or not). A float32 is under v exactly
 * when its bits, read as an unsigned integer, are under these: non-negative floats' bits order as
 * integers do, and a negative value or NaN with its sign bit set reads as a larger integer still.
 * Several values are then ruled out at once by their bits OR-ed together, which are at least the
 * largest of them.
 */
export function float32Bits(v: number): number {
  f32[0] = v;
  return f32[0] < v ? u32[0] + 1 : u32[0];
}
