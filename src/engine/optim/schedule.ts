// Learning-rate schedules as multipliers of the base rate, by step (0-based).

export type Schedule = (step: number) => number;

/** Linear warmup to 1 over warmupSteps, then cosine decay to minFactor at totalSteps (and after). */
export function warmupCosine(options: { warmupSteps: number; totalSteps: number; minFactor?: number }): Schedule {
  const { warmupSteps, totalSteps, minFactor = 0.1 } = options;
  return step => {
    if (step < warmupSteps) return (step + 1) / warmupSteps;
    if (step >= totalSteps) return minFactor;
    const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}
