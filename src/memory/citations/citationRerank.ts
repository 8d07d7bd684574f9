// Citations re-weighed by how close the question's states came to each cited note's
// (stateSimilarity.ts). The slot reads say which notes the pass drew on; among the first few, a
// note whose own states the question's resemble gets more of the weight:
//
//   score'(note) = score(note) * exp(sharpness * (maxSim(note) - best maxSim among them))
//
// Only notes the reads cited take part, so a citation still names a note whose slots were read.
// Measured with stateRerank.ts (git history, scripts/experiments/; docs/decisions) (shipped model), provenance@1 / @3:
//   public set (45 notes, 81 questions)    reads 0.691 / 0.790   re-weighed 0.802 / 0.926
//   1,000 generated notes (200 asked)      reads 0.935 / 0.975   re-weighed 0.950 / 0.990
// (sharpness 10-80 over the first 20: 0.790-0.802 / 0.901-0.926.)

import type { NoteId } from '../note';
import type { CitedNote } from './provenance';

export interface RerankOptions {
  /** How many of the reads' first notes are re-weighed (the rest are dropped). Default 20. */
  readonly candidates?: number;
  /** How strongly similarity moves the weight (per unit of MaxSim, in e-folds). Default 10. */
  readonly sharpness?: number;
}

export const DEFAULT_RERANK_CANDIDATES = 20;
export const DEFAULT_RERANK_SHARPNESS = 10;

/** The first `candidates` of `cited` (best first by reads), re-weighed and re-ranked; shares sum to 1. */
export function rerankByStates(cited: readonly CitedNote[], similarity: (note: NoteId) => number, options: RerankOptions = {}): CitedNote[] {
  const top = cited.slice(0, options.candidates ?? DEFAULT_RERANK_CANDIDATES);
  if (top.length === 0) return [];
  const sharpness = options.sharpness ?? DEFAULT_RERANK_SHARPNESS;
  const sims = top.map((c) => similarity(c.note));
  const best = Math.max(...sims);
  const scored = top.map((c, i) => ({ note: c.note, score: c.score * Math.exp(sharpness * (sims[i]! - best)) }));
  let total = 0;
  for (const s of scored) total += s.score;
  return scored
    .sort((a, b) => b.score - a.score || (a.note < b.note ? -1 : a.note > b.note ? 1 : 0))
    .map((s) => ({ note: s.note, score: s.score, share: s.score / total }));
}
