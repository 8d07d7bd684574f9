// A question's memory-side view, for citations: the slots its chat prompt reads and the unit-length
// states the memory's queries come from (memory/stateSimilarity.ts), for the question as given and
// its other renderings (memory/questionRenderings.ts). Notes are put through the same function,
// as questions, so both sides are read in the same layout. One memoryStates pass per rendering
// (one ONNX session for every length), independent of the value rows.

import { questionRenderings } from '../memory/citations/questionRenderings';
import { concatStates, States, unitStates } from '../memory/citations/stateSimilarity';
import { formatAnswerPrompt } from '../model/chatFormat';
import type { LanguageModel, MemoryReads } from '../model/languageModel';
import type { Tokenizer } from '../model/tokenizer';

export interface PromptStates {
  /** Reads of each rendering after the first (the first's come from the decoding itself). */
  readonly renderingReads: MemoryReads[];
  /** States of every rendering's text positions (the question and answer markers left out). */
  readonly states: States;
}

export async function promptStates(model: LanguageModel, tokenizer: Tokenizer, text: string): Promise<PromptStates> {
  const folded = text.replace(/\s+/g, ' ').trim();
  const renderingReads: MemoryReads[] = [];
  const parts: States[] = [];
  for (const [i, rendering] of [folded, ...questionRenderings(folded)].entries()) {
    const ids = formatAnswerPrompt(tokenizer, { notes: [], question: rendering }).slice(-model.config.contextLength);
    const { residual, reads } = await model.memoryStates(ids);
    if (i > 0) renderingReads.push(reads);
    parts.push(unitStates(residual, model.config.dModel, 1, ids.length - 1));
  }
  return { renderingReads, states: concatStates(parts, model.config.dModel) };
}
