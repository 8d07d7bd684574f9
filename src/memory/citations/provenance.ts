// Provenance: which notes a forward pass drew on, from the model's own memory reads. Each read
// (position, head, rank) puts its softmax weight on one slot; a note is credited with the read
// weight that landed on slots it wrote, scaled (by default) by how far its write moved that row,
// so a note that barely touched a popular slot gets little credit for it:
//
//   score(note) = sum over reads r of weight(r) * |next - prev|(note, slot(r))     ('contribution')
//   score(note) = sum over reads r of weight(r) * [note owns slot(r)]             ('reads')
//   score(note) = sum over slots s the note owns of sqrt(q(s)) * idf(s)^2          ('specificity')
//                 q(s) = the summed weight of the pass's reads of s
//
// 'specificity' is what the service uses: a read of a slot that most background text also reads is
// weak evidence that the pass drew on the note, a read of a rare slot is strong (idf from the
// checkpoint's citation statistics, df over 64-token documents), and a slot read again and again
// (a repeated word) counts less each time (sqrt, as term frequency saturates in BM25). A note
// owns, for citations, the slots it wrote and its footprint (noteFootprint.ts). On the public set
// (30 notes + 15 distractors, provenanceProbe.ts (git history, scripts/experiments/; docs/decisions), the question's reads) it
// ranked the right note first for 0.59 of the questions (linear in q: 0.57; without footprints
// 0.42), on 200 capacity-run notes 0.83 (linear 0.775), against 0.11 for 'contribution' and 0.14
// for 'reads' on the public set.
//
// Works for any pass: a question's prompt and answer tokens, a completion's prefix and suffix.

import type { MemoryReads } from '../../model/languageModel';
import type { NoteId } from '../note';

/** One live note's claim on a slot: how much its write changed the row (L2 norm of next - prev). */
export interface SlotClaim {
  readonly note: NoteId;
  readonly magnitude: number;
}

/** Slot -> the live notes that wrote it. */
export type SlotOwnership = ReadonlyMap<number, readonly SlotClaim[]>;

/**
 * Slot ownership by how far each write moved each row, kept up to date as notes are written and
 * forgotten (addWrite with the rows the store recorded). The service cites by 'specificity', which
 * needs no magnitudes: it keeps a CitationIndex instead.
 */
export class ProvenanceIndex {
  private readonly claims = new Map<NoteId, Map<number, number>>();
  private cached: Map<number, SlotClaim[]> | null = null;

  /** From the store's per-note contributions (slots, prev rows, next rows), e.g. after opening a store. */
  static fromContributions(
    contributions: Iterable<{ readonly noteId: NoteId; readonly slots: readonly number[]; readonly prev: Float32Array; readonly next: Float32Array }>,
    rowWidth: number,
  ): ProvenanceIndex {
    const index = new ProvenanceIndex();
    for (const c of contributions) index.addWrite(c.noteId, c.slots, c.prev, c.next, rowWidth);
    return index;
  }

  /** Records a note's write: slots and their rows before/after (slots.length * rowWidth floats each). */
  addWrite(note: NoteId, slots: readonly number[], prev: Float32Array, next: Float32Array, rowWidth: number): void {
    if (prev.length !== slots.length * rowWidth || next.length !== prev.length) {
      throw new RangeError(`addWrite: ${slots.length} slots of ${rowWidth} need ${slots.length * rowWidth} floats per side`);
    }
    const own = new Map<number, number>();
    slots.forEach((slot, i) => {
      let square = 0;
      for (let c = i * rowWidth; c < (i + 1) * rowWidth; c++) square += (next[c]! - prev[c]!) ** 2;
      own.set(slot, Math.sqrt(square));
    });
    this.claims.set(note, own);
    this.cached = null;
  }

  /** Drops a forgotten or superseded note. */
  remove(note: NoteId): void {
    if (this.claims.delete(note)) this.cached = null;
  }

  notes(): NoteId[] {
    return [...this.claims.keys()];
  }

  ownership(): SlotOwnership {
    if (!this.cached) {
      const owners = new Map<number, SlotClaim[]>();
      for (const [note, slots] of this.claims) {
        for (const [slot, magnitude] of slots) {
          const list = owners.get(slot);
          if (list) list.push({ note, magnitude });
          else owners.set(slot, [{ note, magnitude }]);
        }
      }
      this.cached = owners;
    }
    return this.cached;
  }
}

export type ProvenanceWeighting = 'contribution' | 'reads' | 'specificity';

export interface ProvenanceOptions {
  /** Default 'contribution' (read weight times the note's change of the row). */
  readonly weighting?: ProvenanceWeighting;
  /** Per-slot idf, for 'specificity' (required there). */
  readonly slotIdf?: (slot: number) => number;
  /** Keep at most this many notes; default all with a positive score. */
  readonly limit?: number;
}

export interface CitedNote {
  readonly note: NoteId;
  /** Summed credit (see the header). */
  readonly score: number;
  /** score over all cited notes' scores: the weights shown beside an answer. */
  readonly share: number;
}

/** Notes ranked by the memory reads of one or more passes (e.g. a prompt's prefill and each decode step). */
export function citeNotes(reads: MemoryReads | readonly MemoryReads[], ownership: SlotOwnership, options: ProvenanceOptions = {}): CitedNote[] {
  const passes = Array.isArray(reads) ? (reads as readonly MemoryReads[]) : [reads as MemoryReads];
  const weighting = options.weighting ?? 'contribution';
  if (weighting === 'specificity' && !options.slotIdf) throw new Error("citeNotes: 'specificity' needs slotIdf");
  // q(s) first: the linear weightings come out the same, 'specificity' needs it whole.
  const readWeight = new Map<number, number>();
  for (const pass of passes) {
    for (let i = 0; i < pass.slots.length; i++) readWeight.set(pass.slots[i]!, (readWeight.get(pass.slots[i]!) ?? 0) + pass.weights[i]!);
  }
  const scores = new Map<NoteId, number>();
  for (const [slot, q] of readWeight) {
    const claims = ownership.get(slot);
    if (!claims) continue;
    const credit = weighting === 'specificity' ? Math.sqrt(q) * options.slotIdf!(slot) ** 2 : q;
    for (const claim of claims) scores.set(claim.note, (scores.get(claim.note) ?? 0) + credit * (weighting === 'contribution' ? claim.magnitude : 1));
  }
  let total = 0;
  for (const score of scores.values()) total += score;
  const ranked = [...scores]
    .filter(([, score]) => score > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([note, score]) => ({ note, score, share: score / total }));
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}
