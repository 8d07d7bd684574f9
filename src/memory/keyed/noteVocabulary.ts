// A note's vocabulary: the tokens its text is written with. A chat answer that reads a note gets a
// bonus on these tokens (a copy bias, like a pointer-generator's copy distribution): the values'
// read carries the note's words, but through the final norm a few unrelated tokens with long output
// embeddings ("challeng", " national") can still outscore a rare note word (" cv", "Home"); the
// bonus keeps the answer inside the note's words where the read and the note agree.

import type { Tokenizer } from '../../model/tokenizer';
import type { NoteId } from '../note';

export type NoteVocabulary = ReadonlySet<number>;

/** The tokens of the note's text, as written at the start of a line and after a space. */
export function noteVocabulary(tokenizer: Tokenizer, text: string): NoteVocabulary {
  return new Set([...tokenizer.encode(text), ...tokenizer.encode(` ${text}`)]);
}

/** Adds bias x gate to the logit of every token of a gated note's vocabulary (a token of several
 *  gated notes gets the largest gate). In place. */
export function addCopyBias(
  logits: Float32Array,
  gates: ReadonlyMap<NoteId, number>,
  vocabularies: ReadonlyMap<NoteId, NoteVocabulary>,
  bias: number,
): void {
  if (bias === 0) return;
  const boost = new Map<number, number>();
  for (const [id, gate] of gates) for (const token of vocabularies.get(id) ?? []) boost.set(token, Math.max(boost.get(token) ?? 0, gate));
  for (const [token, gate] of boost) logits[token] = logits[token]! + bias * gate;
}
