// Which notes a forward pass drew on: every read of a slot that live notes wrote gives those notes
// its read weight (split evenly when several notes share the slot); a note's citation weight is
// its share of all the memory weight the counted positions read. Ranked, best first.
//
// This is the service's stand-in until memory/provenance.ts lands; the ranking there replaces it.

import type { NoteId } from '../memory/note';
import type { PositionReads } from './decodingSession';
import type { Citation } from './protocol';

export interface CitationOptions {
  /** Keep at most this many notes. Default 5. */
  readonly limit?: number;
  /** Drop notes with less than this share of the read weight. Default 0 (any read counts). */
  readonly minWeight?: number;
}

export function citeNotes(
  reads: readonly PositionReads[],
  owners: ReadonlyMap<number, readonly NoteId[]>,
  options: CitationOptions = {},
): Citation[] {
  const weightOf = new Map<NoteId, number>();
  let total = 0;
  for (const position of reads) {
    for (let r = 0; r < position.slots.length; r++) {
      const weight = position.weights[r]!;
      total += weight;
      const notes = owners.get(position.slots[r]!);
      if (!notes || notes.length === 0) continue;
      for (const note of notes) weightOf.set(note, (weightOf.get(note) ?? 0) + weight / notes.length);
    }
  }
  if (total <= 0) return [];
  const minWeight = options.minWeight ?? 0;
  return [...weightOf]
    .map(([noteId, weight]) => ({ noteId, weight: weight / total }))
    .filter((c) => c.weight > minWeight)
    .sort((a, b) => b.weight - a.weight || (a.noteId < b.noteId ? -1 : 1))
    .slice(0, options.limit ?? 5);
}
