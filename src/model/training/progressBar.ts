// A one-line progress bar on stderr. On a terminal it redraws in place; when stderr is a file
// (a background run under nohup) it prints a plain line at most every `fileIntervalMs`.

export interface ProgressFields {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly tokensPerSecond: number;
  readonly elapsedSeconds: number;
}

export function formatProgress(fields: ProgressFields, width = 24): string {
  const fraction = fields.totalSteps > 0 ? Math.min(1, fields.step / fields.totalSteps) : 0;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const remainingSteps = fields.totalSteps - fields.step;
  const secondsPerStep = fields.step > 0 ? fields.elapsedSeconds / fields.step : 0;
  return (
    `[${bar}] ${fields.step}/${fields.totalSteps} ` +
    `loss ${fields.loss.toFixed(3)} ${Math.round(fields.tokensPerSecond)} tok/s ` +
    `eta ${formatDuration(remainingSteps * secondsPerStep)}`
  );
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

export class ProgressBar {
  private lastFileLine = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly fileIntervalMs = 30_000,
  ) {}

  update(fields: ProgressFields): void {
    const line = formatProgress(fields);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const now = Date.now();
    if (now - this.lastFileLine >= this.fileIntervalMs) {
      this.lastFileLine = now;
      this.stream.write(line + '\n');
    }
  }

  /** Prints a message on its own line without garbling the bar. */
  message(text: string): void {
    this.stream.write(this.stream.isTTY ? `\r\x1b[K${text}\n` : text + '\n');
  }
}
