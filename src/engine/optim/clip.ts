// Global-norm gradient clipping: all gradients scaled together so their joint L2 norm is at most maxNorm.

export function globalNorm(grads: readonly Float32Array[]): number {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  return Math.sqrt(sum);
}

/** Scales the gradients in place when their global norm exceeds maxNorm; returns the norm before. */
export function clipGradNorm(grads: readonly Float32Array[], maxNorm: number): number {
  const norm = globalNorm(grads);
  if (norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}
