// Checks the fault tests run on a store after every crash, damage or failed operation: the files
// are consistent on their own (journal of the snapshot's store and generation, sequence numbers
// contiguous from the snapshot's, no torn or damaged record left), no debris is left (temp files,
// a lockfile), and every row equals the base row plus one per live note on that slot (the writers
// in these tests add exactly +1 per note, so the rows tell which notes are really in memory).

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MemoryStore } from '../store/memoryStore';
import type { NoteState } from '../note';
import { readJournal } from '../store/journal';
import { decodeSnapshot } from '../store/snapshot';
import { bitsEqual } from '../store/state';
import { baseRow, FAULT_TEST_MODEL } from './faultTestModel';

export interface StoreFilesSummary {
  readonly generation: number;
  /** The snapshot's last sequence number and the journal's records after it. */
  readonly snapshotSeq: number;
  readonly journalSeqs: readonly number[];
}

/** Reads the snapshot and journal directly (not through the store) and checks they fit together. */
export async function checkStoreFiles(dir: string): Promise<StoreFilesSummary> {
  const snapshotFile = path.join(dir, 'snapshot.mnemo');
  const journalFile = path.join(dir, 'journal.mnemo');
  const { header } = decodeSnapshot('snapshot', await fs.readFile(snapshotFile), snapshotFile);
  const journal = readJournal(await fs.readFile(journalFile), journalFile);
  assert.equal(journal.header.storeId, header.storeId, 'journal and snapshot belong to the same store');
  assert.equal(journal.header.generation, header.generation, 'journal has the snapshot generation');
  assert.equal(journal.torn, undefined, 'no torn record left after a load');
  assert.equal(journal.corrupt, undefined, 'no damaged record');
  const seqs = journal.entries.map(e => e.record.seq);
  seqs.forEach((seq, i) =>
    assert.equal(seq, header.lastSeq + 1 + i, `journal sequence ${seqs.join(',')} after snapshot seq ${header.lastSeq}`),
  );
  return { generation: header.generation, snapshotSeq: header.lastSeq, journalSeqs: seqs };
}

/** Files in the store directory that a finished operation must not leave: temp files, the lockfile. */
export async function debris(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter(
    name => /\.tmp-\d+-[0-9a-f]+$/.test(name) || name === 'store.lock' || name === 'store.lock.break' || name === 'store.lock.waiting',
  );
}

/** Every row is its base row plus 1 per live note touching the slot; untouched slots are not overlaid. */
export function checkRowsMatchLiveNotes(store: MemoryStore): void {
  const counts = new Map<number, number>();
  for (const note of store.liveNotes()) for (const slot of note.slots) counts.set(slot, (counts.get(slot) ?? 0) + 1);
  const rows = store.changedRows();
  assert.deepEqual(
    [...rows.keys()].sort((a, b) => a - b),
    [...counts.keys()].sort((a, b) => a - b),
    "changed slots are exactly the live notes' slots",
  );
  for (const [slot, count] of counts) {
    const expected = baseRow(slot).map(v => v + count);
    assert.ok(bitsEqual(rows.get(slot)!, expected), `slot ${slot}: row ${[...rows.get(slot)!]} is not base + ${count}`);
  }
  assert.equal(FAULT_TEST_MODEL.rowWidth, rows.values().next().value?.length ?? FAULT_TEST_MODEL.rowWidth);
}

/** id -> state of every note in the store. */
export function noteStates(store: MemoryStore): Map<string, NoteState> {
  return new Map(store.notes().map(note => [note.id as string, note.state]));
}
