// p50/p95 (and count, mean, max) of a list of latencies, rounded for printing.

import { mean, percentile } from '../../src/eval/evalScore';

export interface LatencySummary {
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly mean: number | null;
  readonly max: number | null;
}

export function summarize(ms: readonly number[]): LatencySummary {
  return {
    n: ms.length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    mean: round(mean(ms)),
    max: round(ms.length === 0 ? null : Math.max(...ms)),
  };
}

/** One decimal: sub-millisecond digits of a wall clock on a shared machine are noise. */
export function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
