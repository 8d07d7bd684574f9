// Snapshot and export files: the whole store state in one checksummed file. A snapshot is the
// store's base (the journal holds what happened since); an export is the same content under
// another magic number, holding only live notes, for sharing a store as one file.
//
//   header   SnapshotHeader (JSON)
//   note *   one record per note (JSON; format 1 had every note in one `notes` record)
//   rows     slot ids (JSON) + current rows then base rows (float32)
//   contribution * one per live note in write order: slot ids + prev rows then next rows
//   end      record count + sha256 of every byte before the end record

import { createHash } from 'node:crypto';
import type { NoteRecord } from '../note';
import { ForeignFileError, StoreCorruptError, UnsupportedFormatError } from './errors';
import { decodeHeader, encodeHeader, encodeRecord, FORMAT_VERSION, scanRecord } from './framing';
import { checkSnapshotHeader, checkSnapshotSection, noteChecksum, SnapshotHeader, SnapshotSection } from './records';
import { StoreState } from './state';

export interface EncodeOptions {
  /** Which notes to write; default all (exports pass live notes only). */
  readonly notes?: (note: NoteRecord) => boolean;
}

export function encodeSnapshot(header: SnapshotHeader, state: StoreState, options: EncodeOptions = {}): Buffer {
  const keep = options.notes ?? (() => true);
  const parts: Buffer[] = [encodeHeader(header.kind, header)];
  // One record per note: damage to one costs that note alone (recovery salvages the others).
  for (const note of state.notes.values()) if (keep(note)) parts.push(encodeRecord({ type: 'note', note, noteCrc: noteChecksum(note) }));
  const slots = [...state.rows.keys()].sort((a, b) => a - b);
  parts.push(encodeRecord({ type: 'rows', slots }, [...slots.map(s => state.rows.get(s)!), ...slots.map(s => state.base.get(s)!)]));
  for (const c of state.contributions.values()) {
    parts.push(encodeRecord({ type: 'contribution', noteId: c.noteId, slots: c.slots }, [c.prev, c.next]));
  }
  const body = Buffer.concat(parts);
  const sha256 = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([body, encodeRecord({ type: 'end', records: parts.length - 1, sha256 })]);
}

export interface DecodedSnapshot {
  readonly header: SnapshotHeader;
  readonly state: StoreState;
  /** sha256 of the whole file, for import records. */
  readonly fileSha256: string;
}

/** Parses a snapshot or export file; throws a typed error naming `file` if it is not sound. */
export function decodeSnapshot(kind: 'snapshot' | 'export', bytes: Buffer, file: string): DecodedSnapshot {
  const head = decodeHeader(kind, bytes);
  if (!head.ok) {
    if (head.problem === 'foreign') throw new ForeignFileError(file, head.reason);
    if (head.problem === 'version') throw new UnsupportedFormatError(file, head.version!, FORMAT_VERSION);
    throw new StoreCorruptError(file, 0, head.reason);
  }
  const headerProblem = checkSnapshotHeader(head.header, kind);
  if (headerProblem) throw new StoreCorruptError(file, 0, headerProblem);
  const header = head.header as SnapshotHeader;
  const state = new StoreState(header.rowWidth, header.slotCount);
  state.lastSeq = header.lastSeq;

  const corrupt = (offset: number, reason: string) => new StoreCorruptError(file, offset, reason);
  let offset = head.end;
  let records = 0;
  for (;;) {
    const scan = scanRecord(bytes, offset);
    if (scan.kind === 'end') throw corrupt(offset, 'the file ends before its end record (truncated)');
    if (scan.kind !== 'record') throw corrupt(scan.offset, scan.reason);
    const { json, rows, end } = scan.record;
    const problem = checkSnapshotSection(json);
    if (problem) throw corrupt(offset, problem);
    const section = json as SnapshotSection;
    if (section.type === 'end') {
      const sha = createHash('sha256').update(bytes.subarray(0, offset)).digest('hex');
      if (sha !== section.sha256 || section.records !== records) throw corrupt(offset, 'sha256 of the file does not match its end record');
      if (end !== bytes.length) throw corrupt(end, 'bytes after the end record');
      break;
    }
    const sectionProblem = loadSection(state, section, rows);
    if (sectionProblem) throw corrupt(offset, sectionProblem);
    records++;
    offset = end;
  }
  for (const note of state.notes.values()) {
    if (note.state === 'live' && !state.contributions.has(note.id)) throw corrupt(offset, `live note ${note.id} has no rows record`);
  }
  return { header, state, fileSha256: createHash('sha256').update(bytes).digest('hex') };
}

export function loadSection(state: StoreState, section: Exclude<SnapshotSection, { type: 'end' }>, rows: Float32Array): string | undefined {
  const d = state.rowWidth;
  const outOfRange = (slots: readonly number[]) => slots.find(s => s >= state.slotCount);
  switch (section.type) {
    case 'notes':
      for (const note of section.notes) state.notes.set(note.id, note);
      return undefined;
    case 'note':
      if (state.notes.has(section.note.id)) return `note ${section.note.id} appears twice`;
      state.notes.set(section.note.id, section.note);
      return undefined;
    case 'rows': {
      if (outOfRange(section.slots) !== undefined) return 'rows section has a slot outside the value table';
      if (rows.length !== 2 * section.slots.length * d) return 'rows section has the wrong amount of row data';
      const n = section.slots.length;
      section.slots.forEach((slot, i) => {
        state.rows.set(slot, rows.slice(i * d, (i + 1) * d));
        state.base.set(slot, rows.slice((n + i) * d, (n + i + 1) * d));
      });
      return undefined;
    }
    case 'contribution': {
      const note = state.notes.get(section.noteId);
      if (!note || note.state !== 'live') return `rows record for ${section.noteId}, which is not a live note`;
      const size = section.slots.length * d;
      if (rows.length !== 2 * size) return `rows record for ${section.noteId} has the wrong amount of row data`;
      if (section.slots.some(s => !state.rows.has(s))) return `rows record for ${section.noteId} names a slot with no current row`;
      state.contributions.set(section.noteId, {
        noteId: section.noteId,
        slots: section.slots,
        prev: rows.slice(0, size),
        next: rows.slice(size),
      });
      return undefined;
    }
  }
}
