// Timing for the benchmark: warm-up runs, then timed runs, reported as medians. Wall-clock time is
// the figure; the process's CPU time is kept beside it because the machine is shared, and CPU time
// shows how much of a slow sample was waiting for a core rather than working.

export interface Sample {
  readonly wallMs: number;
  /** User + system CPU time of this process (all its threads) during the sample. */
  readonly cpuMs: number;
}

export interface Timing {
  readonly label: string;
  readonly samples: readonly Sample[];
  readonly medianMs: number;
  readonly medianCpuMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarise(label: string, samples: readonly Sample[]): Timing {
  return {
    label,
    samples,
    medianMs: median(samples.map(s => s.wallMs)),
    medianCpuMs: median(samples.map(s => s.cpuMs)),
  };
}

/** One call of `run`, which must finish its work before resolving. */
export async function timeOnce(run: () => Promise<void> | void): Promise<Sample> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Runs `run` warmup times untimed, then `iterations` times timed. */
export async function timeIterations(label: string, warmup: number, iterations: number, run: () => Promise<void> | void): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: Sample[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await timeOnce(run));
  return summarise(label, samples);
}

export function tokensPerSecond(tokens: number, ms: number): number {
  return (tokens * 1000) / ms;
}
