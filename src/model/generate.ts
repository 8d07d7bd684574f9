// Text generation on a LanguageModel: prefill the prompt (or only what the cache does not hold
// yet), then decode one token at a time with the KV cache, sampling each token, until a stop token,
// a stop sequence, the token limit, the context limit or an abort. Yields each token with the memory
// slots it read, so callers can stream text and attribute it to notes.

import { KvCache } from './kvCache';
import { LanguageModel, MemoryReads } from './languageModel';
import { SamplingOptions, findStopSequence, sampleToken } from './sampling';
import { seededRandom } from './seededRandom';

export interface GenerateOptions {
  readonly maxTokens: number;
  readonly sampling: SamplingOptions;
  readonly seed: number;
  /** Token ids that end generation (not included in the output), e.g. <|endoftext|>. */
  readonly stopTokens?: readonly number[];
  /** Strings that end generation; the text is cut before the first one. Needs `decode`. */
  readonly stopSequences?: readonly string[];
  readonly decode?: (tokens: readonly number[]) => string;
  readonly signal?: AbortSignal;
}

export type FinishReason = 'stop_token' | 'stop_sequence' | 'max_tokens' | 'context' | 'aborted';

export interface GeneratedToken {
  readonly token: number;
  /** What the forward pass that produced this token read from memory (its last position). */
  readonly reads: MemoryReads | null;
}

export interface GenerationResult {
  readonly tokens: number[];
  /** Decoded text cut at a stop sequence (empty when no decode function was given). */
  readonly text: string;
  readonly reason: FinishReason;
}

/** Length of the longest common prefix, so a cache can keep what a new prompt shares with it. */
export function sharedPrefixLength(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Generates after `prompt`. `cache` may already hold a prefix of the prompt (`cachedTokens`); only
 * the rest is prefilled, at least one token, so the first logits come from this call.
 */
export async function* generate(
  model: LanguageModel,
  cache: KvCache,
  cachedTokens: readonly number[],
  prompt: readonly number[],
  options: GenerateOptions,
): AsyncGenerator<GeneratedToken, GenerationResult> {
  const keep = Math.min(sharedPrefixLength(cachedTokens.slice(0, cache.length), prompt), prompt.length - 1);
  cache.truncate(Math.max(0, keep));
  const random = seededRandom(options.seed);
  const stopTokens = new Set(options.stopTokens ?? []);
  const tokens: number[] = [];
  const textOf = () => (options.decode ? options.decode(tokens) : '');
  let step = await model.extend(cache, prompt.slice(cache.length));
  const finish = (reason: FinishReason, text = textOf()): GenerationResult => ({ tokens, text, reason });
  for (;;) {
    if (options.signal?.aborted) return finish('aborted');
    const token = sampleToken(step.logits, options.sampling, random.next);
    if (stopTokens.has(token)) return finish('stop_token');
    tokens.push(token);
    yield { token, reads: step.reads };
    if (options.stopSequences && options.stopSequences.length > 0) {
      const check = findStopSequence(textOf(), options.stopSequences);
      if (check.stopped) return finish('stop_sequence', check.text);
    }
    if (tokens.length >= options.maxTokens) return finish('max_tokens');
    if (cache.length >= cache.capacity) return finish('context');
    step = await model.extend(cache, [token]);
  }
}
