// The write batch: a note's training sequences packed into fixed-length rows (first fit, longest
// first), with a block-diagonal causal mask so each sequence sees only itself, exactly as if it
// were alone (rotary attention depends only on relative positions). Packing instead of padding
// each sequence to the longest one roughly halves the tokens a write step runs.
//
// Dimension letters: B rows, T row length. Position p of row b is index b * T + p.

import { MASKED } from '../../engine';
import { SpecialToken } from '../../model/specialTokens';

/** One training sequence as token ids; the loss counts ids[lossFrom..] (each predicted from the token before). */
export interface EncodedSequence {
  readonly ids: readonly number[];
  readonly lossFrom: number;
  /** Multiplies this sequence's loss terms; default 1. */
  readonly weight?: number;
}

export interface Placement {
  readonly row: number;
  readonly offset: number;
  /** Tokens placed (a sequence longer than a row is cut to the row length). */
  readonly length: number;
}

export interface PackedBatch {
  readonly rows: number;
  readonly length: number;
  readonly tokens: BigInt64Array; // (B, T), pad id where nothing is placed
  readonly targets: BigInt64Array; // (B, T): the next token of the same sequence, pad elsewhere
  readonly lossWeights: Float32Array; // (B, T): the sequence's weight where the target is a loss token, else 0
  readonly mask: Float32Array; // (B, 1, T, T): 0 where position t may attend u, MASKED elsewhere
  readonly used: Uint8Array; // (B * T): 1 where a sequence token sits (slot counting skips padding)
  readonly placements: readonly Placement[]; // one per input sequence, in input order
}

/** The positions whose target counts, padded to a multiple (extra entries: position 0, weight 0). */
export interface LossPositions {
  readonly count: number; // M, a multiple of the requested quantum
  readonly positions: BigInt64Array; // (M): indices into the B * T positions
  readonly targets: BigInt64Array; // (M)
  readonly weights: Float32Array; // (M)
}

export function lossPositionsOf(batch: PackedBatch, quantum: number): LossPositions {
  const at: number[] = [];
  batch.lossWeights.forEach((w, i) => {
    if (w > 0) at.push(i);
  });
  const M = Math.max(quantum, Math.ceil(at.length / quantum) * quantum);
  const positions = new BigInt64Array(M);
  const targets = new BigInt64Array(M).fill(batch.targets[0]!);
  const weights = new Float32Array(M);
  at.forEach((i, j) => {
    positions[j] = BigInt(i);
    targets[j] = batch.targets[i]!;
    weights[j] = batch.lossWeights[i]!;
  });
  return { count: M, positions, targets, weights };
}

export interface PackOptions {
  /** Row length T. */
  readonly length: number;
  /** The row count is rounded up to a multiple of this (fewer distinct graph shapes); default 1. */
  readonly rowMultiple?: number;
  /** Token at unused positions (never a target that counts); default <|pad|>. */
  readonly padId?: number;
}

/** Row length for a set of sequences: the longest, rounded up to a multiple of `multiple` (few
 *  distinct graph shapes), at least `minimum`, at most `maximum` (longer sequences are cut). */
export function rowLengthFor(
  sequences: readonly EncodedSequence[],
  options: { minimum: number; multiple: number; maximum: number },
): number {
  const longest = sequences.reduce((m, s) => Math.max(m, s.ids.length), 0);
  return Math.min(options.maximum, Math.max(options.minimum, Math.ceil(longest / options.multiple) * options.multiple));
}

export function packSequences(sequences: readonly EncodedSequence[], options: PackOptions): PackedBatch {
  const T = options.length;
  if (!Number.isInteger(T) || T < 2) throw new RangeError(`packSequences: row length must be an integer >= 2, got ${T}`);
  // First fit, longest first; ties in input order so packing is deterministic.
  const order = sequences.map((s, i) => i).sort((a, b) => sequences[b]!.ids.length - sequences[a]!.ids.length || a - b);
  const free: number[] = []; // tokens left per row
  const placements: Placement[] = new Array(sequences.length);
  for (const i of order) {
    const length = Math.min(sequences[i]!.ids.length, T);
    let row = free.findIndex(left => left >= length);
    if (row < 0) {
      row = free.length;
      free.push(T);
    }
    placements[i] = { row, offset: T - free[row]!, length };
    free[row]! -= length;
  }
  const multiple = Math.max(1, options.rowMultiple ?? 1);
  const B = Math.max(multiple, Math.ceil(free.length / multiple) * multiple);
  const pad = BigInt(options.padId ?? SpecialToken.pad);
  const tokens = new BigInt64Array(B * T).fill(pad);
  const targets = new BigInt64Array(B * T).fill(pad);
  const lossWeights = new Float32Array(B * T);
  const used = new Uint8Array(B * T);
  const mask = new Float32Array(B * T * T).fill(MASKED);
  sequences.forEach((sequence, i) => {
    const { row, offset, length } = placements[i]!;
    const weight = sequence.weight ?? 1;
    for (let j = 0; j < length; j++) {
      const at = row * T + offset + j;
      tokens[at] = BigInt(sequence.ids[j]!);
      used[at] = 1;
      if (j + 1 < length) {
        targets[at] = BigInt(sequence.ids[j + 1]!);
        if (j + 1 >= sequence.lossFrom) lossWeights[at] = weight;
      }
      // Position offset + j attends to offset .. offset + j of its own row.
      const maskRow = (row * T + offset + j) * T;
      mask.fill(0, maskRow + offset, maskRow + offset + j + 1);
    }
  });
  // Padding positions attend to themselves only, so every softmax row has a finite maximum.
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < T; p++) if (used[b * T + p] === 0) mask[(b * T + p) * T + p] = 0;
  }
  return { rows: B, length: T, tokens, targets, lossWeights, mask, used, placements };
}

/** A candidate vocabulary for the sampled softmax (writerGraphs.ts): ids padded to a multiple, with a bias masking the padding. */
export interface CandidateVocabulary {
  readonly count: number; // K, a multiple of the requested quantum
  readonly ids: BigInt64Array; // (K)
  readonly bias: Float32Array; // (K): 0, or MASKED for padding
  /** Real candidates (without padding), ascending. */
  readonly tokens: readonly number[];
  /** The loss targets as indices into `ids` (M). */
  readonly targets: BigInt64Array;
}

/**
 * Every loss target plus the tokens the model predicts at the loss positions (`predicted`, M x k
 * ids; only rows with weight > 0 are used) plus `keep` (an earlier set, so refreshing only grows it).
 */
export function candidateVocabulary(
  lossAt: LossPositions,
  predicted: BigInt64Array | null,
  keep: readonly number[],
  quantum: number,
): CandidateVocabulary {
  const tokens = new Set<number>(keep);
  const M = lossAt.count;
  for (let m = 0; m < M; m++) {
    if (lossAt.weights[m]! <= 0) continue;
    tokens.add(Number(lossAt.targets[m]!));
  }
  if (predicted) {
    const k = predicted.length / M;
    for (let m = 0; m < M; m++) {
      if (lossAt.weights[m]! <= 0) continue;
      for (let j = 0; j < k; j++) tokens.add(Number(predicted[m * k + j]!));
    }
  }
  if (tokens.size === 0) tokens.add(Number(lossAt.targets[0]!));
  const sorted = [...tokens].sort((a, b) => a - b);
  const K = Math.max(quantum, Math.ceil(sorted.length / quantum) * quantum);
  const ids = new BigInt64Array(K).fill(BigInt(sorted[0]!));
  const bias = new Float32Array(K).fill(MASKED);
  const indexOf = new Map<number, number>();
  sorted.forEach((token, i) => {
    ids[i] = BigInt(token);
    bias[i] = 0;
    indexOf.set(token, i);
  });
  // Padded loss entries (weight 0) point at candidate 0.
  const targets = BigInt64Array.from(lossAt.targets, (t, m) => BigInt(lossAt.weights[m]! > 0 ? indexOf.get(Number(t))! : 0));
  return { count: K, ids, bias, tokens: sorted, targets };
}
