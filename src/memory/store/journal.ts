// The append-only journal: one checksummed record per operation since the last snapshot. Reading
// it tells a torn last record (a crash during append; rolled back by the store) from damage in
// the middle (the store refuses to guess). Replaying a record is the same code as doing it.

import { MemoryStoreError, ForeignFileError, StoreCorruptError, UnsupportedFormatError } from './errors';
import { decodeHeader, encodeHeader, encodeRecord, FORMAT_VERSION, scanRecord } from './framing';
import { checkJournalHeader, checkJournalRecord, JournalHeader, JournalRecord } from './records';
import { applyForget, applyWrite, checkSupersede, checkWrite, linkSupersede, planForget, RowUpdate, StoreState } from './state';

export interface JournalEntry {
  readonly record: JournalRecord;
  readonly rows: Float32Array;
  readonly offset: number;
  readonly end: number;
}

export interface JournalRead {
  readonly header: JournalHeader;
  /** Byte offset where records start. */
  readonly recordsStart: number;
  readonly entries: readonly JournalEntry[];
  /** Offset just past the last good record. */
  readonly goodEnd: number;
  /** Set when the file ends in an incomplete record (a crash during append). */
  readonly torn?: { readonly offset: number; readonly reason: string };
  /** Set when a bad record has data after it: real damage, not a torn append. */
  readonly corrupt?: { readonly offset: number; readonly reason: string };
}

export function encodeJournalHeader(header: JournalHeader): Buffer {
  return encodeHeader('journal', header);
}

export function encodeJournalRecord(record: JournalRecord, rows: readonly Float32Array[] = []): Buffer {
  return encodeRecord(record, rows);
}

/** Reads the header and records from `from` (default: the first record). Throws only for a bad header. */
export function readJournal(bytes: Buffer, file: string, from?: number): JournalRead {
  const head = decodeHeader('journal', bytes);
  if (!head.ok) {
    if (head.problem === 'foreign') throw new ForeignFileError(file, head.reason);
    if (head.problem === 'version') throw new UnsupportedFormatError(file, head.version!, FORMAT_VERSION);
    // A journal whose header never fully reached the disk: the store was being created or compacted.
    throw new StoreCorruptError(file, 0, head.reason);
  }
  const headerProblem = checkJournalHeader(head.header);
  if (headerProblem) throw new StoreCorruptError(file, 0, headerProblem);
  const entries: JournalEntry[] = [];
  let offset = from ?? head.end;
  for (;;) {
    const scan = scanRecord(bytes, offset);
    if (scan.kind === 'end') break;
    if (scan.kind === 'torn') return { header: head.header as JournalHeader, recordsStart: head.end, entries, goodEnd: offset, torn: scan };
    if (scan.kind === 'corrupt')
      return { header: head.header as JournalHeader, recordsStart: head.end, entries, goodEnd: offset, corrupt: scan };
    const problem = checkJournalRecord(scan.record.json);
    if (problem) {
      return {
        header: head.header as JournalHeader,
        recordsStart: head.end,
        entries,
        goodEnd: offset,
        corrupt: { offset, reason: problem },
      };
    }
    entries.push({ record: scan.record.json as JournalRecord, rows: scan.record.rows, offset, end: scan.record.end });
    offset = scan.record.end;
  }
  return { header: head.header as JournalHeader, recordsStart: head.end, entries, goodEnd: offset };
}

/**
 * Applies one journal record to `state`. A record that does not fit the state (wrong sequence,
 * rows that disagree) means the journal and snapshot do not belong together: StoreCorruptError.
 */
export function applyJournalEntry(state: StoreState, entry: JournalEntry, file: string): RowUpdate[] {
  const { record, rows } = entry;
  if (record.seq !== state.lastSeq + 1) {
    throw new StoreCorruptError(file, entry.offset, `record sequence ${record.seq} follows ${state.lastSeq}`);
  }
  try {
    const updates = applyRecord(state, record, rows);
    state.lastSeq = record.seq;
    return updates;
  } catch (error) {
    if (error instanceof MemoryStoreError || error instanceof RangeError) {
      throw new StoreCorruptError(
        file,
        entry.offset,
        `replaying ${record.type} record ${record.seq} failed: ${error.message.split('\n')[0]}`,
      );
    }
    throw error;
  }
}

function applyRecord(state: StoreState, record: JournalRecord, rows: Float32Array): RowUpdate[] {
  const d = state.rowWidth;
  switch (record.type) {
    case 'write': {
      const size = record.note.slots.length * d;
      if (rows.length !== 2 * size) throw new RangeError('row data does not match the slot count');
      const data = { note: record.note, prev: rows.subarray(0, size), next: rows.subarray(size) };
      checkWrite(state, data);
      return applyWrite(state, data);
    }
    case 'restore': {
      const size = record.note.slots.length * d;
      if (rows.length !== 2 * size) throw new RangeError('row data does not match the slot count');
      const data = { note: record.note, prev: rows.subarray(0, size), next: rows.subarray(size) };
      checkWrite(state, data, true);
      return applyWrite(state, data);
    }
    case 'forget': {
      const plan = planForget(state, record.noteId, record.overlap);
      return [...applyForget(state, plan, { state: 'forgotten' }).updates];
    }
    case 'supersede': {
      checkSupersede(state, record.oldId, record.newId);
      const plan = planForget(state, record.oldId, 'delta', 'supersede');
      const outcome = applyForget(state, plan, { state: 'superseded', by: record.newId });
      linkSupersede(state, record.oldId, record.newId);
      return [...outcome.updates];
    }
    case 'import': {
      if (record.mode === 'replace') return [];
      const updates: RowUpdate[] = [];
      let at = 0;
      for (const note of record.notes) {
        const size = note.slots.length * d;
        if (at + 2 * size > rows.length) throw new RangeError('import row data is too short');
        const data = { note, prev: rows.subarray(at, at + size), next: rows.subarray(at + size, at + 2 * size) };
        at += 2 * size;
        checkWrite(state, data);
        updates.push(...applyWrite(state, data));
      }
      if (at !== rows.length) throw new RangeError('import row data is too long');
      return updates;
    }
  }
}
