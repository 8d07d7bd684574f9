// Greedy closed-book answers for the memory bench: the question in the chat layout with no notes
// in the context, decoded with the KV cache until <|endoftext|>, keeping every pass's memory reads
// (the prompt's prefill and each decode step) for provenance.

import type { LanguageModel, MemoryReads } from '../../src/model/languageModel';
import { formatAnswerPrompt } from '../../src/model/chatFormat';
import { argmax } from '../../src/model/sampling';
import { SpecialToken } from '../../src/model/specialTokens';
import type { Tokenizer } from '../../src/model/tokenizer';

export interface ClosedBookAnswer {
  readonly text: string;
  readonly reads: MemoryReads[];
  readonly milliseconds: number;
}

export async function closedBookAnswer(model: LanguageModel, tokenizer: Tokenizer, question: string, maxTokens: number): Promise<ClosedBookAnswer> {
  const started = performance.now();
  const prompt = formatAnswerPrompt(tokenizer, { notes: [], question });
  const cache = model.newCache();
  const reads: MemoryReads[] = [];
  const tokens: number[] = [];
  let step = await model.extend(cache, prompt);
  for (;;) {
    if (step.reads) reads.push(step.reads);
    const token = argmax(step.logits);
    if (token === SpecialToken.endOfText || tokens.length >= maxTokens || cache.length >= cache.capacity) break;
    tokens.push(token);
    step = await model.extend(cache, [token]);
  }
  return { text: tokenizer.decode(tokens), reads, milliseconds: performance.now() - started };
}
