// BM25 ranking of notes against a query (a question or a code prefix): the `prompt` baseline
// pastes the top 3 into the context, and tests use it as a reference ranker. Terms are
// `indexTerms` (text/words.ts): lowercased words, identifiers also split into their parts, minus
// English stop words.

import { indexTerms } from '../text/words';

export interface Bm25Document {
  readonly id: string;
  readonly text: string;
}

export interface Bm25Hit {
  readonly id: string;
  readonly score: number;
}

export interface Bm25Options {
  /** Term-frequency saturation. Default 1.2. */
  readonly k1?: number;
  /** Length normalisation. Default 0.75. */
  readonly b?: number;
}

/** One term's BM25 score in a document: `tf` times in it, in `df` of `documents` documents, the
 *  document `relativeLength` times the average long. */
export function bm25TermScore(tf: number, df: number, documents: number, relativeLength: number, k1 = 1.2, b = 0.75): number {
  // Lucene's idf: always positive, so a term in most documents still counts a little.
  const idf = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
  return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + b * relativeLength));
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly docs: { id: string; length: number; counts: Map<string, number> }[] = [];
  private readonly documentFrequency = new Map<string, number>();
  private totalLength = 0;

  constructor(documents: readonly Bm25Document[] = [], options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    for (const document of documents) this.add(document);
  }

  get size(): number {
    return this.docs.length;
  }

  add(document: Bm25Document): void {
    const terms = indexTerms(document.text);
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const term of counts.keys()) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    this.docs.push({ id: document.id, length: terms.length, counts });
    this.totalLength += terms.length;
  }

  /** Documents with a positive score, best first; ties keep insertion order. */
  search(query: string, limit = 3): Bm25Hit[] {
    const n = this.docs.length;
    if (n === 0) return [];
    const averageLength = this.totalLength / n || 1;
    const queryTerms = [...new Set(indexTerms(query))];
    const hits: (Bm25Hit & { order: number })[] = [];
    this.docs.forEach((doc, order) => {
      let score = 0;
      for (const term of queryTerms) {
        const tf = doc.counts.get(term);
        if (!tf) continue;
        score += bm25TermScore(tf, this.documentFrequency.get(term)!, n, doc.length / averageLength, this.k1, this.b);
      }
      if (score > 0) hits.push({ id: doc.id, score, order });
    });
    hits.sort((x, y) => y.score - x.score || x.order - y.order);
    return hits.slice(0, limit).map(({ id, score }) => ({ id, score }));
  }
}
