// One sequence being decoded greedily with a KV cache, kept between requests: a new prompt that
// shares a prefix with what the cache holds (the next keystroke's completion, the next question)
// only runs its new tokens.
//
// Cached keys/values above the memory layer depend on the memory rows, so the cache is only reused
// while the rows are unchanged: callers pass the memory's version, and any change empties the cache.
// The keyed note memory reads at the output, after every block, so it never touches the cache: a
// `readout` turns each step's final state into the logits with what it read added.

import type { KvCache } from '../model/kvCache';
import type { LanguageModel } from '../model/languageModel';
import { argmax } from '../model/sampling';

export type DecodeStop = 'stop_token' | 'stop_rule' | 'max_tokens' | 'context' | 'aborted';

export interface DecodeOptions {
  readonly maxTokens: number;
  /** Token ids that end decoding; they are not part of the output. */
  readonly stopTokens: ReadonlySet<number>;
  /** Tokens generated first whatever the logits say (a span copied from a note), then greedy. */
  readonly forced?: readonly number[];
  /** Restricts the first token the logits choose, after any forced ones (token healing, the end of a
   *  copied span); undefined allows every token. */
  readonly allowFirst?: (token: number) => boolean;
  /** Called after each token; returning true ends decoding after that token. */
  readonly onToken?: (token: number, tokens: readonly number[]) => boolean | void;
  readonly signal?: AbortSignal;
  /** The keyed note memory's read: the logits for the last position from its final state and the
   *  whole sequence so far, or null to keep the model's own. */
  readonly readout?: (state: Float32Array, tokens: readonly number[]) => Promise<Float32Array | null>;
  /** Once the generated tokens' probabilities multiply to less than this, the rest are not
   *  computed (reported as 0): a softmax over the vocabulary costs ~0.4 ms a token. Default 0: all. */
  readonly probabilityFloor?: number;
}

export interface DecodeResult {
  readonly tokens: number[];
  readonly stop: DecodeStop;
  readonly promptLength: number;
  /** Milliseconds from the call to the first token (or to the end when none came). */
  readonly firstTokenMs: number;
  /** Prompt tokens that came from the cache instead of being run again. */
  readonly reusedTokens: number;
  /** Per generated token, the probability the logits gave it (among the allowed tokens when
   *  `allowFirst` restricted the choice); 1 for a forced token. The completion's confidence. */
  readonly probabilities: number[];
}

export class DecodingSession {
  private readonly cache: KvCache;
  private tokens: number[] = [];
  private memoryVersion = -1;

  constructor(private readonly model: LanguageModel) {
    this.cache = model.newCache();
  }

  get capacity(): number {
    return this.cache.capacity;
  }

  /** Empties the cache (the memory rows changed, or the model did). */
  reset(): void {
    this.cache.truncate(0);
    this.tokens = [];
  }

  /** Greedy decoding after `prompt`; `memoryVersion` says which memory rows the caller runs with. */
  async decode(prompt: readonly number[], memoryVersion: number, options: DecodeOptions): Promise<DecodeResult> {
    const started = performance.now();
    if (prompt.length === 0) throw new RangeError('decode: empty prompt');
    if (prompt.length >= this.cache.capacity)
      throw new RangeError(`decode: a prompt of ${prompt.length} tokens leaves no room in a context of ${this.cache.capacity}`);
    if (memoryVersion !== this.memoryVersion) {
      this.reset();
      this.memoryVersion = memoryVersion;
    }
    const keep = Math.min(sharedPrefix(this.tokens, prompt), prompt.length - 1);
    this.truncate(keep);
    const logitsOf = async (out: { logits: Float32Array; state: Float32Array }) =>
      options.readout ? ((await options.readout(out.state, this.tokens)) ?? out.logits) : out.logits;
    let step = await logitsOf(await this.feed(prompt.slice(keep)));
    const generated: number[] = [];
    const probabilities: number[] = [];
    let product = 1;
    let firstTokenMs: number | undefined;
    const finish = (stop: DecodeStop): DecodeResult => ({
      tokens: generated,
      stop,
      promptLength: prompt.length,
      firstTokenMs: firstTokenMs ?? performance.now() - started,
      reusedTokens: keep,
      probabilities,
    });
    for (;;) {
      if (options.signal?.aborted) return finish('aborted');
      const forced = options.forced?.[generated.length];
      const allow = forced === undefined && generated.length === (options.forced?.length ?? 0) ? options.allowFirst : undefined;
      const token = forced ?? (allow ? constrainedArgmax(step, allow) : argmax(step));
      firstTokenMs ??= performance.now() - started;
      if (options.stopTokens.has(token)) return finish('stop_token');
      generated.push(token);
      if (forced !== undefined) probabilities.push(1);
      else if (product < (options.probabilityFloor ?? 0)) probabilities.push(0);
      else probabilities.push(allow ? probabilityOf(step, token, allow) : argmaxProbability(step, token));
      product *= probabilities.at(-1)!;
      if (options.onToken?.(token, generated) === true) return finish('stop_rule');
      if (generated.length >= options.maxTokens) return finish('max_tokens');
      if (this.tokens.length >= this.cache.capacity) return finish('context');
      step = await logitsOf(await this.feed([token]));
    }
  }

  private truncate(length: number): void {
    this.cache.truncate(length);
    this.tokens.length = length;
  }

  /** Runs tokens after the cache; returns the logits and final state after the last one. */
  private async feed(tokens: readonly number[]): Promise<{ logits: Float32Array; state: Float32Array }> {
    const { logits, state } = await this.model.extend(this.cache, tokens);
    this.tokens.push(...tokens);
    return { logits, state };
  }
}

function sharedPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Softmax probability of `token` under the logits, over the allowed tokens only when `allow` is given. */
export function probabilityOf(logits: Float32Array, token: number, allow?: (token: number) => boolean): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if ((!allow || allow(i)) && logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) if (!allow || allow(i)) sum += Math.exp(logits[i]! - max);
  return Math.exp(logits[token]! - max) / sum;
}

/** probabilityOf for the argmax itself, in one pass: its logit is the largest. */
function argmaxProbability(logits: Float32Array, token: number): number {
  const top = logits[token]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - top);
  return 1 / sum;
}

function constrainedArgmax(logits: Float32Array, allow: (token: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < logits.length; i++) {
    if (!allow(i)) continue;
    if (best < 0 || logits[i]! > logits[best]!) best = i;
  }
  return best < 0 ? argmax(logits) : best;
}
