// Whether the keyed note memory has something to answer a chat question with (src/memory/README.md,
// "Honest chat"). The decision is the memory's own read at the answer's first position: the note
// gate of the question (noteSlots.ts `gates`, chat purpose), before any token is decoded. A question
// whose best note's gate is under `answerGate` is not answered: the model's text would come from the
// base model alone (it cannot answer without its memory) or from a note the question barely matches,
// and a user is better told that no remembered note covers it. Up to `relatedLimit` notes whose gate
// is at least `relatedGate` are offered as "maybe related", never as sources.
//
// A question must also share with its best note words whose corpus idfs (wordBag.ts) sum to at least
// `sharedIdfMass`: an everyday coding question ("How do I reverse a string?") gates a note through a
// common word or two, a question about the note's subject shares a name or several of its terms.
//
// answerGate was chosen on the public set (abstainDiag.ts (git history, scripts/experiments/; docs/decisions): the largest gate that
// costs no public answer) and checked on the dev set; figures in
// docs/decisions/2026-12-07-chat-abstention.md.

import type { NoteId } from '../note';

export interface AnswerSupportSettings {
  /** A question is answered only when its best note's gate is at least this (0 = always answer). */
  readonly answerGate: number;
  /** The best note must share with the question words whose corpus idfs sum to at least this (0 = off). */
  readonly sharedIdfMass: number;
  /** Notes listed as "maybe related" beside an abstention need at least this gate. */
  readonly relatedGate: number;
  /** At most this many "maybe related" notes. */
  readonly relatedLimit: number;
}

export const defaultAnswerSupportSettings: AnswerSupportSettings = {
  answerGate: 0.15,
  sharedIdfMass: 6,
  relatedGate: 0.01,
  relatedLimit: 3,
};

/** A note the question came near, with its gate (not a source of anything). */
export interface RelatedNote {
  readonly note: NoteId;
  readonly gate: number;
}

export type AnswerSupport =
  | { readonly kind: 'supported'; readonly best: RelatedNote }
  | { readonly kind: 'unsupported'; readonly reason: 'no-notes' | 'no-note-fits'; readonly related: readonly RelatedNote[] };

/** The decision for a question whose gates (note -> gate, notes under the floor left out) are
 *  `gates`, out of `noteCount` notes in the memory; `sharedIdf` gives the summed idf of the words the
 *  question shares with a note (NoteSlotMemory.sharedIdfMass; without it, not checked). */
export function answerSupport(
  gates: ReadonlyMap<NoteId, number>,
  noteCount: number,
  settings: AnswerSupportSettings = defaultAnswerSupportSettings,
  sharedIdf?: (note: NoteId) => number,
): AnswerSupport {
  if (noteCount === 0) return { kind: 'unsupported', reason: 'no-notes', related: [] };
  const ranked = [...gates]
    .map(([note, gate]) => ({ note, gate }))
    .sort((a, b) => b.gate - a.gate || (a.note < b.note ? -1 : a.note > b.note ? 1 : 0));
  const best = ranked[0];
  const specific = (note: NoteId) => !sharedIdf || settings.sharedIdfMass <= 0 || sharedIdf(note) >= settings.sharedIdfMass;
  if (best && best.gate >= settings.answerGate && specific(best.note)) return { kind: 'supported', best };
  return {
    kind: 'unsupported',
    reason: 'no-note-fits',
    related: ranked.filter(r => r.gate >= settings.relatedGate).slice(0, settings.relatedLimit),
  };
}
