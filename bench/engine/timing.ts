// Wall-clock timing for the benchmark: warm-up runs, then timed runs, reported as their median.

export interface Timing {
  readonly label: string;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `run` warmup times untimed, then `iterations` times timed; each call must finish its work before resolving. */
export async function timeIterations(
  label: string,
  warmup: number,
  iterations: number,
  run: () => Promise<void> | void,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await run();
  const samplesMs: number[] = [];
  for (let i = 0; i < iterations; i++) samplesMs.push(await timeOnceMs(run));
  return { label, samplesMs, medianMs: median(samplesMs) };
}

/** Milliseconds one call of `run` takes. */
export async function timeOnceMs(run: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function tokensPerSecond(tokens: number, ms: number): number {
  return (tokens * 1000) / ms;
}
