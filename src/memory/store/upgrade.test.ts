// The store upgrade's mechanics (upgrade.ts) with a fake learner that writes seeded rows: what the
// new store holds, a note written by another process while the upgrade runs, a crash right after
// the commit, a staging store left for another model, and forget on the upgraded store.

import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { NoteId, NoteRecord } from '../note';
import { ModelMismatchError } from './errors';
import { ModelBinding, storePaths } from './load';
import { MemoryStore } from './memoryStore';
import { baseRow, TEST_MODEL } from './testWriterProcess';
import { RelearnHooks, removeCommittedStaging, UPGRADE_DIR, upgradeStore } from './upgrade';
import { setFaultHook } from './faultPoints';

const OLD: ModelBinding = TEST_MODEL;
const NEW: ModelBinding = { id: 'new-model', sha256: 'cd'.repeat(32), rowWidth: 4, slotCount: 32 };

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'mnemo-upgrade-'));
}

/** A write of seeded changes to `slots` on top of the store's current rows. */
async function writeNote(
  store: MemoryStore,
  model: ModelBinding,
  note: { id: string; text: string; kind?: NoteRecord['kind']; author?: string; created?: string },
  slots: number[],
) {
  const d = model.rowWidth;
  return store.transaction(async () => {
    const rows = store.changedRows();
    const prev = new Float32Array(slots.length * d);
    slots.forEach((slot, i) => prev.set(rows.get(slot) ?? baseRow(slot).subarray(0, d), i * d));
    const next = prev.map((v, i) => v + ((note.id.length * 7 + i) % 5) - 2);
    return store.write({
      id: note.id,
      text: note.text,
      kind: note.kind ?? 'note',
      author: note.author ?? 'tester',
      created: note.created,
      slots,
      prev,
      next,
    });
  });
}

/** Relearn: the new "model" picks slots from the note's id, so a test can tell them apart. */
function fakeHooks(extra: Partial<RelearnHooks> = {}): RelearnHooks & { learned: string[] } {
  const learned: string[] = [];
  return {
    learned,
    relearn: async (staging, note, signal) => {
      signal?.throwIfAborted();
      learned.push(note.id);
      const h = [...note.id].reduce((a, c) => a + c.charCodeAt(0), 0);
      await writeNote(
        staging,
        NEW,
        note,
        [h % 32, (h + 5) % 32].sort((a, b) => a - b),
      );
    },
    ...extra,
  };
}

async function oldStore(dir: string): Promise<MemoryStore> {
  const store = await MemoryStore.open(dir, { model: OLD });
  await writeNote(store, OLD, { id: 'a', text: 'note a', kind: 'decision', author: 'alice', created: '2026-01-01T00:00:00.000Z' }, [1, 2]);
  await writeNote(store, OLD, { id: 'b', text: 'note b', author: 'bob', created: '2026-01-02T00:00:00.000Z' }, [2, 3]);
  await writeNote(store, OLD, { id: 'c', text: 'note c', created: '2026-01-03T00:00:00.000Z' }, [40, 41]);
  await writeNote(store, OLD, { id: 'd', text: 'note d replaces b', created: '2026-01-04T00:00:00.000Z' }, [5]);
  await store.supersede('b', 'd');
  await store.forget('c');
  return store;
}

test('upgradeStore binds the store to the new model with every note record kept and the live notes learned again', async () => {
  const dir = await tempDir();
  const old = await oldStore(dir);
  const hooks = fakeHooks();
  const report = await upgradeStore(dir, NEW, hooks);
  assert.ok(report);
  assert.deepEqual([report.notes, report.learned, report.resumed], [2, 2, false]);
  assert.deepEqual(hooks.learned, ['a', 'd']);
  await assert.rejects(MemoryStore.open(dir, { model: OLD }), ModelMismatchError);
  const store = await MemoryStore.open(dir, { model: NEW });
  const strip = (n: NoteRecord) => ({
    id: n.id,
    text: n.text,
    kind: n.kind,
    author: n.author,
    created: n.created,
    state: n.state,
    supersedes: n.supersedes,
    supersededBy: n.supersededBy,
  });
  assert.deepEqual(store.notes().map(strip), old.notes().map(strip));
  assert.deepEqual(
    store.notes().map(n => n.slots.length),
    [2, 0, 0, 2],
  );
  assert.ok([...store.changedRows().values()].every(row => row.length === NEW.rowWidth));
  assert.equal(existsSync(path.join(dir, UPGRADE_DIR)), false);
  // The upgraded store forgets like any other: both live notes gone, every row back to its base.
  await store.forget('a');
  await store.forget('d');
  assert.equal(store.changedRows().size, 0);
  // A store of the model already: nothing to do.
  assert.equal(await upgradeStore(dir, NEW, fakeHooks()), null);
});

test('a note another process writes with the old model while the upgrade runs is learned too', async () => {
  const dir = await tempDir();
  const old = await oldStore(dir);
  const hooks = fakeHooks();
  const relearn = hooks.relearn;
  let wrote = false;
  hooks.relearn = async (staging, note, signal) => {
    // Another window still on the old model appends a note mid-upgrade (its lock is free then).
    if (!wrote) await writeNote(old, OLD, { id: 'late', text: 'written during the upgrade' }, [7]);
    wrote = true;
    await relearn(staging, note, signal);
  };
  await upgradeStore(dir, NEW, hooks);
  const store = await MemoryStore.open(dir, { model: NEW });
  assert.deepEqual(
    store.liveNotes().map(n => n.id),
    ['a', 'd', 'late'],
  );
  assert.deepEqual(hooks.learned, ['a', 'd', 'late']);
});

test('a crash after the commit (new snapshot, old journal) opens as the upgraded store', async () => {
  const dir = await tempDir();
  await oldStore(dir);
  const paths = storePaths(dir);
  const oldJournal = await fs.readFile(paths.journal);
  await upgradeStore(dir, NEW, fakeHooks());
  await fs.writeFile(paths.journal, oldJournal); // as if the process died before replacing it
  const store = await MemoryStore.open(dir, { model: NEW });
  assert.deepEqual(
    store.liveNotes().map(n => n.id),
    ['a', 'd'],
  );
  assert.ok(store.loadReport.messages.some(m => /interrupted compaction/.test(m)));
});

test('a staging store left by an upgrade to another model is started again, not reused', async () => {
  const dir = await tempDir();
  await oldStore(dir);
  const third: ModelBinding = { ...NEW, id: 'third', sha256: 'ef'.repeat(32) };
  const controller = new AbortController();
  await assert.rejects(
    upgradeStore(dir, third, fakeHooks({ signal: controller.signal, progress: done => done === 1 && controller.abort() })),
  );
  assert.ok(existsSync(path.join(dir, UPGRADE_DIR)));
  const hooks = fakeHooks();
  const report = await upgradeStore(dir, NEW, hooks);
  assert.deepEqual([report?.resumed, hooks.learned], [false, ['a', 'd']]);
  const store = await MemoryStore.open(dir, { model: NEW });
  assert.deepEqual(store.getNote('d' as NoteId)?.supersedes, 'b');
});

test('a disk failure at the commit leaves the old store whole; one after it leaves the upgraded store, and its staging is cleaned up later', async () => {
  const dir = await tempDir();
  await oldStore(dir);
  const paths = storePaths(dir);
  const oldSnapshot = await fs.readFile(paths.snapshot);
  const failAt = (name: 'rename', target: string) =>
    setFaultHook(point => {
      if (point.name === name && point.target === target) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    });
  failAt('rename', paths.snapshot);
  try {
    await assert.rejects(upgradeStore(dir, NEW, fakeHooks()), /EIO/);
  } finally {
    setFaultHook(undefined);
  }
  assert.deepEqual(await fs.readFile(paths.snapshot), oldSnapshot);
  assert.deepEqual(
    (await MemoryStore.open(dir, { model: OLD })).liveNotes().map(n => n.id),
    ['a', 'd'],
  );
  // The next try resumes and commits; the step after the commit (the fresh journal) fails.
  failAt('rename', paths.journal);
  try {
    await assert.rejects(upgradeStore(dir, NEW, fakeHooks()), /EIO/);
  } finally {
    setFaultHook(undefined);
  }
  assert.ok(existsSync(path.join(dir, UPGRADE_DIR)));
  const store = await MemoryStore.open(dir, { model: NEW });
  assert.deepEqual(
    store.liveNotes().map(n => n.id),
    ['a', 'd'],
  );
  assert.equal(await removeCommittedStaging(dir, OLD), false);
  assert.ok(existsSync(path.join(dir, UPGRADE_DIR)));
  assert.equal(await removeCommittedStaging(dir, NEW), true);
  assert.equal(existsSync(path.join(dir, UPGRADE_DIR)), false);
});

test('two processes upgrading at once: one commits, the other finds the store done', async () => {
  const dir = await tempDir();
  await oldStore(dir);
  const first = fakeHooks();
  let second: Promise<unknown> | undefined;
  const relearn = first.relearn;
  first.relearn = async (staging, note, signal) => {
    // The second process starts while the first is half-way; it finishes the first's work or finds it done.
    second ??= upgradeStore(dir, NEW, fakeHooks());
    await relearn(staging, note, signal);
  };
  const results = await Promise.allSettled([
    upgradeStore(dir, NEW, first),
    (async () => {
      while (!second) await new Promise(r => setTimeout(r, 5));
      return second;
    })(),
  ]);
  assert.deepEqual(
    results.map(r => r.status),
    ['fulfilled', 'fulfilled'],
    JSON.stringify(results.map(r => (r.status === 'rejected' ? String(r.reason) : 'ok'))),
  );
  assert.equal(results.filter(r => r.status === 'fulfilled' && r.value !== null).length, 1);
  const store = await MemoryStore.open(dir, { model: NEW });
  assert.deepEqual(
    store.liveNotes().map(n => n.id),
    ['a', 'd'],
  );
  // The staging store is gone, or (the other process was still writing there) removed at the next open.
  await removeCommittedStaging(dir, NEW);
  assert.equal(existsSync(path.join(dir, UPGRADE_DIR)), false);
});
