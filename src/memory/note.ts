// A remembered note as the memory store indexes it: id, text, kind, author, time, the value-row
// slots its write changed, supersede links and its state. The rows themselves live in the store.

/** A note's id. Branded so a plain string (a slot key, a file name) is never passed by mistake. */
export type NoteId = string & { readonly __brand: 'NoteId' };

export const NOTE_KINDS = ['decision', 'convention', 'bug', 'note'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/**
 * live: its rows are in memory. forgotten: its rows were restored and its text erased (a tombstone
 * so ids are never reused). superseded: its rows were restored because a newer note replaced it;
 * the text is kept so the history reads well.
 */
export type NoteState = 'live' | 'forgotten' | 'superseded';

export interface NoteRecord {
  readonly id: NoteId;
  /** The note's text; '' once forgotten. */
  readonly text: string;
  readonly kind: NoteKind;
  readonly author: string;
  /** ISO 8601 time the note was written. */
  readonly created: string;
  /** Value-table slot ids its write changed, ascending. */
  readonly slots: readonly number[];
  /** The slots the note's own text reads most specifically (its address in memory), ascending;
   *  citations credit reads of these as well as of `slots`. Absent in notes written before
   *  footprints existed: their written slots stand in. */
  readonly footprint?: readonly number[];
  readonly supersedes?: NoteId;
  readonly supersededBy?: NoteId;
  readonly state: NoteState;
}

/** Ids are short and safe in file names, CLI arguments and JSON: letters, digits, '.', '_', '-'. */
const NOTE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isNoteId(value: unknown): value is NoteId {
  return typeof value === 'string' && NOTE_ID_PATTERN.test(value);
}

/** Checks a caller-chosen id (the eval uses the set's ids such as "p001"). */
export function toNoteId(value: string): NoteId {
  if (!isNoteId(value)) {
    throw new TypeError(
      `"${value.slice(0, 80)}" is not a valid note id: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return value;
}

export function isNoteKind(value: unknown): value is NoteKind {
  return typeof value === 'string' && (NOTE_KINDS as readonly string[]).includes(value);
}
