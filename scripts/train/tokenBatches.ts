// Next-token (tokens, targets) batches for training, statistics and evaluation, on top of the
// corpus reader (src/model/corpusReader.ts): the sampler's (B, T + 1) windows become int64 feeds.

import { BatchSampler, CorpusSplit, readCorpusSplit } from '../../src/model/corpusReader';

export interface TokenBatch {
  readonly tokens: BigInt64Array; // (B, T)
  readonly targets: BigInt64Array; // (B, T): tokens shifted by one
}

/** Splits (B, T + 1) windows into inputs window[0..T) and targets window[1..T]. */
export function fromWindows(windows: ArrayLike<number>, batch: number, length: number): TokenBatch {
  const tokens = new BigInt64Array(batch * length);
  const targets = new BigInt64Array(batch * length);
  for (let row = 0; row < batch; row++) {
    for (let t = 0; t < length; t++) {
      tokens[row * length + t] = BigInt(windows[row * (length + 1) + t]!);
      targets[row * length + t] = BigInt(windows[row * (length + 1) + t + 1]!);
    }
  }
  return { tokens, targets };
}

/** The training mix: code and docs, plus question/answer exchanges (aligned to their start, so the
 *  model sees the chat format from its first marker) with probability `qaShare` per row. */
export function trainingSampler(corpusDir: string, seed: number, batch: number, length: number, qaShare: number): BatchSampler {
  const sources = [{ tokens: readCorpusSplit(corpusDir, 'train'), weight: 1 - qaShare }];
  if (qaShare > 0)
    sources.push({ tokens: readCorpusSplit(corpusDir, 'qa'), weight: qaShare, alignToDocuments: true } as (typeof sources)[0]);
  return new BatchSampler({ sources, contextLength: length, batchSize: batch, seed });
}

/** Random windows of one split (held-out slot usage). */
export function splitSampler(corpusDir: string, split: CorpusSplit, seed: number, batch: number, length: number): BatchSampler {
  return new BatchSampler({
    sources: [{ tokens: readCorpusSplit(corpusDir, split), weight: 1 }],
    contextLength: length,
    batchSize: batch,
    seed,
  });
}

export function batchAt(sampler: BatchSampler, step: number, batch: number, length: number): TokenBatch {
  return fromWindows(sampler.batch(step), batch, length);
}

/** Consecutive, non-overlapping windows from the start of a token file: the same every time. */
export function evaluationBatches(data: Uint16Array, batch: number, length: number, count: number): TokenBatch[] {
  const batches: TokenBatch[] = [];
  let cursor = 0;
  for (let b = 0; b < count; b++) {
    const windows = new Int32Array(batch * (length + 1));
    for (let row = 0; row < batch; row++) {
      if (cursor + length + 1 > data.length) cursor = 0;
      windows.set(data.subarray(cursor, cursor + length + 1), row * (length + 1));
      cursor += length;
    }
    batches.push(fromWindows(windows, batch, length));
  }
  return batches;
}

export function heldoutTokens(corpusDir: string): Uint16Array {
  return readCorpusSplit(corpusDir, 'heldout');
}
