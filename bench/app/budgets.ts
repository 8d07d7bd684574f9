// The performance budgets of DESIGN.md §7 (2-core CPU, shipped model) and how a measured figure is
// judged against them. Benchmarks print figures beside these; tests never assert on wall time.

export interface Budget {
  /** Which statistic the budget bounds. */
  readonly stat: 'p50' | 'p95' | 'value';
  readonly maxMs: number;
}

/** DESIGN.md §7, one entry per bounded statistic. */
export const BUDGETS = {
  completionP50: { stat: 'p50', maxMs: 50 },
  completionP95: { stat: 'p95', maxMs: 150 },
  writeP50: { stat: 'p50', maxMs: 1000 },
  chatFirstToken: { stat: 'p50', maxMs: 200 },
  activation: { stat: 'value', maxMs: 300 },
} as const satisfies Record<string, Budget>;

/** true when within, false when over, null when nothing was measured. */
export function within(measured: number | null, budget: Budget): boolean | null {
  if (measured === null || !Number.isFinite(measured)) return null;
  return measured <= budget.maxMs;
}
