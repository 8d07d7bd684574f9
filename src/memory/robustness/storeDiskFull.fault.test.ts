// A full disk under every store operation, on real files. The fault seam (storeFaultPoints.ts)
// plays a disk with N bytes left: writes put at most that many bytes on disk (a short write) and
// then fail with ENOSPC. For each operation the test first measures what it writes, then runs it
// on a fresh copy of the same store with the disk filling up at every write boundary (and just
// before and after it) and at a few random points. Each time:
//
//   - the operation either fails with StoreIoError (code store-disk-full, "Free some disk space")
//     and the store, reopened from disk, is exactly as before; or it succeeds (only a clean-up
//     step after its commit point failed, e.g. the compaction after an append) and the store is
//     exactly as after a run on an empty disk;
//   - the files are consistent, no temp file or lockfile is left;
//   - the same store object, once space is back, writes another note that survives a reopen.
//
// Then: an EIO on fsync or rename (code store-io), a lockfile that could not be written, and,
// where the test runs as root on Linux, a real 256 KiB tmpfs filled up (skipped elsewhere).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../../model/seededRandom';
import { MemoryStore, OpenOptions } from '../store/memoryStore';
import { StoreIoError } from '../store/errors';
import { encodeJournalRecord } from '../store/journal';
import { FaultHook, FaultPointName, setFaultHook } from '../store/faultPoints';
import { FAULT_TEST_MODEL, writePlusOne } from './faultTestModel';
import { scratchDirectory } from './scratchDirectory';
import { checkRowsMatchLiveNotes, checkStoreFiles, debris } from './storeInvariants';

const scratch = scratchDirectory('disk-full');
const now = () => new Date('2026-11-22T12:00:00.000Z');

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** A disk with `bytes` free: each write gets what is left, then ENOSPC. */
function diskWithBytesLeft(bytes: number): FaultHook {
  let left = bytes;
  return point => {
    if (point.name !== 'write') return;
    if (left === 0) throw enospc();
    const take = Math.min(left, point.data!.length);
    left -= take;
    return take;
  };
}

/** Records the size of every write an operation does. */
function measuringDisk(sizes: number[]): FaultHook {
  return point => {
    if (point.name === 'write') sizes.push(point.data!.length);
  };
}

async function tempDir(label: string): Promise<string> {
  return scratch.make(label);
}

async function open(dir: string, extra: Partial<OpenOptions> = {}): Promise<MemoryStore> {
  return MemoryStore.open(dir, { model: FAULT_TEST_MODEL, now, lock: { timeoutMs: 2_000 }, ...extra });
}

/** What the store holds, for comparing before/after: notes with state and text, and every changed row. */
function view(store: MemoryStore): unknown {
  return {
    notes: store.notes().map(n => `${n.id}:${n.state}:${n.text}`),
    rows: [...store.changedRows()].sort((a, b) => a[0] - b[0]).map(([slot, row]) => [slot, [...row]]),
  };
}

/** A store with live, forgotten and superseded notes, a compaction behind it and records after it. */
async function makeTemplate(): Promise<{ dir: string; exportFile: string }> {
  const dir = await tempDir('template');
  const store = await open(dir);
  await writePlusOne(store, 'n1', [1, 2, 3]);
  await writePlusOne(store, 'n2', [2, 3, 4]);
  await writePlusOne(store, 'n3', [5, 6, 7]);
  await store.forget('n3');
  await writePlusOne(store, 'n4', [3, 4, 5]);
  await writePlusOne(store, 'n5', [8, 9, 10]);
  await store.supersede('n4', 'n5');
  await writePlusOne(store, 'n6', [1, 9, 11]);
  // An export from another store, for the imports.
  const other = await open(await tempDir('source'));
  await writePlusOne(other, 'x1', [2, 12, 13]);
  await writePlusOne(other, 'x2', [13, 14, 15]);
  const exportFile = path.join(await tempDir('export'), 'team.mnemo-export');
  await other.exportTo(exportFile);
  return { dir, exportFile };
}

interface Operation {
  readonly name: string;
  /** Prepares a fresh directory (a copy of the template unless it says otherwise). */
  readonly setup?: (dir: string, template: string) => Promise<void>;
  readonly openOptions?: Partial<OpenOptions>;
  /** Runs the operation; `store` is undefined for operations that open the store themselves. */
  readonly run: (store: MemoryStore | undefined, dir: string, exportFile: string) => Promise<unknown>;
  /** Open the store inside run (with the fault active) rather than before it. */
  readonly opensStore?: boolean;
}

const OPERATIONS: readonly Operation[] = [
  { name: 'write', run: s => writePlusOne(s!, 'new', [3, 20, 21]) },
  { name: 'write, then the automatic compaction', openOptions: { compactAfterBytes: 1 }, run: s => writePlusOne(s!, 'new', [3, 20, 21]) },
  { name: 'forget with purge', run: s => s!.forget('n2') },
  { name: 'forget without purge', run: s => s!.forget('n2', { purge: false }) },
  { name: 'supersede', run: s => s!.supersede('n1', 'n2') },
  { name: 'compact', run: s => s!.compact() },
  { name: 'export', run: (s, dir) => s!.exportTo(path.join(dir, 'out.mnemo-export')) },
  { name: 'merge import', run: (s, _dir, file) => s!.importFrom(file) },
  { name: 'replace import over notes (exports a backup first)', run: (s, _dir, file) => s!.importFrom(file, { mode: 'replace' }) },
  { name: 'replace import into an empty store', setup: async dir => void (await open(dir)), run: (s, _dir, file) => s!.importFrom(file) },
  {
    name: 'open with a torn journal tail (its rollback keeps the bytes aside)',
    setup: async (dir, template) => {
      await fs.cp(template, dir, { recursive: true });
      const record = encodeJournalRecord({ type: 'forget', seq: 99, noteId: 'n1' as never, overlap: 'delta', time: 'x' });
      await fs.appendFile(path.join(dir, 'journal.mnemo'), record.subarray(0, 20));
    },
    opensStore: true,
    run: (_s, dir) => open(dir),
  },
  { name: 'open creating a new store', setup: async () => undefined, opensStore: true, run: (_s, dir) => open(dir) },
];

async function prepare(operation: Operation, template: string): Promise<string> {
  const dir = await tempDir('case');
  if (operation.setup) await operation.setup(dir, template);
  else await fs.cp(template, dir, { recursive: true });
  return dir;
}

/** Runs the operation on a fresh copy with no fault: the sizes of its writes and the state after it. */
async function reference(operation: Operation, template: string, exportFile: string): Promise<{ sizes: number[]; after: unknown }> {
  const dir = await prepare(operation, template);
  const store = operation.opensStore ? undefined : await open(dir, operation.openOptions);
  const sizes: number[] = [];
  setFaultHook(measuringDisk(sizes));
  try {
    await operation.run(store, dir, exportFile);
  } finally {
    setFaultHook(undefined);
  }
  return { sizes, after: view(await open(dir)) };
}

/** Free-space levels worth trying: empty, each write boundary and its neighbours, a few random ones. */
function budgets(sizes: readonly number[], seed: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const points = new Set<number>([0, 1, total - 1]);
  let at = 0;
  for (const size of sizes) {
    for (const b of [at - 1, at, at + 1, at + Math.floor(size / 2)]) points.add(b);
    at += size;
  }
  const random = seededRandom(seed);
  for (let i = 0; i < 3; i++) points.add(Math.floor(random.next() * total));
  return [...points].filter(b => b >= 0 && b < total).sort((a, b) => a - b);
}

test('store: a full disk at every write of every operation fails cleanly or commits, and loses nothing', async t => {
  const { dir: template, exportFile } = await makeTemplate();
  let cases = 0;
  let failed = 0;
  let committed = 0;
  for (const [index, operation] of OPERATIONS.entries()) {
    const { sizes, after } = await reference(operation, template, exportFile);
    for (const budget of budgets(sizes, index)) {
      const label = `${operation.name}, ${budget} of ${sizes.reduce((a, b) => a + b, 0)} bytes free`;
      const dir = await prepare(operation, template);
      const store = operation.opensStore ? undefined : await open(dir, operation.openOptions);
      const before = operation.opensStore ? undefined : view(store!);
      setFaultHook(diskWithBytesLeft(budget));
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await operation.run(store, dir, exportFile) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        setFaultHook(undefined);
      }
      cases++;
      if (!outcome.ok) {
        failed++;
        const error = outcome.error;
        assert.ok(error instanceof StoreIoError, `${label}: expected StoreIoError, got ${String(error)}`);
        assert.equal(error.code, 'store-disk-full', label);
        assert.match(error.message, /the disk is full \(ENOSPC\)/, label);
        assert.match(error.hint, /Nothing was changed.*Free some disk space/, label);
      } else committed++;

      // Space is back. The store on disk is exactly before or exactly after, consistent and clean.
      assert.deepEqual(await debris(dir), [], `${label}: no temp file or lockfile left`);
      if (operation.name === 'export' && !outcome.ok) {
        assert.ok(!(await fs.readdir(dir)).includes('out.mnemo-export'), `${label}: no partial export file`);
      }
      // Opened from a copy: opening the directory itself would repair it (complete an interrupted
      // compaction) before the same-object write below, hiding a writer that appends to a stale journal.
      const copy = await tempDir('copy');
      await fs.cp(dir, copy, { recursive: true });
      const reopened = await open(copy);
      // An open that failed leaves the files as they were; opening them now gives what it would have.
      const expected = outcome.ok || operation.opensStore ? after : before;
      assert.deepEqual(view(reopened), expected, `${label}: the store is exactly as ${outcome.ok ? 'after' : 'before'} the operation`);
      checkRowsMatchLiveNotes(reopened);
      await checkStoreFiles(copy);
      // The same object keeps working, and what it writes now is durable.
      const live = store ?? (await open(dir));
      await writePlusOne(live, 'after-space-freed', [30, 31, 32]);
      const again = await open(dir);
      assert.equal(again.getNote('after-space-freed')?.state, 'live', `${label}: a write after the failure survives a reopen`);
      checkRowsMatchLiveNotes(again);
    }
  }
  t.diagnostic(`disk-full cases: ${cases} over ${OPERATIONS.length} operations; ${failed} failed cleanly, ${committed} committed`);
  assert.ok(cases >= 100 && failed > 0 && committed > 0);
});

test('store: an I/O error on fsync or rename fails with store-io and changes nothing', async () => {
  const { dir: template } = await makeTemplate();
  const eio =
    (name: FaultPointName, target: RegExp): FaultHook =>
    point => {
      if (point.name === name && target.test(path.basename(point.file)))
        throw Object.assign(new Error(`EIO: i/o error, ${name}`), { code: 'EIO' });
    };
  const cases: ReadonlyArray<[string, FaultHook, (s: MemoryStore) => Promise<unknown>]> = [
    ['fsync of an appended record', eio('sync', /^journal\.mnemo$/), s => writePlusOne(s, 'new', [1])],
    ['fsync of a new snapshot', eio('sync', /^snapshot\.mnemo\.tmp-/), s => s.compact()],
    ['rename of a new snapshot', eio('rename', /^snapshot\.mnemo\.tmp-/), s => s.compact()],
    ['fsync of an export', eio('sync', /\.mnemo-export\.tmp-/), s => s.exportTo(path.join(s.paths.dir, 'x.mnemo-export'))],
  ];
  for (const [name, hook, run] of cases) {
    const dir = await tempDir('eio');
    await fs.cp(template, dir, { recursive: true });
    const store = await open(dir);
    const before = view(store);
    setFaultHook(hook);
    try {
      await assert.rejects(run(store), (error: unknown) => {
        assert.ok(error instanceof StoreIoError, `${name}: ${String(error)}`);
        assert.equal(error.code, 'store-io');
        assert.match(error.message, /EIO: i\/o error/);
        assert.match(error.hint, /Nothing was changed.*writable/);
        return true;
      });
    } finally {
      setFaultHook(undefined);
    }
    assert.deepEqual(await debris(dir), [], name);
    assert.deepEqual(view(await open(dir)), before, name);
    await writePlusOne(store, 'later', [40]);
    assert.equal((await open(dir)).getNote('later')?.state, 'live', name);
  }
});

test('store: a lockfile that cannot be written is removed, so the next operation does not wait for it', async () => {
  const dir = await tempDir('lock');
  const store = await open(dir);
  setFaultHook(point => {
    if (point.name === 'write' && path.basename(point.file) === 'store.lock') throw enospc();
  });
  try {
    await assert.rejects(
      writePlusOne(store, 'a', [1]),
      (e: unknown) => e instanceof StoreIoError && e.code === 'store-disk-full' && /lockfile/.test(e.message),
    );
  } finally {
    setFaultHook(undefined);
  }
  assert.deepEqual(await debris(dir), []);
  // An empty lockfile left behind would count as held for 5 s; the timeout here is 2 s.
  await writePlusOne(store, 'a', [1]);
  assert.equal((await open(dir)).getNote('a')?.state, 'live');
});

/** Mounts a tmpfs of `size` at a new directory; undefined where that is not possible (not root, not Linux). */
function mountTmpfs(size: string): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const mountPoint = path.join(os.tmpdir(), `mnemo-tmpfs-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', mountPoint]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint], { stdio: 'ignore' });
    return mountPoint;
  } catch {
    return undefined;
  }
}

test('store: a real full tmpfs: the write that does not fit fails cleanly, every acknowledged one survives', async t => {
  const mountPoint = mountTmpfs('256k');
  if (!mountPoint) return t.skip('needs root on Linux to mount a tmpfs');
  try {
    // Big rows (1,024 floats), so a dozen notes fill the disk; the journal records are 24 KiB each.
    const model = { ...FAULT_TEST_MODEL, rowWidth: 1024 };
    const dir = path.join(mountPoint, 'store');
    const store = await MemoryStore.open(dir, { model, compactAfterBytes: 64 * 1024, lock: { timeoutMs: 2_000 } });
    const acked: string[] = [];
    let failure: unknown;
    for (let i = 0; i < 40 && failure === undefined; i++) {
      const slots = [i % 60, (i % 60) + 1, (i % 60) + 2].map(s => s % 64).sort((a, b) => a - b);
      try {
        await store.transaction(async () => {
          const rows = store.changedRows();
          const prev = new Float32Array(3 * 1024);
          slots.forEach((slot, k) => prev.set(rows.get(slot) ?? new Float32Array(1024), k * 1024));
          await store.write({ id: `t${i}`, text: `note ${i}`, kind: 'note', author: 't', slots, prev, next: prev.map(v => v + 1) });
        });
        acked.push(`t${i}`);
      } catch (error) {
        failure = error;
      }
    }
    assert.ok(failure instanceof StoreIoError && failure.code === 'store-disk-full', `the disk filled up: ${String(failure)}`);
    assert.ok(acked.length >= 3, `${acked.length} writes fitted`);
    execFileSync('mount', ['-o', 'remount,size=4m', mountPoint]);
    const reopened = await MemoryStore.open(dir, { model });
    assert.deepEqual(
      reopened.notes().map(n => n.id),
      acked,
      'exactly the acknowledged notes',
    );
    assert.equal(reopened.loadReport.rolledBack, undefined, 'no torn record: the failed append was cut back');
    assert.deepEqual(await debris(dir), []);
    t.diagnostic(`tmpfs of 256 KiB: ${acked.length} writes acknowledged, then ${(failure as StoreIoError).code}`);
  } finally {
    execFileSync('umount', [mountPoint]);
    await fs.rmdir(mountPoint);
  }
});
