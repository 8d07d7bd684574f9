// Recovery of a damaged store: every intact record of the snapshot and the journal is kept, and
// damage costs only what the damaged record held. The note text is the record; everything else is
// derived, so:
//
//   - a damaged note record (one per note since format 2) loses that note; its rows record, if
//     intact, is removed from the rows as a forget would remove it;
//   - a damaged rows record is rebuilt from the notes' contributions (base = the first write's
//     prev, current = the last write's next);
//   - a damaged contribution is rebuilt from the rows: the current row minus the base minus every
//     other note's change on that slot;
//   - a note whose text survives but whose rows cannot be rebuilt is kept, with no rows: its memory
//     slots (noteSlotKeeper) are learned again from its text;
//   - a damaged header falls back to the model binding and the journal's store id;
//   - the journal is read past a damaged record (resynchronised on the next intact frame), and a
//     later write whose rows assumed a lost one is rebased onto the rows as they are.
//
// Pure: bytes in, state and a report out. storeLoad.ts writes the result and moves the old files aside.

import { randomUUID } from 'node:crypto';
import type { NoteId, NoteRecord } from '../note';
import { MemoryStoreError } from './errors';
import { decodeHeader, DecodedRecord, DamagedRange, salvageRecords } from './framing';
import { applyJournalEntry } from './journal';
import type { ModelBinding } from './load';
import {
  checkJournalHeader,
  checkJournalRecord,
  checkNoteRecord,
  noteChecksum,
  checkSnapshotHeader,
  checkSnapshotSection,
  JournalHeader,
  JournalRecord,
  SnapshotHeader,
  SnapshotSection,
} from './records';
import { applyForget, applyWrite, bitsEqual, checkWrite, Contribution, planForget, StoreState } from './state';

export interface SalvageInput {
  readonly snapshot?: { readonly file: string; readonly bytes: Buffer };
  readonly journal?: { readonly file: string; readonly bytes: Buffer };
  readonly model: ModelBinding;
  readonly now: () => Date;
}

/** What recovery keeps and what it cannot, for the user and the tests. */
export interface SalvageReport {
  /** Live notes kept, with their text. */
  readonly liveNotes: number;
  /** Stretches of each file that could not be read. */
  readonly damaged: readonly { readonly file: string; readonly range: DamagedRange }[];
  /** Notes known to be lost (named by a surviving contribution or journal record). */
  readonly lostNotes: readonly NoteId[];
  /** Journal operations that could not be read or replayed. */
  readonly lostOperations: number;
  /** Live notes kept whose memory rows were lost: their slots are learned again from the text. */
  readonly relearn: readonly NoteId[];
  /** Whether the snapshot's header was lost (the model binding and the journal stood in). */
  readonly headerRebuilt: boolean;
  /**
   * Whether every kept row is known exactly: the snapshot's rows survived (or were rebuilt from
   * every contribution). Without them a journal write's prev rows may still hold a lost note's
   * change (the store never has the model's own rows to tell).
   */
  readonly rowsExact: boolean;
  /** Neither file's header could be read: the store was started anew (with any records found). */
  readonly startedAnew: boolean;
  readonly messages: readonly string[];
}

export interface Salvaged {
  readonly header: SnapshotHeader;
  readonly state: StoreState;
  readonly report: SalvageReport;
}

interface SnapshotParts {
  header?: SnapshotHeader;
  readonly notes: Map<NoteId, NoteRecord>;
  rows?: { readonly slots: readonly number[]; readonly data: Float32Array };
  readonly contributions: Contribution[];
  readonly damaged: DamagedRange[];
  /** Whether the end record was read (the file was not cut short). */
  sawEnd: boolean;
}

/** Everything intact in a snapshot and a journal, as one consistent state. */
export function salvageStore(input: SalvageInput): Salvaged {
  const { model } = input;
  const messages: string[] = [];
  const damaged: { file: string; range: DamagedRange }[] = [];
  const parts = input.snapshot ? readSnapshotParts(input.snapshot.bytes, model) : emptyParts();
  for (const range of parts.damaged) damaged.push({ file: input.snapshot!.file, range });

  const built = rebuildState(parts, model);
  const relearn = [...built.relearn];
  const lostNotes = [...built.orphans];
  const journal = input.journal ? readJournalParts(input.journal.bytes) : undefined;
  for (const range of journal?.damaged ?? []) damaged.push({ file: input.journal!.file, range });
  const state = built.state;
  if (parts.header) state.lastSeq = parts.header.lastSeq;

  // A journal of another store is not ours to replay; one of an older generation is already folded in.
  const journalUsable =
    journal !== undefined &&
    (!journal.header ||
      !parts.header ||
      (journal.header.storeId === parts.header.storeId && journal.header.generation >= parts.header.generation));
  let lostOperations = journal?.damaged.length ?? 0;
  if (journal && !journalUsable)
    messages.push('The journal belongs to another store or an older generation; none of its records were replayed.');
  if (journal && journalUsable) {
    for (const record of journal.records) {
      const problem = checkJournalRecord(record.json);
      if (problem) {
        lostOperations++;
        continue;
      }
      const entry = record.json as JournalRecord;
      if (entry.seq <= state.lastSeq) continue;
      if (record.rowsLost && (entry.type === 'write' || entry.type === 'restore')) {
        // Its rows are damaged, its note is proven intact: keep the note with no written rows.
        state.lastSeq = entry.seq - 1;
        const outcome = replaySalvaged(
          state,
          built.knownBase,
          { ...entry, note: { ...entry.note, slots: [] } },
          { ...record, rows: new Float32Array(0) },
          input.journal!.file,
        );
        if (outcome === 'applied') {
          relearn.push(entry.note.id);
          lostOperations--;
        }
        continue;
      }
      const outcome = replaySalvaged(state, built.knownBase, entry, record, input.journal!.file);
      if (outcome === 'lost') {
        lostOperations++;
        if (entry.type === 'write') lostNotes.push(entry.note.id);
      }
    }
  }

  const header: SnapshotHeader = {
    kind: 'snapshot',
    storeId: parts.header?.storeId ?? journal?.header?.storeId ?? randomUUID(),
    model: { id: model.id, sha256: model.sha256 },
    rowWidth: model.rowWidth,
    slotCount: model.slotCount,
    created: parts.header?.created ?? input.now().toISOString(),
    generation: Math.max(parts.header?.generation ?? 0, journal?.header?.generation ?? 0) + 1,
    lastSeq: state.lastSeq,
  };
  const liveNotes = [...state.notes.values()].filter(n => n.state === 'live').length;
  const stillRelearn = relearn.filter(id => state.notes.get(id)?.state === 'live');
  if (!parts.header && input.snapshot) messages.push("The snapshot's header was damaged; the store was rebuilt for the loaded model.");
  messages.push(
    `Recovery kept ${liveNotes} live note(s)` +
      (damaged.length > 0 ? `; ${damaged.length} damaged stretch(es) were skipped` : '') +
      (lostNotes.length > 0 ? `; lost: ${lostNotes.join(', ')}` : '') +
      (lostOperations > 0 ? `; ${lostOperations} journal operation(s) could not be read or replayed` : '') +
      '.',
  );
  if (stillRelearn.length > 0) {
    messages.push(
      `${stillRelearn.length} note(s) kept their text but lost their record of written value rows (${stillRelearn.join(', ')}); ` +
        'their keyed memory slots come from their slot files, or are written again from the text where those are missing.',
    );
  }
  return {
    header,
    state,
    report: {
      liveNotes,
      damaged,
      lostNotes,
      lostOperations,
      relearn: stillRelearn,
      headerRebuilt: !parts.header && input.snapshot !== undefined,
      rowsExact: built.rowsExact,
      startedAnew: !parts.header && !journal?.header,
      messages,
    },
  };
}

function emptyParts(): SnapshotParts {
  return { notes: new Map(), contributions: [], damaged: [], sawEnd: false };
}

function readSnapshotParts(bytes: Buffer, model: ModelBinding): SnapshotParts {
  const parts = emptyParts();
  const head = decodeHeader('snapshot', bytes);
  let from = 0;
  if (head.ok && !checkSnapshotHeader(head.header, 'snapshot')) {
    const header = head.header as SnapshotHeader;
    from = head.end;
    // Another model's rows are not ours to keep (the caller refuses that store before salvaging).
    if (header.rowWidth === model.rowWidth && header.slotCount === model.slotCount) parts.header = header;
  } else if (bytes.length > 0) {
    parts.damaged.push({ offset: 0, end: Math.min(bytes.length, 20), reason: head.ok ? 'header is malformed' : head.reason });
  }
  const { records, damaged, readableJson } = salvageRecords(bytes, from);
  parts.damaged.push(...damaged);
  // A damaged note record whose note checksum holds keeps its note (the record's other bytes were hit).
  const provenNotes = readableJson.filter(r => provenNote(r.json, 'note') !== undefined);
  for (const record of [...records, ...provenNotes].sort((a, b) => a.offset - b.offset)) {
    const problem = checkSnapshotSection(record.json) ?? sectionProblem(record, model);
    if (problem) {
      parts.damaged.push({ offset: record.offset, end: record.end, reason: problem });
      continue;
    }
    const section = record.json as SnapshotSection;
    switch (section.type) {
      case 'note':
        if (!parts.notes.has(section.note.id)) parts.notes.set(section.note.id, section.note);
        break;
      case 'notes':
        for (const note of section.notes) if (!parts.notes.has(note.id)) parts.notes.set(note.id, note);
        break;
      case 'rows':
        parts.rows = { slots: section.slots, data: record.rows };
        break;
      case 'contribution': {
        const size = section.slots.length * model.rowWidth;
        parts.contributions.push({
          noteId: section.noteId,
          slots: section.slots,
          prev: record.rows.slice(0, size),
          next: record.rows.slice(size),
        });
        break;
      }
      case 'end':
        parts.sawEnd = true;
        break;
    }
  }
  return parts;
}

/** Checks a record's row data against the model (what loadSection checks against a state). */
function sectionProblem(record: DecodedRecord, model: ModelBinding): string | undefined {
  const section = record.json as SnapshotSection;
  const inRange = (slots: readonly number[]) =>
    slots.every(s => s < model.slotCount) && slots.every((s, i) => i === 0 || s > slots[i - 1]!);
  if (section.type === 'rows' || section.type === 'contribution') {
    if (!inRange(section.slots)) return `${section.type} record has slots outside the value table or out of order`;
    if (record.rows.length !== 2 * section.slots.length * model.rowWidth) return `${section.type} record has the wrong amount of row data`;
  }
  return undefined;
}

/**
 * The snapshot's state from what survived. Orphan contributions (their note record was lost) are
 * removed as a forget removes a note's change; live notes without a contribution get one rebuilt
 * from the rows, or lose their rows (kept for re-learning) when the rows are gone too.
 */
function rebuildState(
  parts: SnapshotParts,
  model: ModelBinding,
): { state: StoreState; orphans: NoteId[]; relearn: NoteId[]; knownBase: Map<number, Float32Array>; rowsExact: boolean } {
  const d = model.rowWidth;
  const state = new StoreState(d, model.slotCount);
  const noteOrder = [...parts.notes.keys()];
  const orphans: NoteId[] = [];
  // Orphans stand in as temporary live notes so the forget machinery removes their change.
  const byNote = new Map<NoteId, Contribution>();
  for (const c of parts.contributions) {
    const note = parts.notes.get(c.noteId);
    if (note && note.state !== 'live') continue;
    if (byNote.has(c.noteId)) continue;
    byNote.set(c.noteId, c);
    if (!note) {
      orphans.push(c.noteId);
      noteOrder.push(c.noteId);
    }
  }
  const relearn: NoteId[] = [];
  const position = new Map(noteOrder.map((id, i) => [id, i]));
  // Write order: the contributions' own order (the snapshot writes them in write order); notes
  // without one go where their note record stands.
  const ordered = [...byNote.values()];

  const rebuiltOn = new Set<number>();
  let sharedRebuild = false;
  if (parts.rows) {
    const n = parts.rows.slots.length;
    parts.rows.slots.forEach((slot, i) => {
      state.rows.set(slot, parts.rows!.data.slice(i * d, (i + 1) * d));
      state.base.set(slot, parts.rows!.data.slice((n + i) * d, (n + i + 1) * d));
    });
    // Rebuild lost contributions of live notes from the rows. Two lost ones on one slot cannot be
    // told apart: the first rebuilt takes the whole change there (rows stay right, forgetting
    // either note is then inexact: rowsExact is false).
    for (const note of parts.notes.values()) {
      if (note.state !== 'live' || byNote.has(note.id)) continue;
      const slots = note.slots.filter(s => state.rows.has(s));
      const prev = new Float32Array(slots.length * d);
      const next = new Float32Array(slots.length * d);
      const at = position.get(note.id)!;
      slots.forEach((slot, k) => {
        const base = state.base.get(slot)!;
        const row = state.rows.get(slot)!;
        for (let j = 0; j < d; j++) {
          let before = 0;
          let others = 0;
          for (const c of ordered) {
            const index = c.slots.indexOf(slot);
            if (index < 0) continue;
            const change = c.next[index * d + j]! - c.prev[index * d + j]!;
            others += change;
            if (position.get(c.noteId)! < at) before += change;
          }
          prev[k * d + j] = base[j]! + before;
          next[k * d + j] = prev[k * d + j]! + (row[j]! - base[j]! - others);
        }
      });
      if (slots.length !== note.slots.length) parts.notes.set(note.id, { ...note, slots });
      byNote.set(note.id, { noteId: note.id, slots, prev, next });
      ordered.push(byNote.get(note.id)!);
      for (const slot of slots) {
        if (rebuiltOn.has(slot)) sharedRebuild = true;
        rebuiltOn.add(slot);
      }
    }
  } else {
    // Rows from the contributions: each slot's base is its first write's prev, its row the last write's next.
    for (const c of ordered) {
      c.slots.forEach((slot, i) => {
        if (!state.base.has(slot)) state.base.set(slot, c.prev.slice(i * d, (i + 1) * d));
        state.rows.set(slot, c.next.slice(i * d, (i + 1) * d));
      });
    }
    for (const note of parts.notes.values()) {
      if (note.state !== 'live' || byNote.has(note.id)) continue;
      // Its rows are gone with the rows record: keep the text, with no written slots.
      parts.notes.set(note.id, { ...note, slots: [] });
      byNote.set(note.id, { noteId: note.id, slots: [], prev: new Float32Array(0), next: new Float32Array(0) });
      relearn.push(note.id);
    }
  }

  for (const id of noteOrder) {
    const note = parts.notes.get(id);
    state.notes.set(id, note ?? orphanNote(id, byNote.get(id)!.slots));
  }
  for (const id of [...byNote.keys()].sort((a, b) => orderOf(a) - orderOf(b))) state.contributions.set(id, byNote.get(id)!);
  function orderOf(id: NoteId): number {
    const i = ordered.findIndex(c => c.noteId === id);
    return i >= 0 ? i : position.get(id)! + ordered.length;
  }
  // A contribution naming a slot the rows do not hold cannot be restored or removed: a live
  // note's is dropped (the note is learned again from its text), an orphan's forgotten.
  for (const c of [...state.contributions.values()]) {
    if (c.slots.every(s => state.rows.has(s))) continue;
    state.contributions.set(c.noteId, { noteId: c.noteId, slots: [], prev: new Float32Array(0), next: new Float32Array(0) });
    state.notes.set(c.noteId, { ...state.notes.get(c.noteId)!, slots: [] });
    if (!orphans.includes(c.noteId)) relearn.push(c.noteId);
  }
  // Base rows never change: remembered for the journal's writes, whose prev rows show whether
  // they assumed a change that is now gone.
  const knownBase = new Map(state.base);
  for (const id of orphans) {
    applyForget(state, planForget(state, id, 'delta'), { state: 'forgotten' });
    state.notes.delete(id);
  }
  // A slot no live note owns any more (its note and contribution both lost) goes back to its base.
  const owned = new Set<number>();
  for (const c of state.contributions.values()) for (const s of c.slots) owned.add(s);
  for (const slot of [...state.rows.keys()]) {
    if (owned.has(slot)) continue;
    state.rows.delete(slot);
    state.base.delete(slot);
  }
  // Rows rebuilt from the contributions are exact when the rows record was the only damage.
  const onlyRowsLost = parts.sawEnd && parts.damaged.length <= 1 && relearn.length === 0 && orphans.length === 0;
  return {
    state,
    orphans,
    relearn,
    knownBase,
    rowsExact: parts.header !== undefined && !sharedRebuild && (parts.rows !== undefined || onlyRowsLost),
  };
}

function orphanNote(id: NoteId, slots: readonly number[]): NoteRecord {
  return { id, text: '', kind: 'note', author: '', created: new Date(0).toISOString(), slots, state: 'live' };
}

interface JournalParts {
  header?: JournalHeader;
  /** Intact records, and damaged write/restore records whose note checksum holds (`rowsLost`), in file order. */
  readonly records: readonly (DecodedRecord & { readonly rowsLost?: true })[];
  readonly damaged: readonly DamagedRange[];
}

function readJournalParts(bytes: Buffer): JournalParts {
  const head = decodeHeader('journal', bytes);
  const headerOk = head.ok && !checkJournalHeader(head.header);
  const { records, damaged, readableJson } = salvageRecords(bytes, headerOk && head.ok ? head.end : 0);
  const proven = readableJson
    .filter(r => provenNote(r.json, 'write') !== undefined || provenNote(r.json, 'restore') !== undefined)
    .map(r => ({ ...r, rowsLost: true as const }));
  const all = [...records, ...proven].sort((a, b) => a.offset - b.offset);
  if (headerOk && head.ok) return { header: head.header as JournalHeader, records: all, damaged };
  return {
    records: all,
    damaged: [{ offset: 0, end: Math.min(bytes.length, 20), reason: head.ok ? 'header is malformed' : head.reason }, ...damaged],
  };
}

/** The note of a damaged record of `type` whose own note checksum (noteCrc) proves it intact. */
function provenNote(json: unknown, type: 'note' | 'write' | 'restore'): NoteRecord | undefined {
  const record = json as { type?: unknown; note?: unknown; noteCrc?: unknown; seq?: unknown };
  if (typeof json !== 'object' || json === null || record.type !== type || typeof record.noteCrc !== 'number') return undefined;
  if (type !== 'note' && !Number.isInteger(record.seq)) return undefined;
  if (checkNoteRecord(record.note)) return undefined;
  return noteChecksum(record.note as NoteRecord) === record.noteCrc ? (record.note as NoteRecord) : undefined;
}

/**
 * Replays one journal record onto a salvaged state. A sequence gap (lost records before it) is
 * accepted. A write's change (next - prev) is put onto the rows as they are (the base row where
 * no live note holds the slot), so a write whose prev rows assumed a lost note keeps its own
 * change and not the lost one's. 'lost' when the record cannot apply at all (a forget of a note
 * that was lost); 'duplicate' for a write of notes already here with the same text.
 */
function replaySalvaged(
  state: StoreState,
  knownBase: ReadonlyMap<number, Float32Array>,
  record: JournalRecord,
  decoded: DecodedRecord,
  file: string,
): 'applied' | 'duplicate' | 'lost' {
  state.lastSeq = record.seq - 1;
  const notes = record.type === 'write' ? [record.note] : record.type === 'import' && record.mode === 'merge' ? record.notes : undefined;
  if (!notes) {
    try {
      applyJournalEntry(state, { record, rows: decoded.rows, offset: decoded.offset, end: decoded.end }, file);
      return 'applied';
    } catch (error) {
      if (!(error instanceof MemoryStoreError)) throw error;
      state.lastSeq = record.seq;
      return 'lost';
    }
  }
  const d = state.rowWidth;
  let at = 0;
  let applied = 0;
  let duplicates = 0;
  for (const note of notes) {
    const size = note.slots.length * d;
    const prev = decoded.rows.subarray(at, at + size);
    const next = decoded.rows.subarray(at + size, at + 2 * size);
    at += 2 * size;
    if (state.notes.get(note.id)?.text === note.text) duplicates++;
    if (state.notes.has(note.id) || next.length !== size) continue;
    const current = new Float32Array(size);
    const moved = new Float32Array(size);
    note.slots.forEach((slot, i) => {
      const row = state.rows.get(slot) ?? knownBase.get(slot) ?? prev.subarray(i * d, (i + 1) * d);
      current.set(row, i * d);
      // The rows it was written on: its own next, bit for bit; otherwise its change moved over.
      const same = bitsEqual(row, prev.subarray(i * d, (i + 1) * d));
      for (let k = i * d; k < (i + 1) * d; k++) moved[k] = same ? next[k]! : current[k]! + (next[k]! - prev[k]!);
    });
    try {
      const data = { note, prev: current, next: moved };
      checkWrite(state, data);
      applyWrite(state, data);
      applied++;
    } catch (error) {
      if (!(error instanceof MemoryStoreError) && !(error instanceof RangeError)) throw error;
    }
  }
  state.lastSeq = record.seq;
  return applied > 0 ? 'applied' : duplicates === notes.length ? 'duplicate' : 'lost';
}
