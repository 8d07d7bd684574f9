// Which memory slots a note's write may change (Lin et al. 2025, DESIGN.md §5 step 2): count how
// often the note's training batch reads each slot, score each slot by tf-idf against how many
// background batches read it, and keep the top t. A slot every text reads (punctuation, markers)
// gets idf 0 and is never chosen, so the write lands on slots specific to this note's wording and
// leaves the model's general knowledge alone. Pure functions.
//
//   tfidf(i) = c(i) / sum_j c(j) * log((|B| + 1) / (df(i) + 1))

import type { MemoryReads } from '../../model/languageModel';
import type { BackgroundSlotStats } from './backgroundStats';

/** How a read counts towards c(i): once per (position, head, rank) as in the paper, or by its read weight. */
export type SlotCountMode = 'access' | 'weight';

export interface SlotCountOptions {
  /** Positions to count (1 = count); default every position. Padding positions must be left out. */
  readonly positions?: Uint8Array;
  readonly mode?: SlotCountMode;
}

/** c(i) for every slot of a table of `slotCount` rows. */
export function countSlotAccesses(reads: MemoryReads, slotCount: number, options: SlotCountOptions = {}): Float64Array {
  const counts = new Float64Array(slotCount);
  const perPosition = reads.heads * reads.topK;
  const byWeight = (options.mode ?? 'access') === 'weight';
  if (options.positions && options.positions.length !== reads.positions) {
    throw new RangeError(`countSlotAccesses: a mask of ${options.positions.length} positions for reads of ${reads.positions}`);
  }
  for (let t = 0; t < reads.positions; t++) {
    if (options.positions && options.positions[t] === 0) continue;
    for (let r = t * perPosition; r < (t + 1) * perPosition; r++) {
      const slot = reads.slots[r]!;
      if (slot < 0 || slot >= slotCount) throw new RangeError(`countSlotAccesses: slot ${slot} outside 0..${slotCount - 1}`);
      counts[slot]! += byWeight ? reads.weights[r]! : 1;
    }
  }
  return counts;
}

/**
 * log((|B| + 1) / (df + 1)). Without background statistics (|B| = 0) every slot gets 1, so the
 * selection falls back to term frequency alone rather than to all zeros.
 */
export function inverseDocumentFrequency(documentFrequency: number, batches: number): number {
  if (batches <= 0) return 1;
  return Math.log((batches + 1) / (documentFrequency + 1));
}

/**
 * 'tfidf': c/sum(c) * log((|B|+1)/(df+1)), the paper's score.
 * 'kl': p(i) * log(p(i) / q(i)) with p = c/sum(c) and q = (df+1)/sum(df+1), a slot's term of the
 * KL divergence from the background's read distribution to the note's (the slot selection of the
 * follow-up work, see memory-layers-notes.md §3). Where most slots are read by most text, tf-idf
 * is carried by tf and picks slots that every text reads a lot; 'kl' scores a slot only for being
 * read more by the note than by background text, and at most 0 otherwise (never chosen).
 * 'focus': p(i)^2 / q(i). Writing a fixed change into the note's output through slot i needs a
 * row change ~ 1/p(i), and background text pays ~ q(i) * change^2 for it, so p^2/q ranks slots
 * by how much they teach per unit of damage elsewhere.
 */
export type SlotScoring = 'tfidf' | 'kl' | 'focus';

export interface ScoreOptions {
  /** Default 'tfidf'. */
  readonly scoring?: SlotScoring;
  /** Slot -> how many live notes already own it. Owned slots are scaled by ownedWeight^owners. */
  readonly owned?: ReadonlyMap<number, number>;
  /** In [0, 1]; 1 (default) ignores ownership, 0 never reuses an owned slot. */
  readonly ownedWeight?: number;
}

/** tf-idf of every slot; 0 for slots the batch did not read. */
export function tfIdfScores(counts: Float64Array, background: BackgroundSlotStats, options: ScoreOptions = {}): Float64Array {
  if (background.batches > 0 && background.documentFrequency.length !== counts.length) {
    throw new RangeError(
      `tfIdfScores: background statistics cover ${background.documentFrequency.length} slots, the table has ${counts.length}`,
    );
  }
  let total = 0;
  for (const c of counts) total += c;
  const scores = new Float64Array(counts.length);
  if (total <= 0) return scores;
  const ownedWeight = options.ownedWeight ?? 1;
  let backgroundTotal = 0;
  if (options.scoring === 'kl' || options.scoring === 'focus')
    for (let slot = 0; slot < counts.length; slot++)
      backgroundTotal += (background.batches > 0 ? background.documentFrequency[slot]! : 0) + 1;
  for (let slot = 0; slot < counts.length; slot++) {
    const c = counts[slot]!;
    if (c <= 0) continue;
    const df = background.batches > 0 ? background.documentFrequency[slot]! : 0;
    const p = c / total;
    const q = (df + 1) / backgroundTotal;
    let score =
      options.scoring === 'kl'
        ? p * Math.log(p / q)
        : options.scoring === 'focus'
          ? (p * p) / q
          : p * inverseDocumentFrequency(df, background.batches);
    if (score <= 0) continue;
    const owners = options.owned?.get(slot) ?? 0;
    if (owners > 0 && ownedWeight !== 1) score *= Math.pow(ownedWeight, owners);
    scores[slot] = score;
  }
  return scores;
}

/** The `t` highest-scoring slots with a positive score, best first; ties go to the lower slot id. */
export function topSlots(scores: Float64Array, t: number): number[] {
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`topSlots: t must be a non-negative integer, got ${t}`);
  const candidates: number[] = [];
  for (let slot = 0; slot < scores.length; slot++) if (scores[slot]! > 0) candidates.push(slot);
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return candidates.slice(0, t);
}

export interface SlotSelectionSettings extends ScoreOptions {
  /** t: how many slots the write may change. */
  readonly slots: number;
  readonly countMode?: SlotCountMode;
}

export interface SlotSelection {
  /** Chosen slot ids, best first. */
  readonly slots: number[];
  /** Their tf-idf scores, same order. */
  readonly scores: number[];
  /** Distinct slots the batch read at all. */
  readonly slotsRead: number;
}

/** Counts, scores and picks in one go: the write path's step 2. */
export function selectSlots(
  reads: MemoryReads,
  slotCount: number,
  background: BackgroundSlotStats,
  settings: SlotSelectionSettings,
  positions?: Uint8Array,
): SlotSelection {
  const counts = countSlotAccesses(reads, slotCount, { positions, mode: settings.countMode });
  const scores = tfIdfScores(counts, background, settings);
  const slots = topSlots(scores, settings.slots);
  let slotsRead = 0;
  for (const c of counts) if (c > 0) slotsRead++;
  return { slots, scores: slots.map(slot => scores[slot]!), slotsRead };
}
