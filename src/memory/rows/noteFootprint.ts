// A note's footprint: the memory slots its own text reads most specifically, i.e. where the note
// lives in the model's address space. The write changes only t of them (slotSelection.ts keeps t
// small so background text is not disturbed); citations credit a pass for reading any of them,
// because a question about the note is routed to its address even when it misses the few rows the
// write moved (measured on the public set, provenanceProbe.ts (git history, scripts/experiments/; docs/decisions): provenance@1
// 0.42 on the written 256 slots alone, 0.58 on a 2,048-slot footprint).
//
//   score(i) = c(i) * idf(i)      c: read weight over the note's training sequences and its other
//                                   renderings (footprintRenderings.ts)
//
// with idf from the citation statistics (df over short documents), so a slot read by most text
// scores ~0 and is left out. Pure function.

import type { MemoryReads } from '../../model/languageModel';
import type { BackgroundSlotStats } from './backgroundStats';
import { countSlotAccesses, inverseDocumentFrequency } from './rowSelection';

/** One address pass over texts of the note: its reads, and which positions count (padding does not). */
export interface FootprintPass {
  readonly reads: MemoryReads;
  readonly positions?: Uint8Array;
}

/** Up to `size` slots with the highest read weight (summed over the passes) x idf, positive scores
 *  only, ascending. */
export function noteFootprint(passes: readonly FootprintPass[], slotCount: number, background: BackgroundSlotStats, size: number): number[] {
  if (size <= 0) return [];
  const counts = new Float64Array(slotCount);
  for (const { reads, positions } of passes) {
    const pass = countSlotAccesses(reads, slotCount, { mode: 'weight', ...(positions ? { positions } : {}) });
    for (let slot = 0; slot < slotCount; slot++) counts[slot]! += pass[slot]!;
  }
  const scored: { slot: number; score: number }[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    if (counts[slot]! <= 0) continue;
    const score = counts[slot]! * inverseDocumentFrequency(background.documentFrequency[slot] ?? 0, background.batches);
    if (score > 0) scored.push({ slot, score });
  }
  scored.sort((a, b) => b.score - a.score || a.slot - b.slot);
  return scored.slice(0, size).map((s) => s.slot).sort((a, b) => a - b);
}
