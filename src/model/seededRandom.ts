// A small seeded pseudo-random generator (mulberry32) with uniform and normal draws: parameter
// initialisation, batch sampling and token sampling must repeat exactly for a given seed.

import { mulberry32 } from '../engine/random';

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  let spareNormal: number | null = null; // Box-Muller gives two normals per pair of uniforms
  const normal = (): number => {
    if (spareNormal !== null) {
      const value = spareNormal;
      spareNormal = null;
      return value;
    }
    const u = 1 - next(); // (0, 1]: log(u) is finite
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  return { next, normal, int: n => Math.floor(next() * n) };
}

/** Mixes two integers into a new seed, so that "the batch of step s of run seed r" is a pure function. */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (stream >>> 0), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
