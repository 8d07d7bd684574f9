// A small seeded random number generator (mulberry32) for reproducible initialisation and tests.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A Float32Array of n normals times std. */
  normals(n: number, std?: number): Float32Array;
  /** A Float32Array of n uniforms in [low, high). */
  uniforms(n: number, low: number, high: number): Float32Array;
}

/** The mulberry32 stream itself: uniform floats in [0, 1) from a 32-bit seed. Every seeded
 *  generator in the project (engine, model, benchmarks) draws from this one core. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const normal = (): number => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    normal,
    int: n => Math.floor(next() * n),
    normals: (n, std = 1) => Float32Array.from({ length: n }, () => normal() * std),
    uniforms: (n, low, high) => Float32Array.from({ length: n }, () => low + (high - low) * next()),
  };
}
