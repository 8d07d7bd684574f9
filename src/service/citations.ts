// Citations for an answer or a completion: the notes whose slots in the keyed note memory the
// output's positions read, each by its share of that read mass (the service collects the credit
// through NoteSlotKeeper.readout; a copied span credits its note one unit per token it typed).

import type { NoteId } from '../memory/note';
import type { Citation } from './protocol';

/** A citation's share of the read mass below this is dropped (it would show as 0-1%) and the others
 *  renormalised, so the shares shown sum to 100%. */
const MIN_CITATION_SHARE = 0.02;

/** Notes by their share of the credit (read mass), best first, at most `limit`, shares under
 *  MIN_CITATION_SHARE dropped; the kept shares sum to 1. */
export function shareCitations(credit: ReadonlyMap<NoteId, number>, limit = 5): Citation[] {
  const positive = [...credit].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = positive.reduce((sum, [, c]) => sum + c, 0);
  const kept = positive.filter(([, c]) => c / total >= MIN_CITATION_SHARE).slice(0, limit);
  const keptTotal = kept.reduce((sum, [, c]) => sum + c, 0);
  return kept.map(([noteId, c]) => ({ noteId, weight: c / keptTotal }));
}
