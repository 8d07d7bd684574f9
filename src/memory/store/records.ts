// The records a memory store file holds, as TypeScript types, with runtime checks for reading
// them back. Journal records are operations (write, forget, supersede, import); snapshot records
// are state (notes, rows, contributions, end). Row data travels beside the JSON (storeFraming.ts).

import { crc32 } from 'node:zlib';
import { isNoteId, isNoteKind, NoteId, NoteRecord, NoteState } from '../note';
import type { ModelIdentity } from './errors';

/** The header of a snapshot or export file. */
export interface SnapshotHeader {
  readonly kind: 'snapshot' | 'export';
  readonly storeId: string;
  readonly model: ModelIdentity;
  /** Floats per value row (the model's d_model). */
  readonly rowWidth: number;
  /** Rows in the model's value table; every slot id is below it. */
  readonly slotCount: number;
  readonly created: string;
  /** Bumped by every compaction; the journal must carry the same number. */
  readonly generation: number;
  /** Sequence number of the last operation folded into this snapshot. */
  readonly lastSeq: number;
}

export interface JournalHeader {
  readonly kind: 'journal';
  readonly storeId: string;
  readonly generation: number;
}

export type OverlapPolicy = 'delta' | 'refuse';

/** Rows: prev (slots.length * rowWidth floats) then next (same). */
export interface WriteRecord {
  readonly type: 'write';
  readonly seq: number;
  readonly note: NoteRecord;
  /** noteChecksum(note), so recovery can keep the text of a record whose rows are damaged (absent before format 2). */
  readonly noteCrc?: number;
}

/**
 * A checksum of the note record alone. A record's frame checksum covers its rows too (hundreds of
 * KiB); with this, damage in the rows still leaves the note's text provably intact.
 */
export function noteChecksum(note: NoteRecord): number {
  return crc32(Buffer.from(JSON.stringify(note), 'utf8'));
}

export interface ForgetRecord {
  readonly type: 'forget';
  readonly seq: number;
  readonly noteId: NoteId;
  readonly overlap: OverlapPolicy;
  readonly time: string;
}

export interface SupersedeRecord {
  readonly type: 'supersede';
  readonly seq: number;
  readonly oldId: NoteId;
  readonly newId: NoteId;
  readonly time: string;
}

/**
 * mode merge: rows hold, for each imported note in order, prev then next already rebased onto this
 * store's rows, so replaying it is a sequence of writes. mode replace: a marker after the snapshot
 * that replaced the store (no rows).
 */
export interface ImportRecord {
  readonly type: 'import';
  readonly seq: number;
  readonly mode: 'merge' | 'replace';
  readonly time: string;
  readonly source: { readonly sha256: string; readonly storeId: string; readonly fileName: string };
  readonly notes: readonly NoteRecord[];
}

/**
 * Undo of a forget: the forgotten note (same id, its text, slots, footprint) is live again.
 * Rows: prev then next, as a write's (next - prev is the note's own change, put back on the rows
 * as they are at the undo: bit for bit its old rows when nothing changed them since).
 */
export interface RestoreRecord {
  readonly type: 'restore';
  readonly seq: number;
  readonly note: NoteRecord;
  readonly noteCrc?: number;
}

export type JournalRecord = WriteRecord | ForgetRecord | SupersedeRecord | ImportRecord | RestoreRecord;

/** Format 1: every note in one record (still read; damage there cost every note). */
export interface NotesSection {
  readonly type: 'notes';
  readonly notes: readonly NoteRecord[];
}
/** Format 2: one record per note, so damage costs at most the note it hits. */
export interface NoteSection {
  readonly type: 'note';
  readonly note: NoteRecord;
  readonly noteCrc?: number;
}
/** Rows: current (slots.length * rowWidth) then base (same). */
export interface RowsSection {
  readonly type: 'rows';
  readonly slots: readonly number[];
}
/** One live note's write, rows: prev then next. */
export interface ContributionSection {
  readonly type: 'contribution';
  readonly noteId: NoteId;
  readonly slots: readonly number[];
}
/** Last record of a snapshot or export: sha256 over every byte before this record. */
export interface EndSection {
  readonly type: 'end';
  readonly records: number;
  readonly sha256: string;
}
export type SnapshotSection = NotesSection | NoteSection | RowsSection | ContributionSection | EndSection;

// ---- runtime checks; each returns a reason string when the value is malformed ----

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSlotList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(s => Number.isInteger(s) && s >= 0);
}

const NOTE_STATES: readonly NoteState[] = ['live', 'forgotten', 'superseded'];

export function checkNoteRecord(value: unknown): string | undefined {
  if (!isObject(value)) return 'note is not an object';
  if (!isNoteId(value.id)) return 'note id is invalid';
  if (typeof value.text !== 'string') return `note ${value.id}: text is not a string`;
  if (!isNoteKind(value.kind)) return `note ${value.id}: unknown kind`;
  if (typeof value.author !== 'string' || typeof value.created !== 'string') return `note ${value.id}: author/created missing`;
  if (!isSlotList(value.slots)) return `note ${value.id}: slots are not a list of slot ids`;
  if (value.footprint !== undefined && !isSlotList(value.footprint)) return `note ${value.id}: footprint is not a list of slot ids`;
  if (!NOTE_STATES.includes(value.state as NoteState)) return `note ${value.id}: unknown state`;
  if (value.supersedes !== undefined && !isNoteId(value.supersedes)) return `note ${value.id}: supersedes is invalid`;
  if (value.supersededBy !== undefined && !isNoteId(value.supersededBy)) return `note ${value.id}: supersededBy is invalid`;
  return undefined;
}

export function checkSnapshotHeader(value: unknown, kind: 'snapshot' | 'export'): string | undefined {
  if (!isObject(value) || value.kind !== kind) return `header is not a ${kind} header`;
  if (typeof value.storeId !== 'string') return 'header has no storeId';
  if (!isObject(value.model) || typeof value.model.id !== 'string' || typeof value.model.sha256 !== 'string')
    return 'header has no model identity';
  for (const key of ['rowWidth', 'slotCount', 'generation', 'lastSeq'] as const) {
    if (!Number.isInteger(value[key]) || (value[key] as number) < 0) return `header ${key} is invalid`;
  }
  return undefined;
}

export function checkJournalHeader(value: unknown): string | undefined {
  if (!isObject(value) || value.kind !== 'journal') return 'header is not a journal header';
  if (typeof value.storeId !== 'string' || !Number.isInteger(value.generation)) return 'journal header is incomplete';
  return undefined;
}

export function checkJournalRecord(value: unknown): string | undefined {
  if (!isObject(value) || !Number.isInteger(value.seq)) return 'record has no sequence number';
  switch (value.type) {
    case 'write':
    case 'restore':
      return checkNoteRecord(value.note);
    case 'forget':
      return isNoteId(value.noteId) && (value.overlap === 'delta' || value.overlap === 'refuse') ? undefined : 'forget record is malformed';
    case 'supersede':
      return isNoteId(value.oldId) && isNoteId(value.newId) ? undefined : 'supersede record is malformed';
    case 'import': {
      if (value.mode !== 'merge' && value.mode !== 'replace') return 'import record has no mode';
      if (!Array.isArray(value.notes)) return 'import record has no notes';
      for (const note of value.notes) {
        const problem = checkNoteRecord(note);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return `unknown record type ${JSON.stringify(value.type)}`;
  }
}

export function checkSnapshotSection(value: unknown): string | undefined {
  if (!isObject(value)) return 'section is not an object';
  switch (value.type) {
    case 'notes': {
      if (!Array.isArray(value.notes)) return 'notes section has no list';
      for (const note of value.notes) {
        const problem = checkNoteRecord(note);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'note':
      return checkNoteRecord(value.note);
    case 'rows':
      return isSlotList(value.slots) ? undefined : 'rows section has bad slots';
    case 'contribution':
      return isNoteId(value.noteId) && isSlotList(value.slots) ? undefined : 'contribution section is malformed';
    case 'end':
      return typeof value.sha256 === 'string' && Number.isInteger(value.records) ? undefined : 'end section is malformed';
    default:
      return `unknown section type ${JSON.stringify(value.type)}`;
  }
}
