// Document frequency of memory slots: over a list of batches, how many batches read each slot at
// least once (Lin et al. 2025's df(i), which the write path's tf-idf slot selection divides by).
// Runs only the write path's lower half (everything up to the memory lookup).

import { memorySlots } from '../../src/model/config';
import { LanguageModel } from '../../src/model/languageModel';

export interface SlotFrequency {
  readonly counts: Int32Array; // (S): batches that read the slot
  readonly batches: number;
  /** Fraction of slots read at least once. */
  readonly usage: number;
}

export async function slotDocumentFrequency(
  model: LanguageModel,
  batchAt: (index: number) => BigInt64Array,
  count: number,
  batch: number,
  length: number,
  onProgress?: (done: number) => void,
): Promise<SlotFrequency> {
  const counts = new Int32Array(memorySlots(model.config));
  const seen = new Int32Array(counts.length).fill(-1); // last batch that read each slot
  for (let b = 0; b < count; b++) {
    const { reads } = await model.memoryAddress(batchAt(b), batch, length);
    for (const slot of reads.slots) {
      if (seen[slot] !== b) {
        seen[slot] = b;
        counts[slot]! += 1;
      }
    }
    onProgress?.(b + 1);
  }
  let used = 0;
  for (const c of counts) if (c > 0) used++;
  return { counts, batches: count, usage: used / counts.length };
}
