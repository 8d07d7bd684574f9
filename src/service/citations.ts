// Citations for an answer or a completion: memory/provenance.ts ranks the notes by the reads of
// every position the pass ran ('specificity': read weight times the slot's squared idf against the
// citation statistics: df over short documents). The store knows which notes a read of each slot
// cites (the slots each wrote and its footprint, noteFootprint.ts); how far each moved a row is
// measured here from the rows themselves (0 for a footprint slot the note did not write):
// |current - base| for a slot one note owns (exact), split evenly among the owners of a shared slot.

import type { NoteId } from '../memory/note';
import type { BackgroundSlotStats } from '../memory/backgroundStats';
import { citeNotes, SlotClaim, SlotOwnership } from '../memory/provenance';
import { slotIdfOf } from '../memory/slotSelection';
import type { MemoryReads } from '../model/languageModel';
import type { PositionReads } from './decodingSession';
import type { Citation } from './protocol';

/** Slot ownership with each claim's magnitude, from the owner index and the current/base value tables. */
export function slotOwnership(
  owners: ReadonlyMap<number, readonly NoteId[]>,
  current: Float32Array,
  base: Float32Array,
  rowWidth: number,
): SlotOwnership {
  const ownership = new Map<number, SlotClaim[]>();
  for (const [slot, notes] of owners) {
    if (notes.length === 0) continue;
    let square = 0;
    for (let c = slot * rowWidth; c < (slot + 1) * rowWidth; c++) square += (current[c]! - base[c]!) ** 2;
    const magnitude = Math.sqrt(square) / notes.length;
    ownership.set(slot, notes.map((note) => ({ note, magnitude })));
  }
  return ownership;
}

/** The cited notes of a pass, best first, weights summing to 1 over the notes cited. */
export function citationsOf(reads: readonly PositionReads[], ownership: SlotOwnership, limit: number, citationBackground: BackgroundSlotStats): Citation[] {
  return citeNotes(asMemoryReads(reads), ownership, { limit, weighting: 'specificity', slotIdf: slotIdfOf(citationBackground) }).map((cited) => ({ noteId: cited.note, weight: cited.share }));
}

/** The positions' reads as one MemoryReads (provenance only looks at slots and weights). */
function asMemoryReads(reads: readonly PositionReads[]): MemoryReads {
  const width = reads.find((r) => r.slots.length > 0)?.slots.length ?? 0;
  const slots = new Int32Array(reads.length * width);
  const weights = new Float32Array(reads.length * width);
  let at = 0;
  for (const position of reads) {
    if (position.slots.length !== width) continue;
    slots.set(position.slots, at);
    weights.set(position.weights, at);
    at += width;
  }
  return { positions: at / Math.max(1, width), heads: 1, topK: width, slots: slots.subarray(0, at), weights: weights.subarray(0, at) };
}
