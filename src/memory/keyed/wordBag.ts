// A text's words as a unit-length tf-idf vector, and the cosine of two: the lexical half of the keyed
// note memory's address (src/memory/README.md, "A keyed note memory"). A note's bag is its key; the
// bag of a question or code prefix so far is the query. Words are indexTerms (identifiers split
// into their parts); idf comes from document frequencies over background text (corpus documents),
// so a word every file has weighs little and a project's own names weigh much.
//
// Document frequencies are kept hashed into a fixed number of buckets: a table small enough to ship
// beside the weights, whatever the corpus's vocabulary. Collisions only merge two words' counts.

import { indexTerms } from '../text/words';

/** Word document frequencies over `documents` background documents, hashed into buckets. */
export interface WordFrequencies {
  readonly documents: number;
  /** (buckets): documents containing a word of each bucket; the length is a power of two. */
  readonly buckets: Int32Array;
}

export type WordBag = ReadonlyMap<string, number>;

const DEFAULT_BUCKETS = 1 << 16;

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function wordBucket(word: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (buckets - 1);
}

/** Counts, per bucket, the documents that contain a word hashed to it. */
export function countWordFrequencies(documents: Iterable<string>, buckets = DEFAULT_BUCKETS): WordFrequencies {
  if (!Number.isInteger(Math.log2(buckets))) throw new Error(`word frequency buckets must be a power of two, not ${buckets}`);
  const table = new Int32Array(buckets);
  let count = 0;
  for (const text of documents) {
    count++;
    for (const bucket of new Set(indexTerms(text).map(w => wordBucket(w, buckets)))) table[bucket]!++;
  }
  return { documents: count, buckets: table };
}

/** Smoothed inverse document frequency of a word: ln((N + 1) / (df + 1)). */
export function inverseDocumentFrequency(frequencies: WordFrequencies, word: string): number {
  const df = frequencies.buckets[wordBucket(word, frequencies.buckets.length)]!;
  return Math.log((frequencies.documents + 1) / (df + 1));
}

/** A note's lexical key (noteSlots.ts): its bag, and the bag's norm before it was scaled to 1. */
export interface NoteBag {
  readonly bag: WordBag;
  readonly bagNorm: number;
}

/** The note's bag and its norm (the length of its count * idf vector before scaling: how much
 *  rare text it has), from one pass over its words. */
export function noteBag(frequencies: WordFrequencies, text: string): NoteBag {
  const { bag, norm } = weightedBag(frequencies, countWords(text));
  return { bag, bagNorm: norm };
}

/** The text's words weighted count * idf, scaled to unit length (empty for a text without words). */
export function wordBag(frequencies: WordFrequencies, text: string): WordBag {
  return bagOfCounts(frequencies, countWords(text));
}

/** How often each of the text's words occurs (indexTerms), added into `into`. */
export function countWords(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const word of indexTerms(text)) into.set(word, (into.get(word) ?? 0) + 1);
  return into;
}

/** Word counts weighted count * idf, scaled to unit length. */
export function bagOfCounts(frequencies: WordFrequencies, counts: ReadonlyMap<string, number>): WordBag {
  return weightedBag(frequencies, counts).bag;
}

/** The counts weighted by idf and scaled to unit length, and the length they had. */
function weightedBag(frequencies: WordFrequencies, counts: ReadonlyMap<string, number>): { bag: WordBag; norm: number } {
  const bag = new Map<string, number>();
  let squares = 0;
  for (const [word, count] of counts) {
    const weight = count * inverseDocumentFrequency(frequencies, word);
    if (weight <= 0) continue;
    bag.set(word, weight);
    squares += weight * weight;
  }
  const norm = Math.sqrt(squares);
  for (const [word, weight] of bag) bag.set(word, weight / norm);
  return { bag, norm };
}

/** Cosine of two bags (both unit length, so the dot product); 0 when either is empty. */
export function bagCosine(a: WordBag, b: WordBag): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [word, weight] of small) dot += weight * (large.get(word) ?? 0);
  return dot;
}
