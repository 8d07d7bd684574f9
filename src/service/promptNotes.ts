// The notes the `prompt` baseline pastes into the context: the top 3 by BM25 against the question
// or the code before the cursor (for code, its last lines: the cue is where the cursor is).

import { Bm25Index } from '../memory/keyed/bm25';

export interface RankableNote {
  readonly id: string;
  readonly text: string;
}

export const PROMPT_NOTES = 3;
/** Lines of code before the cursor used as the BM25 query. */
const CODE_QUERY_LINES = 12;

export function codeQuery(prefix: string): string {
  return prefix.split('\n').slice(-CODE_QUERY_LINES).join('\n');
}

export class PromptNoteRanker {
  private readonly index: Bm25Index;
  private readonly textOf: Map<string, string>;

  constructor(notes: readonly RankableNote[]) {
    this.index = new Bm25Index(notes.map(n => ({ id: n.id, text: n.text })));
    this.textOf = new Map(notes.map(n => [n.id, n.text]));
  }

  /** The best `limit` notes for a query, best first (fewer when fewer match at all). */
  top(query: string, limit = PROMPT_NOTES): RankableNote[] {
    return this.index.search(query, limit).map(hit => ({ id: hit.id, text: this.textOf.get(hit.id)! }));
  }
}
