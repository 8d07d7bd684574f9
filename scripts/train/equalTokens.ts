// The dense baseline against the memory model at equal training tokens, from the two runs' logs:
// both runs log the held-out loss on the same fixed batches at every checkpoint, so the memory
// model's loss at the dense run's last checkpoint is read off its own curve (linear between the
// two checkpoints around it). Used when the dense run could not be trained as long as the shipped
// model.

import * as fs from 'node:fs';

export interface HeldOutPoint {
  readonly tokens: number;
  readonly loss: number;
}

/** The `eval` records of a run's log.jsonl, in token order. */
export function heldOutCurve(logFile: string): HeldOutPoint[] {
  if (!fs.existsSync(logFile)) return [];
  const points: HeldOutPoint[] = [];
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { kind?: string; tokens?: number; heldout_loss?: number };
    if (record.kind === 'eval' && typeof record.tokens === 'number' && typeof record.heldout_loss === 'number') {
      points.push({ tokens: record.tokens, loss: record.heldout_loss });
    }
  }
  return points.sort((a, b) => a.tokens - b.tokens);
}

/** The held-out curve of a lineage of runs, oldest first, each started from an earlier one's
 *  checkpoint: an earlier run's points from the next run's first logged tokens on are a branch the
 *  lineage left (a run resumed past the step the next one started from), so they are dropped. */
export function lineageCurve(logFiles: readonly string[]): HeldOutPoint[] {
  let points: HeldOutPoint[] = [];
  for (const file of logFiles) {
    const curve = heldOutCurve(file);
    const start = firstLoggedTokens(file);
    if (start !== null) points = points.filter(point => point.tokens < start);
    points.push(...curve);
  }
  return points.sort((a, b) => a.tokens - b.tokens);
}

/** The tokens of a log's first record of any kind (train records come long before the first eval). */
function firstLoggedTokens(logFile: string): number | null {
  if (!fs.existsSync(logFile)) return null;
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { tokens?: number };
    if (typeof record.tokens === 'number') return record.tokens;
  }
  return null;
}

/** The curve's loss at `tokens`, linear between neighbours; null outside the curve. */
export function lossAtTokens(curve: readonly HeldOutPoint[], tokens: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    const point = curve[i]!;
    if (point.tokens === tokens) return point.loss;
    if (point.tokens > tokens) {
      if (i === 0) return null;
      const before = curve[i - 1]!;
      const share = (tokens - before.tokens) / (point.tokens - before.tokens);
      return before.loss + share * (point.loss - before.loss);
    }
  }
  return null;
}

export interface EqualTokensComparison {
  readonly tokens: number;
  readonly dense_heldout_loss: number;
  readonly memory_heldout_loss: number;
}

/** At the dense run's last logged point, both models' held-out loss (null if the memory curve does not reach it). */
export function equalTokensComparison(memory: readonly HeldOutPoint[], dense: readonly HeldOutPoint[]): EqualTokensComparison | null {
  const last = dense[dense.length - 1];
  if (!last) return null;
  const memoryLoss = lossAtTokens(memory, last.tokens);
  if (memoryLoss === null) return null;
  return { tokens: last.tokens, dense_heldout_loss: Number(last.loss.toFixed(4)), memory_heldout_loss: Number(memoryLoss.toFixed(4)) };
}
