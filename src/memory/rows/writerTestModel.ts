// A tiny random-init memory model that takes the real tokenizer's ids, for the writer, forget and
// provenance tests: fast enough to train a note in well under a second.

import { ModelConfig, tinyConfig } from '../../model/config';
import { LanguageModel } from '../../model/languageModel';
import { initParameters } from '../../model/parameters';
import { VOCAB_SIZE } from '../../model/specialTokens';
import type { BackgroundSlotStats } from './backgroundStats';

export const writerTestConfig: ModelConfig = { ...tinyConfig, vocabSize: VOCAB_SIZE, contextLength: 128 };

export function writerTestModel(seed = 7): LanguageModel {
  return new LanguageModel(writerTestConfig, initParameters(writerTestConfig, seed));
}

/** Background statistics where every fourth slot was read by every batch (idf 0: never chosen). */
export function writerTestBackground(): BackgroundSlotStats {
  const slots = writerTestConfig.pkm.nKeys ** 2;
  return { documentFrequency: Int32Array.from({ length: slots }, (_, i) => (i % 4 === 0 ? 100 : i % 7)), batches: 100 };
}
