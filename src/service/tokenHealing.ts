// Token healing for completions. A prefix that stops mid-token ("'Idempotency-Key': " ends in a
// lone space token, "window." in a lone dot) leaves the model a boundary it rarely saw in training,
// where " transaction" or ".guardian" are single tokens. So the prompt's last token is taken back
// and the first generated token must start with its bytes; the returned text drops them again.

import { BPE_RANK_COUNT } from '../model/specialTokens';
import type { Tokenizer } from '../model/tokenizer';

export interface HealedPrompt {
  readonly prompt: number[];
  /** Bytes the first generated token must start with (empty: no healing). */
  readonly removedBytes: Uint8Array;
  /** The text those bytes stand for, which the completion text starts with and must drop. */
  readonly removedText: string;
  /** Allows the first token (undefined when nothing was removed). */
  readonly allowFirst?: (token: number) => boolean;
}

/**
 * Takes back the last token when it is ordinary ASCII text after position `minLength` (the file
 * header stays); otherwise returns the prompt unchanged.
 */
export function healPrompt(tokenizer: Tokenizer, prompt: readonly number[], minLength: number): HealedPrompt {
  const last = prompt[prompt.length - 1];
  const unchanged: HealedPrompt = { prompt: [...prompt], removedBytes: new Uint8Array(0), removedText: '' };
  if (last === undefined || prompt.length <= minLength || last >= BPE_RANK_COUNT) return unchanged;
  const bytes = tokenizer.tokenBytes(last);
  if (bytes.length === 0 || bytes.some(b => b >= 0x80)) return unchanged;
  const vocabulary = vocabularyBytes(tokenizer);
  return {
    prompt: prompt.slice(0, -1),
    removedBytes: bytes,
    removedText: String.fromCharCode(...bytes),
    allowFirst: token => token < vocabulary.length && startsWith(vocabulary[token]!, bytes),
  };
}

const vocabularies = new WeakMap<Tokenizer, Uint8Array[]>();

/** Every ordinary token's bytes, by id (kept per tokenizer). */
export function vocabularyBytes(tokenizer: Tokenizer): Uint8Array[] {
  let table = vocabularies.get(tokenizer);
  if (!table) {
    table = Array.from({ length: BPE_RANK_COUNT }, (_, id) => tokenizer.tokenBytes(id));
    vocabularies.set(tokenizer, table);
  }
  return table;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
