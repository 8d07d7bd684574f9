// A small seeded PRNG (mulberry32) plus Gaussian draws, so both benchmark sides start from the
// same weights and the same token batch without depending on either engine's random ops.

import { mulberry32 as engineMulberry32 } from '../../src/engine/random';

export type RandomSource = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed: the engine's generator. */
export const mulberry32: (seed: number) => RandomSource = engineMulberry32;

/** Normal(0, std^2) samples via Box-Muller. */
export function gaussianArray(random: RandomSource, length: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u1 = Math.max(random(), 1e-12);
    const u2 = random();
    const radius = std * Math.sqrt(-2 * Math.log(u1));
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
