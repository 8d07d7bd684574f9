// Citations for an answer or a completion. With the keyed note memory (the shipped model): the notes
// whose slots the output's positions read, each by its share of that read mass (shareCitations).
// Without one (a model with only the product-key memory): memory/provenance.ts ranks the notes by the reads the
// caller passes (a question's, or a completion's code and completion: see memoryService.ts) with
// 'specificity': sqrt of a slot's summed read weight times its squared idf against the citation
// statistics (df over short documents). memory/citationIndex.ts knows which notes a read of each slot
// cites: the slots each wrote and its footprint (noteFootprint.ts).

import type { BackgroundSlotStats } from '../memory/rows/backgroundStats';
import { CitedNote, citeNotes, SlotOwnership } from '../memory/citations/provenance';
import { slotIdfOf } from '../memory/rows/rowSelection';
import type { NoteId } from '../memory/note';
import type { MemoryReads } from '../model/languageModel';
import type { PositionReads } from './decodingSession';
import type { Citation } from './protocol';

/** A citation's share of the read mass below this is dropped (it would show as 0-1%) and the others
 *  renormalised, so the shares shown sum to 100%. */
const MIN_CITATION_SHARE = 0.02;

/** Notes by their share of the credit (read mass), best first, at most `limit`, shares under
 *  MIN_CITATION_SHARE dropped; the kept shares sum to 1. */
export function shareCitations(credit: ReadonlyMap<NoteId, number>, limit = 5): Citation[] {
  const positive = [...credit].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = positive.reduce((sum, [, c]) => sum + c, 0);
  const kept = positive.filter(([, c]) => c / total >= MIN_CITATION_SHARE).slice(0, limit);
  const keptTotal = kept.reduce((sum, [, c]) => sum + c, 0);
  return kept.map(([noteId, c]) => ({ noteId, weight: c / keptTotal }));
}

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
