// Background slot statistics: for each memory slot, in how many of |B| background windows the
// lookup read it (df). Computed once per checkpoint and shipped beside the weights
// (slot-df.safetensors); slot selection divides by it. bench/memory/backgroundStats.ts computes it
// over code windows and chat exchanges separately and merges the two (see mergeBackgrounds).

import type { Checkpoint } from '../../model/checkpoint';
import { memorySlots, ModelConfig } from '../../model/config';
import type { LanguageModel } from '../../model/languageModel';

export interface BackgroundSlotStats {
  /** (S): background batches that read each slot. */
  readonly documentFrequency: Int32Array;
  /** |B|: how many batches were counted; 0 means "no statistics" (selection uses tf alone). */
  readonly batches: number;
}

/** The statistics a loaded checkpoint carries, or null when it has none. */
export function backgroundStatsOf(checkpoint: Checkpoint): BackgroundSlotStats | null {
  const stats = checkpoint.manifest.slotStatistics;
  if (!checkpoint.slotDocumentFrequency || !stats) return null;
  const slots = memorySlots(checkpoint.manifest.config);
  if (checkpoint.slotDocumentFrequency.length !== slots) {
    throw new Error(`slot statistics cover ${checkpoint.slotDocumentFrequency.length} slots, the model has ${slots}`);
  }
  return { documentFrequency: checkpoint.slotDocumentFrequency, batches: stats.batches };
}

/** No background: every slot has df 0 over 0 batches, so slot selection ranks by tf alone. */
export function noBackgroundStats(config: ModelConfig): BackgroundSlotStats {
  return { documentFrequency: new Int32Array(memorySlots(config)), batches: 0 };
}

/**
 * df over background text: each window of `length` tokens is cut into documents of `segment`
 * tokens (default: the whole window), and a slot's df is the number of documents in which the
 * memory lookup read it at least once. Short documents keep df from saturating: with 64 reads per
 * token over 16,384 slots, a 256-token window reads most slots, so df over whole windows says
 * little about how often a slot is read, while over 16-token documents it is close to proportional
 * to it. Runs only the blocks below the memory, `batch` windows a run.
 */
export async function countDocumentFrequency(
  model: LanguageModel,
  windows: readonly ArrayLike<number>[],
  length: number,
  options: { batch?: number; segment?: number; onProgress?: (done: number) => void } = {},
): Promise<BackgroundSlotStats> {
  const B = options.batch ?? 8;
  const segment = options.segment ?? length;
  if (!Number.isInteger(segment) || segment < 1 || length % segment !== 0)
    throw new RangeError(`segment ${segment} must divide the window length ${length}`);
  const slots = memorySlots(model.config);
  const documentFrequency = new Int32Array(slots);
  const lastSeen = new Int32Array(slots).fill(-1);
  let documents = 0;
  for (let first = 0; first < windows.length; first += B) {
    const tokens = new BigInt64Array(B * length);
    for (let row = 0; row < B; row++) {
      const window = windows[Math.min(first + row, windows.length - 1)]!; // a short last batch repeats its last window
      if (window.length < length) throw new RangeError(`background window of ${window.length} tokens, need ${length}`);
      for (let t = 0; t < length; t++) tokens[row * length + t] = BigInt(window[t]!);
    }
    const { reads } = await model.memoryAddress(tokens, B, length);
    const perPosition = reads.heads * reads.topK;
    for (let row = 0; row < B && first + row < windows.length; row++) {
      for (let start = 0; start < length; start += segment) {
        const document = documents++;
        for (let r = (row * length + start) * perPosition; r < (row * length + start + segment) * perPosition; r++) {
          const slot = reads.slots[r]!;
          if (lastSeen[slot] !== document) {
            lastSeen[slot] = document;
            documentFrequency[slot]! += 1;
          }
        }
      }
    }
    options.onProgress?.(Math.min(first + B, windows.length));
  }
  return { documentFrequency, batches: documents };
}

/**
 * One background from several (e.g. code windows and chat exchanges): a slot's frequency is its
 * highest share in any of them, over the largest |B|. A slot every question reads is generic even
 * if code rarely reads it, and tf-idf must not spend a write on it.
 */
export function mergeBackgrounds(backgrounds: readonly BackgroundSlotStats[]): BackgroundSlotStats {
  if (backgrounds.length === 0) throw new RangeError('mergeBackgrounds: nothing to merge');
  const batches = Math.max(...backgrounds.map(b => b.batches));
  const slots = backgrounds[0]!.documentFrequency.length;
  const documentFrequency = new Int32Array(slots);
  for (const background of backgrounds) {
    if (background.documentFrequency.length !== slots) throw new RangeError('mergeBackgrounds: backgrounds of different slot counts');
    if (background.batches <= 0) continue;
    const scale = batches / background.batches;
    for (let slot = 0; slot < slots; slot++) {
      documentFrequency[slot] = Math.max(
        documentFrequency[slot]!,
        Math.min(batches, Math.round(background.documentFrequency[slot]! * scale)),
      );
    }
  }
  return { documentFrequency, batches };
}
