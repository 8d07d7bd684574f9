// Tests of the memory store on real files in os.tmpdir(): persistence, forget/supersede, torn
// journal tails, damaged and foreign files (never destroyed), model mismatch, compaction,
// export/import, locking, and two processes writing at once.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { MemoryStore, RowUpdate } from './memoryStore';
import type { NoteId } from '../note';
import { SecretFoundError } from '../intake/secrets';
import {
  ForeignFileError,
  ImportInvalidError,
  ModelMismatchError,
  NoteStateError,
  StaleRowsError,
  StoreCorruptError,
  StoreLockedError,
} from './errors';
import { encodeJournalRecord } from './journal';
import { acquireLock } from './lock';
import { bitsEqual } from './state';
import { baseRow, slotsOfWrite, TEST_MODEL } from './testWriterProcess';

const D = TEST_MODEL.rowWidth;
const model = TEST_MODEL;
const fixedNow = () => new Date('2026-11-22T10:00:00.000Z');

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'mnemo-store-'));
}

async function open(dir: string, extra: Partial<Parameters<typeof MemoryStore.open>[1]> = {}): Promise<MemoryStore> {
  return MemoryStore.open(dir, { model, now: fixedNow, ...extra });
}

/** The live model's value table for the changed slots, as the writer would hold it. */
class Table {
  readonly rows = new Map<number, Float32Array>();
  row(slot: number): Float32Array {
    return this.rows.get(slot) ?? baseRow(slot);
  }
  apply(updates: readonly RowUpdate[]): void {
    for (const u of updates) this.rows.set(u.slot, u.row.slice());
  }
  snapshot(slots: number[]): Float32Array {
    const out = new Float32Array(slots.length * D);
    slots.forEach((s, i) => out.set(this.row(s), i * D));
    return out;
  }
}

/** A fake writer: adds a seeded pseudo-random change to the given rows. */
async function remember(
  store: MemoryStore,
  table: Table,
  id: string,
  slots: number[],
  seed: number,
  text = `note ${id}`,
  footprint?: number[],
) {
  return store.transaction(async ({ updates }) => {
    table.apply(updates);
    const prev = table.snapshot(slots);
    let x = seed;
    const next = prev.map(v => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return v + (x / 2 ** 31 - 0.5) * 0.01;
    });
    const result = await store.write({
      id,
      text,
      kind: 'decision',
      author: 'tester',
      slots,
      prev,
      next,
      ...(footprint ? { footprint } : {}),
    });
    slots.forEach((slot, i) => table.rows.set(slot, next.slice(i * D, (i + 1) * D)));
    return result;
  });
}

function tableOf(store: MemoryStore, slots: number[]): Float32Array {
  const rows = store.changedRows();
  const out = new Float32Array(slots.length * D);
  slots.forEach((s, i) => out.set(rows.get(s) ?? baseRow(s), i * D));
  return out;
}

const ALL = Array.from({ length: 32 }, (_, i) => i);

test('store: creates, persists notes and rows, reopens the same', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  assert.equal(store.loadReport.created, true);
  const table = new Table();
  await remember(store, table, 'p001', [3, 1, 2], 1);
  await remember(store, table, 'p002', [2, 5], 2);
  const again = await open(dir);
  assert.equal(again.loadReport.created, false);
  assert.deepEqual(
    again.notes().map(n => n.id),
    ['p001', 'p002'],
  );
  assert.deepEqual(again.getNote('p001')!.slots, [1, 2, 3]);
  assert.equal(again.getNote('p002')!.text, 'note p002');
  assert.ok(bitsEqual(tableOf(again, ALL), table.snapshot(ALL)));
  assert.deepEqual(Object.fromEntries([...again.slotOwners()].map(([s, ids]) => [s, ids.join()])), {
    1: 'p001',
    2: 'p001,p002',
    3: 'p001',
    5: 'p002',
  });
  assert.deepEqual((await fs.readdir(dir)).sort(), ['journal.mnemo', 'snapshot.mnemo']);
});

test('store: forget of the latest note restores the rows bit for bit and erases its text from disk', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1, 2, 3], 1);
  const afterA = table.snapshot(ALL);
  await remember(store, table, 'b', [2, 3, 4], 2, 'the deploy key lives in vault path kv/deploy');
  const outcome = await store.forget('b');
  table.apply(outcome.updates);
  assert.deepEqual(outcome.exact, [2, 3]);
  assert.deepEqual(outcome.base, [4]);
  assert.equal(outcome.purged, true);
  assert.ok(bitsEqual(table.snapshot(ALL), afterA));
  const reopened = await open(dir);
  assert.ok(bitsEqual(tableOf(reopened, ALL), afterA));
  assert.equal(reopened.getNote('b')!.state, 'forgotten');
  for (const file of await fs.readdir(dir)) {
    const bytes = await fs.readFile(path.join(dir, file));
    assert.ok(!bytes.includes('vault path kv/deploy'), `${file} still holds the forgotten text`);
  }
  await assert.rejects(reopened.forget('b'), NoteStateError);
});

test('store: footprints (recorded by earlier versions) persist through journal, compaction and export; forget drops them', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1, 2], 1, 'note a', [9, 1, 7, 7]);
  await remember(store, table, 'b', [2, 3], 2); // a note without a footprint (as before footprints existed)
  assert.deepEqual(store.getNote('a')!.footprint, [1, 7, 9]); // sorted, repeats dropped
  // Which live notes hold each slot among their written slots or footprint.
  const owners = (s: MemoryStore) => {
    const bySlot = new Map<number, string[]>();
    for (const note of s.liveNotes())
      for (const slot of new Set([...note.slots, ...(note.footprint ?? [])])) bySlot.set(slot, [...(bySlot.get(slot) ?? []), note.id]);
    return Object.fromEntries([...bySlot].map(([slot, notes]) => [slot, notes.sort().join()]));
  };
  const expected = { 1: 'a', 2: 'a,b', 3: 'b', 7: 'a', 9: 'a' };
  assert.deepEqual(owners(store), expected);
  assert.deepEqual(owners(await open(dir)), expected); // from the journal
  await store.compact();
  assert.deepEqual(owners(await open(dir)), expected); // from the snapshot
  const file = path.join(await tempDir(), 'a.mnemo-export');
  await store.exportTo(file);
  const imported = await open(await tempDir());
  await imported.importFrom(file);
  assert.deepEqual(owners(imported), expected);
  await store.forget('a');
  assert.deepEqual(owners(store), { 2: 'b', 3: 'b' });
  assert.equal((await open(dir)).getNote('a')!.footprint, undefined);
  await assert.rejects(remember(store, table, 'c', [4], 3, 'note c', [4, 99]), /footprint slot 99 is outside/);
  assert.equal(store.getNote('c'), undefined);
});

test('store: supersede restores the old rows, links both notes, and persists', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'old', [1, 2], 1);
  await remember(store, table, 'new', [7, 8], 2);
  const outcome = await store.supersede('old', 'new');
  table.apply(outcome.updates);
  assert.deepEqual(outcome.base, [1, 2]);
  const reopened = await open(dir);
  assert.equal(reopened.getNote('old')!.state, 'superseded');
  assert.equal(reopened.getNote('old')!.supersededBy, 'new');
  assert.equal(reopened.getNote('old')!.text, 'note old');
  assert.equal(reopened.getNote('new')!.supersedes, 'old');
  assert.ok(bitsEqual(tableOf(reopened, ALL), table.snapshot(ALL)));
  assert.ok(bitsEqual(tableOf(reopened, [1, 2]), Float32Array.from([...baseRow(1), ...baseRow(2)])));
});

test('store: a torn last journal record is rolled back on load, kept aside, and reported', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1], 1);
  await remember(store, table, 'b', [2], 2);
  const good = table.snapshot(ALL);
  const journal = path.join(dir, 'journal.mnemo');
  const before = await fs.readFile(journal);
  const record = encodeJournalRecord(
    { type: 'write', seq: 3, note: { id: 'c' as never, text: 'c', kind: 'note', author: 't', created: 'x', slots: [3], state: 'live' } },
    [new Float32Array(D), new Float32Array(D)],
  );
  await fs.appendFile(journal, record.subarray(0, 30));
  const reopened = await open(dir);
  const report = reopened.loadReport;
  assert.ok(report.rolledBack);
  assert.equal(report.rolledBack!.offset, before.length);
  assert.equal(report.rolledBack!.bytes, 30);
  assert.match(report.messages.join(' '), /last journal record was incomplete.*rolled back/);
  assert.deepEqual(await fs.readFile(report.rolledBack!.savedAs), record.subarray(0, 30));
  assert.deepEqual(await fs.readFile(journal), before);
  assert.deepEqual(
    reopened.notes().map(n => n.id),
    ['a', 'b'],
  );
  assert.ok(bitsEqual(tableOf(reopened, ALL), good));
  await remember(reopened, table, 'c', [3], 3);
  assert.equal((await open(dir)).notes().length, 3);
});

test('store: damage inside the journal is refused untouched, and recover keeps every intact record', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1], 1);
  const afterA = table.snapshot(ALL);
  await remember(store, table, 'b', [2], 2);
  await remember(store, table, 'c', [3], 3);
  const afterC = table.snapshot([3]);
  const journal = path.join(dir, 'journal.mnemo');
  const bytes = await fs.readFile(journal);
  const damagedAt = bytes.indexOf('"b"');
  bytes[damagedAt + 1] = 'X'.charCodeAt(0);
  await fs.writeFile(journal, bytes);
  await assert.rejects(open(dir), (error: unknown) => {
    assert.ok(error instanceof StoreCorruptError);
    assert.equal(error.file, journal);
    assert.match(error.message, /damaged at byte \d+: record checksum mismatch/);
    assert.match(error.hint, /--recover/);
    return true;
  });
  assert.deepEqual(await fs.readFile(journal), bytes, 'the damaged file is left as it was');
  const recovered = await open(dir, { recover: true });
  // Only the damaged record is lost: a before it and c after it are kept, rows and all.
  assert.deepEqual(
    recovered.notes().map(n => n.id),
    ['a', 'c'],
  );
  assert.ok(bitsEqual(tableOf(recovered, [1, 2]), afterA.subarray(D, 3 * D)));
  assert.ok(bitsEqual(tableOf(recovered, [3]), afterC));
  assert.match(recovered.loadReport.messages.join(' '), /Recovery kept 2 live note\(s\); 1 damaged stretch/);
  const aside = recovered.loadReport.movedAside.find(m => m.file === journal)!;
  assert.match(path.basename(aside.movedTo), /^journal\.mnemo\.corrupt-2026-11-22T10-00-00\.000Z$/);
  assert.deepEqual(await fs.readFile(aside.movedTo), bytes);
});

test('store: recover keeps a note whose record is damaged only in its rows (its note checksum holds), without those rows', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1], 1);
  await remember(store, table, 'b', [2, 3], 2);
  await remember(store, table, 'c', [4], 3);
  const journal = path.join(dir, 'journal.mnemo');
  const bytes = await fs.readFile(journal);
  // The last float of b's rows: the record's checksum fails, its JSON is untouched.
  const cAt = bytes.lastIndexOf('MREC');
  bytes[cAt - 2] ^= 0x40;
  await fs.writeFile(journal, bytes);
  await assert.rejects(open(dir), StoreCorruptError);
  const recovered = await open(dir, { recover: true });
  assert.deepEqual(
    recovered.liveNotes().map(n => `${n.id}:${n.text}:${n.slots.join('.')}`),
    ['a:note a:1', 'b:note b:', 'c:note c:4'],
  );
  assert.deepEqual(recovered.loadReport.salvage?.relearn, ['b']);
  assert.deepEqual([...recovered.changedRows().keys()].sort(), [1, 4], "b's damaged rows are not used");
  // A flip inside the note's own JSON that still parses is caught by the note checksum: b is lost.
  const again = await tempDir();
  const store2 = await open(again);
  for (const [id, slot] of [
    ['a', 1],
    ['b', 2],
    ['c', 4],
  ] as const)
    await remember(store2, new Table(), id, [slot], 1, `note ${id} port 5433`);
  const bytes2 = await fs.readFile(path.join(again, 'journal.mnemo'));
  const at = bytes2.indexOf('note b port 5433') + 'note b port 54'.length;
  bytes2[at] = '7'.charCodeAt(0);
  await fs.writeFile(path.join(again, 'journal.mnemo'), bytes2);
  const recovered2 = await open(again, { recover: true });
  assert.deepEqual(
    recovered2.liveNotes().map(n => n.text),
    ['note a port 5433', 'note c port 5433'],
    'no silently changed text',
  );
});

test('store: restore undoes a forget bit for bit (same id, text, slots, footprint, rows), also after a reopen and with a note written since', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1, 2], 1, 'note a', [7, 8]);
  await remember(store, table, 'b', [2, 3], 2);
  const rowsBefore = tableOf(store, ALL);
  const noteBefore = store.getNote('a' as NoteId);
  const kept = store.forgettable('a')!;
  assert.equal(store.forgettable('nope'), undefined);
  await store.forget('a');
  assert.equal(store.getNote('a' as NoteId)?.text, '', 'the forget erased the text');
  const restored = await store.restore(kept);
  assert.deepEqual(store.getNote('a' as NoteId), noteBefore);
  assert.ok(bitsEqual(tableOf(store, ALL), rowsBefore), 'rows back bit for bit');
  assert.deepEqual(
    restored.updates.map(u => u.slot),
    [1, 2],
  );
  const reopened = await open(dir);
  assert.deepEqual(reopened.getNote('a' as NoteId), noteBefore);
  assert.ok(bitsEqual(tableOf(reopened, ALL), rowsBefore));
  await assert.rejects(store.restore(kept), /live|restore/, 'a live note cannot be restored again');
  // A note written on its rows after the forget: the restore puts its own change back on top.
  await store.forget('a');
  table.apply([...store.changedRows()].map(([slot, row]) => ({ slot, row })));
  for (const slot of [1, 2]) if (!store.changedRows().has(slot)) table.rows.delete(slot);
  await remember(store, table, 'c', [1], 3);
  await store.restore(kept);
  assert.deepEqual(
    store.liveNotes().map(n => n.id),
    ['a', 'b', 'c'],
  );
  await store.forget('a');
  await store.forget('c');
  await store.forget('b');
  assert.equal(store.changedRows().size, 0, 'forgetting everything gives back the base rows');
});

test('store: check says missing, sound, or damaged with what recovery would keep, and changes nothing', async () => {
  const dir = await tempDir();
  assert.equal((await MemoryStore.check(path.join(dir, 'nothing-here'), model)).kind, 'missing');
  const store = await open(dir);
  const table = new Table();
  for (const id of ['a', 'b', 'c']) await remember(store, table, id, [id.charCodeAt(0) - 96], 1);
  const sound = await MemoryStore.check(dir, model);
  assert.equal(sound.kind, 'sound');
  assert.equal(sound.kind === 'sound' && [...sound.state.notes.keys()].join(','), 'a,b,c');
  // A torn last record: sound (a crash while appending), and peek says it is left out.
  const journal = path.join(dir, 'journal.mnemo');
  const whole = await fs.readFile(journal);
  await fs.writeFile(journal, whole.subarray(0, whole.length - 10));
  const peeked = await MemoryStore.peek(dir);
  assert.deepEqual(
    peeked.notes.map(n => n.id),
    ['a', 'b'],
  );
  assert.match(peeked.messages.join(' '), /last record is incomplete/);
  // Damage in the middle: check names it and what recovery would keep; no file changes.
  const damaged = Buffer.from(whole);
  damaged[damaged.indexOf('"b"') + 1] = 'X'.charCodeAt(0);
  await fs.writeFile(journal, damaged);
  const before = (await fs.readdir(dir)).sort();
  const result = await MemoryStore.check(dir, model);
  assert.equal(result.kind, 'damaged');
  if (result.kind !== 'damaged') return;
  assert.ok(result.problem instanceof StoreCorruptError);
  assert.deepEqual([...result.salvaged.state.notes.keys()], ['a', 'c']);
  assert.equal(result.salvaged.report.liveNotes, 2);
  assert.deepEqual((await fs.readdir(dir)).sort(), before);
  assert.deepEqual(await fs.readFile(journal), damaged);
  // Another model's store is refused, not offered for recovery.
  await assert.rejects(MemoryStore.check(dir, { ...model, sha256: 'ee'.repeat(32) }), ModelMismatchError);
});

test('store: a foreign or damaged snapshot is refused untouched; recover moves it aside and starts empty', async () => {
  const dir = await tempDir();
  await fs.writeFile(path.join(dir, 'snapshot.mnemo'), "this is somebody else's file\n");
  await assert.rejects(
    open(dir),
    (error: unknown) => error instanceof ForeignFileError && /not a mnemo memory store file/.test(error.message),
  );
  assert.equal(await fs.readFile(path.join(dir, 'snapshot.mnemo'), 'utf8'), "this is somebody else's file\n");
  const recovered = await open(dir, { recover: true });
  assert.equal(recovered.notes().length, 0);
  assert.equal(recovered.loadReport.created, true);
  assert.equal(await fs.readFile(recovered.loadReport.movedAside[0]!.movedTo, 'utf8'), "this is somebody else's file\n");

  const dir2 = await tempDir();
  const table = new Table();
  await remember(await open(dir2), table, 'a', [1], 1);
  await (await open(dir2)).compact();
  const snapshot = path.join(dir2, 'snapshot.mnemo');
  const bytes = await fs.readFile(snapshot);
  bytes[bytes.length - 100] ^= 0x55;
  await fs.writeFile(snapshot, bytes);
  await assert.rejects(open(dir2), StoreCorruptError);
  assert.deepEqual(await fs.readFile(snapshot), bytes);
});

test('store: a store of another base model is refused with both models named; peek still lists notes', async () => {
  const dir = await tempDir();
  await remember(await open(dir), new Table(), 'a', [1], 1);
  const before = await fs.readFile(path.join(dir, 'journal.mnemo'));
  const other = { ...model, id: 'other-model', sha256: 'cd'.repeat(32) };
  await assert.rejects(MemoryStore.open(dir, { model: other }), (error: unknown) => {
    assert.ok(error instanceof ModelMismatchError);
    assert.match(error.message, /made by base model "test-model" \(sha256 abababababab…\), but the loaded model is "other-model"/);
    assert.match(error.hint, /re-remember|start fresh/);
    return true;
  });
  assert.deepEqual(await fs.readFile(path.join(dir, 'journal.mnemo')), before);
  const peek = await MemoryStore.peek(dir);
  assert.equal(peek.header.model.id, 'test-model');
  assert.deepEqual(
    peek.notes.map(n => n.text),
    ['note a'],
  );
});

test('store: an interrupted compaction (new snapshot, old journal) loads without losing or doubling anything', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const table = new Table();
  await remember(store, table, 'a', [1, 2], 1);
  await remember(store, table, 'b', [2, 3], 2);
  const oldJournal = await fs.readFile(path.join(dir, 'journal.mnemo'));
  await store.compact();
  await fs.writeFile(path.join(dir, 'journal.mnemo'), oldJournal);
  const reopened = await open(dir);
  assert.match(reopened.loadReport.messages.join(' '), /interrupted compaction/);
  assert.deepEqual(
    reopened.notes().map(n => n.id),
    ['a', 'b'],
  );
  assert.ok(bitsEqual(tableOf(reopened, ALL), table.snapshot(ALL)));
});

test('store: the journal is compacted automatically once it grows past the limit', async () => {
  const dir = await tempDir();
  const store = await open(dir, { compactAfterBytes: 600 });
  const table = new Table();
  for (let i = 0; i < 12; i++) await remember(store, table, `n${i}`, [i, i + 1], i);
  const journalSize = (await fs.stat(path.join(dir, 'journal.mnemo'))).size;
  assert.ok(journalSize < 2000, `journal is ${journalSize} bytes`);
  const reopened = await open(dir);
  assert.equal(reopened.notes().length, 12);
  assert.ok(bitsEqual(tableOf(reopened, ALL), table.snapshot(ALL)));
});

test('store: secrets and bad writes are refused before anything reaches the disk', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  const journal = path.join(dir, 'journal.mnemo');
  const before = await fs.readFile(journal);
  const row = new Float32Array(D);
  await assert.rejects(
    store.write({ text: 'db url postgres://app:s3cretPass@db/app', kind: 'note', author: 't', slots: [1], prev: baseRow(1), next: row }),
    SecretFoundError,
  );
  await assert.rejects(
    store.write({ text: '  ', kind: 'note', author: 't', slots: [], prev: new Float32Array(0), next: new Float32Array(0) }),
    /non-empty text/,
  );
  await assert.rejects(
    store.write({ text: 'x', kind: 'weird' as never, author: 't', slots: [], prev: new Float32Array(0), next: new Float32Array(0) }),
    /unknown note kind/,
  );
  await assert.rejects(
    store.write({ id: 'bad id!', text: 'x', kind: 'note', author: 't', slots: [], prev: new Float32Array(0), next: new Float32Array(0) }),
    /not a valid note id/,
  );
  await remember(store, new Table(), 'a', [1], 1);
  const after = await fs.readFile(journal);
  await assert.rejects(store.write({ text: 'stale', kind: 'note', author: 't', slots: [1], prev: baseRow(1), next: row }), StaleRowsError);
  assert.deepEqual(await fs.readFile(journal), after);
  assert.ok(after.length > before.length);
});

test('store: export then import into an empty store gives the same notes and rows bit for bit', async () => {
  const dirA = await tempDir();
  const a = await open(dirA);
  const table = new Table();
  await remember(a, table, 'x1', [1, 2], 1);
  await remember(a, table, 'x2', [2, 3], 2);
  await remember(a, table, 'x3', [9], 3);
  await a.forget('x3');
  const file = path.join(await tempDir(), 'team.mnemo-export');
  const exported = await a.exportTo(file);
  assert.equal(exported.notes, 2);
  assert.match(exported.sha256, /^[0-9a-f]{64}$/);
  const b = await open(await tempDir());
  const result = await b.importFrom(file);
  assert.equal(result.mode, 'replace');
  assert.equal(result.imported, 2);
  assert.deepEqual(
    b.liveNotes().map(n => n.id),
    ['x1', 'x2'],
  );
  assert.ok(bitsEqual(tableOf(b, ALL), tableOf(a, ALL)));
  const reopened = await open(b.paths.dir);
  assert.ok(bitsEqual(tableOf(reopened, ALL), tableOf(a, ALL)));
  // Forgetting in the importing store still restores exactly.
  await reopened.forget('x2');
  await reopened.forget('x1');
  assert.equal(reopened.changedRows().size, 0);
});

test('store: merge import adds the other notes on top, and forgetting them restores this store exactly', async () => {
  const source = await open(await tempDir());
  const sourceTable = new Table();
  await remember(source, sourceTable, 'shared-1', [1, 2], 1);
  await remember(source, sourceTable, 'mine', [4, 5], 2, 'source text for mine');
  const file = path.join(await tempDir(), 'share.mnemo-export');
  await source.exportTo(file);

  const target = await open(await tempDir());
  const table = new Table();
  await remember(target, table, 'mine', [2, 3], 3, 'target text for mine');
  await remember(target, table, 'local', [5, 6], 4);
  const beforeImport = tableOf(target, ALL);
  const result = await target.importFrom(file);
  table.apply(result.updates);
  assert.equal(result.mode, 'merge');
  assert.equal(result.imported, 2);
  assert.deepEqual(result.renamed, [{ from: 'mine', to: 'mine-2' }]);
  assert.deepEqual(
    target.liveNotes().map(n => n.id),
    ['mine', 'local', 'shared-1', 'mine-2'],
  );
  // Slot 1 was untouched here: it now holds the source's row. Slot 2 holds both contributions.
  assert.ok(bitsEqual(tableOf(target, [1]), tableOf(source, [1])));
  assert.ok(bitsEqual(table.snapshot(ALL), tableOf(target, ALL)));
  // The import is one journal record; replaying it gives the same state.
  const replayed = await open(target.paths.dir);
  assert.deepEqual(
    replayed.liveNotes().map(n => n.id),
    target.liveNotes().map(n => n.id),
  );
  assert.equal(replayed.getNote('mine-2')!.text, 'source text for mine');
  assert.ok(bitsEqual(tableOf(replayed, ALL), tableOf(target, ALL)));
  const again = await target.importFrom(file);
  assert.deepEqual([again.imported, again.skipped.length], [0, 2]);
  // Forget the imports, latest first: exactly the rows from before the import.
  table.apply((await target.forget('mine-2')).updates);
  table.apply((await target.forget('shared-1')).updates);
  assert.ok(bitsEqual(tableOf(target, ALL), beforeImport));
  assert.ok(bitsEqual(table.snapshot(ALL), beforeImport));
});

test('store: damaged, foreign and other-model imports are refused and change nothing', async () => {
  const source = await open(await tempDir());
  await remember(source, new Table(), 'a', [1], 1);
  const file = path.join(await tempDir(), 'a.mnemo-export');
  await source.exportTo(file);
  const target = await open(await tempDir());
  await remember(target, new Table(), 'keep', [2], 2);
  const journal = path.join(target.paths.dir, 'journal.mnemo');
  const before = await fs.readFile(journal);

  const bytes = await fs.readFile(file);
  const damaged = Buffer.from(bytes);
  damaged[damaged.length - 200] ^= 0x01;
  await fs.writeFile(file + '.bad', damaged);
  await assert.rejects(
    target.importFrom(file + '.bad'),
    (e: unknown) => e instanceof ImportInvalidError && /Nothing was changed/.test(e.message),
  );
  await assert.rejects(target.importFrom(path.join(source.paths.dir, 'snapshot.mnemo')), /expected a export file|not a mnemo memory store/);
  await assert.rejects(target.importFrom(file + '.missing'), /does not exist/);
  const otherModel = await MemoryStore.open(await tempDir(), { model: { ...model, id: 'm2', sha256: 'ef'.repeat(32) } });
  await assert.rejects(
    otherModel.importFrom(file),
    (e: unknown) => e instanceof ImportInvalidError && /base model "test-model"/.test(e.message),
  );
  assert.deepEqual(await fs.readFile(journal), before);
});

test('store: replace-import into a store with notes exports the old content first', async () => {
  const source = await open(await tempDir());
  await remember(source, new Table(), 'theirs', [1], 1);
  const file = path.join(await tempDir(), 'theirs.mnemo-export');
  await source.exportTo(file);
  const target = await open(await tempDir());
  await remember(target, new Table(), 'ours', [2], 2);
  const result = await target.importFrom(file, { mode: 'replace' });
  assert.ok(result.backup && existsSync(result.backup));
  assert.deepEqual(
    target.liveNotes().map(n => n.id),
    ['theirs'],
  );
  assert.ok(result.updates.some(u => u.slot === 2 && bitsEqual(u.row, baseRow(2))));
  const restore = await open(await tempDir());
  await restore.importFrom(result.backup!);
  assert.deepEqual(
    restore.liveNotes().map(n => n.id),
    ['ours'],
  );
});

test("store: two instances on one directory see each other's writes", async () => {
  const dir = await tempDir();
  const first = await open(dir);
  const second = await open(dir);
  const seen: RowUpdate[][] = [];
  second.onExternalChange(updates => seen.push([...updates]));
  await remember(first, new Table(), 'from-first', [4, 5], 1);
  const updates = await second.sync();
  assert.deepEqual(
    updates.map(u => u.slot),
    [4, 5],
  );
  assert.equal(seen.length, 1);
  assert.deepEqual(
    second.notes().map(n => n.id),
    ['from-first'],
  );
  await first.compact();
  await second.forget('from-first');
  await first.sync();
  assert.equal(first.getNote('from-first')!.state, 'forgotten');
});

test("store: a held lock makes others wait and then fail clearly; a dead holder's lock is broken", async () => {
  const dir = await tempDir();
  await open(dir);
  const lockFile = path.join(dir, 'store.lock');
  const held = await acquireLock(lockFile);
  await assert.rejects(open(dir, { lock: { timeoutMs: 150 } }), (error: unknown) => {
    assert.ok(error instanceof StoreLockedError);
    assert.match(error.message, new RegExp(`process ${process.pid} on .* has held its lock`));
    assert.match(error.hint, /store\.lock/);
    return true;
  });
  await held.release();
  assert.ok(!existsSync(lockFile));
  // A lockfile left by a process that no longer exists is stale at once on the same host.
  const dead = await deadPid();
  await fs.writeFile(lockFile, JSON.stringify({ pid: dead, host: os.hostname(), since: 'earlier', token: 'old' }));
  const store = await open(dir, { lock: { timeoutMs: 2_000 } });
  assert.equal(store.notes().length, 0);
  assert.ok(!existsSync(lockFile));
});

test('store: two processes writing at once both succeed, in order, and lose nothing', async () => {
  const dir = await tempDir();
  await open(dir);
  const count = 12;
  const child = path.join(__dirname, 'testWriterProcess.ts');
  const run = (tag: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', child, dir, tag, String(count), 'left,right'], {
      cwd: path.resolve(__dirname, '../..'),
    });
  await Promise.all([run('left'), run('right')]);
  const store = await open(dir);
  const ids = store.notes().map(n => n.id);
  assert.equal(ids.length, 2 * count);
  // They really overlapped: the writers took turns rather than one running after the other.
  const position = (id: string) => ids.indexOf(id as NoteId);
  assert.ok(position('right-0') < position(`left-${count - 1}`) && position('left-0') < position(`right-${count - 1}`), ids.join(' '));
  for (const tag of ['left', 'right']) {
    const mine = ids.filter(id => id.startsWith(`${tag}-`));
    assert.deepEqual(
      mine,
      Array.from({ length: count }, (_, i) => `${tag}-${i}`),
    );
  }
  // Every write added exactly 1 to each of its rows, starting from the freshest value.
  const touches = new Map<number, number>();
  for (let i = 0; i < count; i++) for (const slot of slotsOfWrite(i)) touches.set(slot, (touches.get(slot) ?? 0) + 2);
  const rows = store.changedRows();
  for (const [slot, times] of touches) {
    assert.deepEqual(
      [...rows.get(slot)!],
      [...baseRow(slot)].map(v => v + times),
      `slot ${slot}`,
    );
  }
});

async function deadPid(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise(resolve => child.on('exit', resolve));
  return child.pid!;
}

test('store: close waits for the running transaction, and the lock is free when it resolves', async () => {
  const dir = await tempDir();
  const store = await open(dir);
  let finish: () => void = () => undefined;
  let entered: () => void = () => undefined;
  const inside = new Promise<void>(resolve => (entered = resolve));
  const running = store.transaction(() => {
    entered();
    return new Promise<void>(resolve => (finish = resolve));
  });
  await inside;
  assert.ok(existsSync(store.paths.lock), 'the transaction holds the lock');
  let closed = false;
  const closing = store.close().then(() => (closed = true));
  await new Promise(resolve => setTimeout(resolve, 20));
  assert.equal(closed, false, 'close waits for the transaction');
  finish();
  await Promise.all([running, closing]);
  assert.equal(existsSync(store.paths.lock), false);
  const other = await open(dir, { lock: { timeoutMs: 150 } });
  assert.equal(other.liveNotes().length, 0);
});
