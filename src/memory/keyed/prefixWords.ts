// The word bag of a token sequence as it grows, one token at a time: the keyed note memory's query
// at every position (the writer's training rows, the held-out loss) and at every decode step (the
// readout). Words never span whitespace, so the text up to its last whitespace is counted once and
// only the tail after it is split again: a position costs its tail and the bag's distinct words,
// not the whole text so far. Special markers count as spaces (they separate segments).

import { isSpecialToken } from '../../model/specialTokens';
import type { StreamDecoder, Tokenizer } from '../../model/tokenizer';
import { bagOfCounts, countWords, WordBag, WordFrequencies } from './wordBag';

export class PrefixWords {
  private readonly decoder: StreamDecoder;
  /** Word counts of the text before `tail`, which ends at a whitespace character. */
  private readonly settled = new Map<string, number>();
  private tail = '';
  private cached: WordBag | null = null;
  /** Tokens pushed so far. */
  length = 0;

  constructor(
    tokenizer: Tokenizer,
    private readonly words: WordFrequencies,
  ) {
    this.decoder = tokenizer.createStreamDecoder();
  }

  push(id: number): void {
    this.length++;
    const piece = isSpecialToken(id) ? ' ' : this.decoder.push(id);
    if (piece === '') return;
    this.cached = null;
    this.tail += piece;
    const cut = lastWhitespace(this.tail);
    if (cut < 0) return;
    countWords(this.tail.slice(0, cut), this.settled);
    this.tail = this.tail.slice(cut + 1);
  }

  /** The bag of everything pushed so far. */
  bag(): WordBag {
    this.cached ??= bagOfCounts(this.words, this.tail === '' ? this.settled : countWords(this.tail, new Map(this.settled)));
    return this.cached;
  }
}

/** The bag of every prefix of `ids`: entry t is the bag of ids[0..t]. */
export function prefixBags(tokenizer: Tokenizer, words: WordFrequencies, ids: readonly number[]): WordBag[] {
  const prefix = new PrefixWords(tokenizer, words);
  return ids.map(id => {
    prefix.push(id);
    return prefix.bag();
  });
}

function lastWhitespace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (/\s/.test(text[i]!)) return i;
  return -1;
}
