// Background slot statistics: for each memory slot, in how many of |B| background batches of the
// pretraining mix the lookup read it (df). Computed once per checkpoint by
// scripts/train/slotStatistics.ts and shipped beside the weights; slot selection divides by it.

import type { Checkpoint } from '../model/checkpoint';
import { memorySlots, ModelConfig } from '../model/config';

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
