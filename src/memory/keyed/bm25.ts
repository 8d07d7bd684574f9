// BM25 ranking of notes against a query (a question or a code prefix): the `prompt` baseline
// pastes the top 3 into the context, and tests use it as a reference ranker. Terms are
// lowercased NFKC words, with code identifiers also split into their parts
// ("window.guardianPolyfilledImport" -> window.guardianpolyfilledimport, window,
// guardianpolyfilledimport, guardian, polyfilled, import), minus English stop words.

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

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do does for from had has have how i if in into is it its no not of on or our ' +
    's so such t than that the their then there these they this to was we were what when where which who why will with would you your'
  ).split(' '),
);

/** Index terms of a text, in order, with repeats. */
export function bm25Terms(text: string): string[] {
  const terms: string[] = [];
  for (const token of text.normalize('NFKC').match(/[\p{L}\p{N}_$]+(?:[./:-][\p{L}\p{N}_$]+)*/gu) ?? []) {
    const parts = new Set<string>([token]);
    for (const part of token.split(/[./:-]+/)) {
      parts.add(part);
      for (const piece of part.split(/_+/)) parts.add(piece);
      for (const piece of part
        .replace(/([a-z\d])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .split(' '))
        parts.add(piece);
    }
    for (const part of parts) {
      const term = part.toLowerCase();
      if (term.length > 0 && !STOP_WORDS.has(term)) terms.push(term);
    }
  }
  return terms;
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
    const terms = bm25Terms(document.text);
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
    const queryTerms = [...new Set(bm25Terms(query))];
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
