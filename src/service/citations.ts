// Citations for an answer or a completion: memory/provenance.ts ranks the notes by the reads the
// caller passes (a question's, or a completion's code and completion: see memoryService.ts) with
// 'specificity': sqrt of a slot's summed read weight times its squared idf against the citation
// statistics (df over short documents). memory/citationIndex.ts knows which notes a read of each slot
// cites: the slots each wrote and its footprint (noteFootprint.ts).

import type { BackgroundSlotStats } from '../memory/rows/backgroundStats';
import { CitedNote, citeNotes, SlotOwnership } from '../memory/citations/provenance';
import { slotIdfOf } from '../memory/rows/rowSelection';
import type { MemoryReads } from '../model/languageModel';
import type { PositionReads } from './decodingSession';
import type { Citation } from './protocol';

/** The cited notes of a pass, best first, weights summing to 1 over the notes cited. */
export function citationsOf(reads: readonly PositionReads[], ownership: SlotOwnership, limit: number, citationBackground: BackgroundSlotStats): Citation[] {
  return asCitations(citedNotes(reads, ownership, citationBackground).slice(0, limit));
}

/** Every note the reads of a pass (and of the passes over its other renderings) cite, best first. */
export function citedNotes(
  reads: readonly PositionReads[],
  ownership: SlotOwnership,
  citationBackground: BackgroundSlotStats,
  renderings: readonly MemoryReads[] = [],
): CitedNote[] {
  return citeNotes([asMemoryReads(reads), ...renderings], ownership, { weighting: 'specificity', slotIdf: slotIdfOf(citationBackground) });
}

/** The protocol's form; weights are renormalised over the notes kept. */
export function asCitations(cited: readonly CitedNote[]): Citation[] {
  let total = 0;
  for (const c of cited) total += c.score;
  return cited.map((c) => ({ noteId: c.note, weight: total > 0 ? c.score / total : 0 }));
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
