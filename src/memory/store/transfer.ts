// Export and import of a whole store as one file. Export writes the live notes and their rows in
// the snapshot format under the export magic (storeSnapshot.ts). Import either replaces the store
// with the file's state, or merges it: each imported note's contribution (next - prev) is added
// onto this store's current rows, so both teams' notes stay and each can still be forgotten.

import * as path from 'node:path';
import { NoteId, NoteRecord, toNoteId } from '../note';
import { findSecrets } from '../intake/secrets';
import { ImportInvalidError, MemoryStoreError } from './errors';
import type { ModelBinding } from './load';
import type { ImportRecord } from './records';
import { decodeSnapshot, DecodedSnapshot } from './snapshot';
import { applyWrite, rowOf, StoreState } from './state';

export type ImportMode = 'merge' | 'replace';

/** Parses and checks an export file against the store's model. Throws ImportInvalidError. */
export function readExportFile(bytes: Buffer, file: string, model: ModelBinding): DecodedSnapshot {
  let decoded: DecodedSnapshot;
  try {
    decoded = decodeSnapshot('export', bytes, file);
  } catch (error) {
    if (error instanceof MemoryStoreError) {
      throw new ImportInvalidError(
        file,
        error.message.split('\n')[0]!.replace(/\.$/, ''),
        'Export the store again and copy the file whole.',
      );
    }
    throw error;
  }
  const { header } = decoded;
  if (header.model.sha256 !== model.sha256 || header.rowWidth !== model.rowWidth || header.slotCount !== model.slotCount) {
    throw new ImportInvalidError(
      file,
      `it was exported from a store of base model "${header.model.id}" (sha256 ${header.model.sha256.slice(0, 12)}…), ` +
        `and this store uses "${model.id}" (sha256 ${model.sha256.slice(0, 12)}…)`,
      `Import it into a store of "${header.model.id}", or re-remember its notes with this model (their text is listed by \`mnemo notes\` on that store).`,
    );
  }
  const withSecrets = [...decoded.state.notes.values()].filter(note => findSecrets(note.text).length > 0);
  if (withSecrets.length > 0) {
    throw new ImportInvalidError(
      file,
      `note(s) ${withSecrets.map(n => n.id).join(', ')} contain what looks like a secret`,
      'Forget or redact those notes in the source store and export it again.',
    );
  }
  return decoded;
}

export interface MergePlan {
  readonly record: Omit<ImportRecord, 'seq'>;
  /** prev then next of each imported note, in record.notes order. */
  readonly rows: readonly Float32Array[];
  readonly renamed: readonly { readonly from: NoteId; readonly to: NoteId }[];
  /** Notes already live in the store with the same text and kind (an earlier import of the same file). */
  readonly skipped: readonly NoteId[];
}

/**
 * Rebases each imported live note onto `state`'s rows, in the source's write order. `state` is not
 * changed; a scratch copy follows along so later imported notes see the earlier ones.
 */
export function planMerge(state: StoreState, source: DecodedSnapshot, file: string, time: string): MergePlan {
  const d = state.rowWidth;
  const scratch = cloneState(state);
  const notes: NoteRecord[] = [];
  const rows: Float32Array[] = [];
  const renamed: { from: NoteId; to: NoteId }[] = [];
  const skipped: NoteId[] = [];
  const idMap = new Map<NoteId, NoteId>();

  for (const contribution of source.state.contributions.values()) {
    const note = source.state.notes.get(contribution.noteId)!;
    // The same note (text and kind) already live here, e.g. from an earlier import of this file.
    const duplicate = [...scratch.notes.values()].some(n => n.state === 'live' && n.text === note.text && n.kind === note.kind);
    if (duplicate) {
      skipped.push(note.id);
      continue;
    }
    const existing = scratch.notes.get(note.id);
    const id = existing ? freeId(scratch, note.id) : note.id;
    if (id !== note.id) renamed.push({ from: note.id, to: id });
    idMap.set(note.id, id);
    const prev = new Float32Array(contribution.prev.length);
    const next = new Float32Array(contribution.next.length);
    contribution.slots.forEach((slot, i) => {
      const current = scratch.rows.get(slot) ?? source.state.base.get(slot)!;
      const from = rowOf(contribution.prev, i, d);
      const to = rowOf(contribution.next, i, d);
      prev.set(current, i * d);
      for (let j = 0; j < d; j++) next[i * d + j] = current[j]! + (to[j]! - from[j]!);
    });
    const imported: NoteRecord = { ...note, id, state: 'live', supersededBy: undefined };
    applyWrite(scratch, { note: imported, prev, next });
    notes.push(imported);
    rows.push(prev, next);
  }
  // Keep supersede links only between notes that came along, under their new ids.
  const linked = notes.map(note => {
    const { supersedes, supersededBy: _dropped, ...rest } = note;
    const target = supersedes ? idMap.get(supersedes) : undefined;
    return target ? { ...rest, supersedes: target } : rest;
  });
  return {
    record: {
      type: 'import',
      mode: 'merge',
      time,
      source: { sha256: source.fileSha256, storeId: source.header.storeId, fileName: path.basename(file) },
      notes: linked,
    },
    rows,
    renamed,
    skipped,
  };
}

export function cloneState(state: StoreState): StoreState {
  const copy = new StoreState(state.rowWidth, state.slotCount);
  for (const [id, note] of state.notes) copy.notes.set(id, note);
  for (const [slot, row] of state.rows) copy.rows.set(slot, row.slice());
  for (const [slot, row] of state.base) copy.base.set(slot, row.slice());
  for (const [id, c] of state.contributions) copy.contributions.set(id, { ...c, prev: c.prev.slice(), next: c.next.slice() });
  copy.lastSeq = state.lastSeq;
  return copy;
}

function freeId(state: StoreState, id: NoteId): NoteId {
  for (let n = 2; ; n++) {
    const candidate = toNoteId(`${id.slice(0, 58)}-${n}`);
    if (!state.notes.has(candidate)) return candidate;
  }
}
