// Moving a store (or an export file) written with one base model to another: every live note is
// learned again from its text by the new model, in write order, into a staging store beside the
// old one; then one atomic snapshot replace binds the store to the new model. The rows a note
// wrote mean nothing to another model, but its text, id, kind, author, date, supersede links and
// the forget history (tombstones) carry over unchanged.
//
// Crash safety: the old snapshot and journal are not touched until the commit (the rename of the
// new snapshot), so a crash or Ctrl-C before it leaves the old store whole, and the staging store
// keeps every note learned so far: the next open continues from there. A crash after the rename
// leaves a complete new store (with an older-generation journal, which loading replaces).
//
// The store layer cannot train: the caller passes `relearn`, which writes one note into the
// staging store with the new model (the service uses rememberNote).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { NoteRecord } from '../note';
import { writeFileAtomic } from './atomicFile';
import { encodeJournalHeader } from './journal';
import { ModelBinding, peekStore, storePaths } from './load';
import { acquireLock, LockOptions, releaseLockOfEndedThread } from './lock';
import { MemoryStore } from './memoryStore';
import type { SnapshotHeader } from './records';
import { decodeSnapshot, DecodedSnapshot, encodeSnapshot } from './snapshot';
import { StoreState } from './state';
import { cloneState } from './transfer';

/** The staging store of a store upgrade, inside the store directory. */
export const UPGRADE_DIR = 'upgrade-staging';
/** Records what the staging store is for, so a staging store for another target is not reused. */
const TARGET_FILE = 'target.json';
/** Rounds of catching up with notes other processes wrote or forgot while the upgrade ran. */
const MAX_ROUNDS = 5;

export interface RelearnHooks {
  /** Writes `note` (same id, text, kind, author, created) into `staging` with the new model. */
  relearn(staging: MemoryStore, note: NoteRecord, signal?: AbortSignal): Promise<void>;
  /** Called once the staging store is open (resumed or new), before any note is learned. */
  begin?(staging: MemoryStore): Promise<void> | void;
  /** Before each note is learned: `done` notes of `of` are in the staging store. */
  progress?(done: number, of: number, note: NoteRecord): void;
  readonly signal?: AbortSignal;
  readonly lock?: LockOptions;
}

export interface RelearnReport {
  /** Live notes the new store holds. */
  readonly notes: number;
  /** Notes learned by this call (the rest were already in the staging store: a resumed upgrade). */
  readonly learned: number;
  readonly resumed: boolean;
  readonly milliseconds: number;
}

export interface StoreUpgradeReport extends RelearnReport {
  readonly from: { readonly id: string; readonly sha256: string };
  readonly to: { readonly id: string; readonly sha256: string };
}

/** Whether a store or export header was written with `model`. */
export function sameModel(header: SnapshotHeader, model: ModelBinding): boolean {
  return header.model.sha256 === model.sha256 && header.rowWidth === model.rowWidth && header.slotCount === model.slotCount;
}

/**
 * Re-learns the store in `dir` (written with another model) with `model` and binds it to it.
 * Returns null when the store already uses `model` (nothing to do, e.g. another process finished
 * first). Cancelling (hooks.signal) throws between notes and keeps the staging store for the next call.
 */
export async function upgradeStore(dir: string, model: ModelBinding, hooks: RelearnHooks): Promise<StoreUpgradeReport | null> {
  const started = performance.now();
  const paths = storePaths(dir);
  const stagingDir = path.join(paths.dir, UPGRADE_DIR);
  let learned = 0;
  let resumed: boolean | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const source = await underLock(paths.lock, hooks.lock, () => peekStore(paths));
    if (sameModel(source.header, model)) {
      await removeStaging(stagingDir);
      return null;
    }
    const target = { storeId: source.header.storeId, from: source.header.model.sha256, to: model.sha256 };
    try {
      const staged = await openStaging(stagingDir, target, model, hooks.lock);
      resumed ??= staged.resumed;
      learned += await relearnAll(staged.store, [...source.state.notes.values()], hooks);
    } catch (error) {
      // Another process (a second window on the new model) may have committed the same upgrade and
      // removed the staging store under us: then the store is done.
      const now = await underLock(paths.lock, hooks.lock, () => peekStore(paths)).catch(() => undefined);
      if (now && sameModel(now.header, model)) return null;
      throw error;
    }
    const committed = await underLock(paths.lock, hooks.lock, async () => {
      const now = await peekStore(paths);
      if (sameModel(now.header, model)) return 'done-elsewhere' as const;
      // Another process (with the old model) wrote or forgot a note meanwhile: catch up first.
      if (now.header.storeId !== source.header.storeId || now.state.lastSeq !== source.state.lastSeq) return 'changed' as const;
      const staging = await underLock(storePaths(stagingDir).lock, hooks.lock, () => peekStore(storePaths(stagingDir)));
      const state = assemble(source.state, staging.state, model);
      const header: SnapshotHeader = {
        ...boundTo(source.header, model),
        kind: 'snapshot',
        // Past any compaction another process made meanwhile (it changes no note, so no catch-up).
        generation: Math.max(source.header.generation, now.header.generation) + 1,
        lastSeq: state.lastSeq,
      };
      // The commit point: from this rename on, the store is the new model's.
      await writeFileAtomic(paths.snapshot, encodeSnapshot(header, state));
      await writeFileAtomic(
        paths.journal,
        encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation }),
      );
      return 'committed' as const;
    });
    if (committed === 'changed') continue;
    await removeStaging(stagingDir);
    if (committed === 'done-elsewhere') return null;
    return {
      notes: [...source.state.notes.values()].filter(n => n.state === 'live').length,
      learned,
      resumed: resumed ?? false,
      milliseconds: performance.now() - started,
      from: source.header.model,
      to: { id: model.id, sha256: model.sha256 },
    };
  }
  throw new Error(
    `the store in ${paths.dir} kept changing while it was being upgraded (${MAX_ROUNDS} rounds); open it again when the other window is idle`,
  );
}

/**
 * Removes the staging store of an upgrade to `model` that was committed but not cleaned up (a
 * crash or a failed step after the commit). Only when the store in `dir` is `model`'s already:
 * a staging store for another target may belong to an upgrade another process is running.
 */
export async function removeCommittedStaging(dir: string, model: ModelBinding): Promise<boolean> {
  const stagingDir = path.join(storePaths(dir).dir, UPGRADE_DIR);
  const found = await fs.readFile(path.join(stagingDir, TARGET_FILE), 'utf8').catch(() => undefined);
  if (found === undefined) return false;
  let target: { to?: unknown };
  try {
    target = JSON.parse(found) as { to?: unknown };
  } catch {
    return false;
  }
  if (target.to !== model.sha256) return false;
  await fs.rm(stagingDir, { recursive: true, force: true });
  return true;
}

/** An export file's header and notes, or undefined when it does not parse (import reports why). */
export function peekExport(bytes: Buffer, file: string): DecodedSnapshot | undefined {
  try {
    return decodeSnapshot('export', bytes, file);
  } catch {
    return undefined;
  }
}

/**
 * Re-learns an export file written with another model into an export of `model`'s, written to
 * `<workDir>/upgraded.mnemo-export` (returned). `workDir` holds the staging store, so a cancelled
 * call resumes; the caller removes it after importing.
 */
export async function upgradeExport(
  source: DecodedSnapshot,
  model: ModelBinding,
  workDir: string,
  hooks: RelearnHooks,
): Promise<{ readonly file: string } & RelearnReport> {
  const started = performance.now();
  const target = { storeId: source.header.storeId, from: source.fileSha256, to: model.sha256 };
  const staged = await openStaging(workDir, target, model, hooks.lock);
  const learned = await relearnAll(staged.store, [...source.state.notes.values()], hooks);
  const staging = await underLock(storePaths(workDir).lock, hooks.lock, () => peekStore(storePaths(workDir)));
  const state = assemble(source.state, staging.state, model);
  const header: SnapshotHeader = { ...boundTo(source.header, model), kind: 'export' };
  const file = path.join(workDir, 'upgraded.mnemo-export');
  await writeFileAtomic(file, encodeSnapshot(header, state, { notes: note => note.state === 'live' }));
  return { file, notes: state.contributions.size, learned, resumed: staged.resumed, milliseconds: performance.now() - started };
}

async function openStaging(
  dir: string,
  target: object,
  model: ModelBinding,
  lock: LockOptions | undefined,
): Promise<{ store: MemoryStore; resumed: boolean }> {
  const targetFile = path.join(dir, TARGET_FILE);
  const wanted = JSON.stringify(target);
  const found = await fs.readFile(targetFile, 'utf8').catch(() => undefined);
  const resumed = found === wanted;
  if (!resumed) {
    // Staging for another source or model (or a half-made one): start it again.
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    await writeFileAtomic(targetFile, Buffer.from(wanted));
  }
  try {
    return { store: await MemoryStore.open(dir, { model, recover: true, lock }), resumed };
  } catch (error) {
    if (!resumed) throw error;
    // An unusable staging store costs only the time to learn its notes again.
    await fs.rm(dir, { recursive: true, force: true });
    return openStaging(dir, target, model, lock);
  }
}

/** Brings the staging store to the source's live notes: forgets what is no longer live there,
 *  learns what is missing, in the source's write order. Returns how many notes it learned. */
async function relearnAll(staging: MemoryStore, notes: readonly NoteRecord[], hooks: RelearnHooks): Promise<number> {
  await staging.sync();
  const live = notes.filter(n => n.state === 'live');
  const liveIds = new Set(live.map(n => n.id));
  for (const note of staging.liveNotes()) if (!liveIds.has(note.id)) await staging.forget(note.id, { purge: false });
  await hooks.begin?.(staging);
  let learned = 0;
  for (const note of live) {
    hooks.signal?.throwIfAborted();
    const done = await staging.transaction(async () => {
      if (staging.getNote(note.id)) return true;
      hooks.progress?.(staging.liveNotes().length, live.length, note);
      await hooks.relearn(staging, note, hooks.signal);
      return false;
    });
    if (!done) learned++;
  }
  return learned;
}

/** The source's header, naming the new model and its row shape. */
function boundTo(header: SnapshotHeader, model: ModelBinding): SnapshotHeader {
  return { ...header, model: { id: model.id, sha256: model.sha256 }, rowWidth: model.rowWidth, slotCount: model.slotCount };
}

/**
 * The new store's state: the staging store's rows and contributions (the live notes as the new
 * model learned them) under the source's note records, in the source's order: live notes with
 * their new slots and footprint and their old links, the others (forgotten, superseded) as they
 * were but without slots, which named rows of the old model.
 */
function assemble(source: StoreState, staging: StoreState, model: ModelBinding): StoreState {
  const copy = cloneState(staging);
  const state = new StoreState(model.rowWidth, model.slotCount);
  for (const [slot, row] of copy.rows) state.rows.set(slot, row);
  for (const [slot, row] of copy.base) state.base.set(slot, row);
  for (const note of source.notes.values()) {
    const { footprint: _old, ...rest } = note;
    if (note.state !== 'live') {
      state.notes.set(note.id, { ...rest, slots: [] });
      continue;
    }
    const learned = staging.notes.get(note.id);
    if (!learned || learned.state !== 'live' || !copy.contributions.has(note.id))
      throw new Error(`note ${note.id} is missing from the upgrade's staging store`);
    state.notes.set(note.id, { ...rest, slots: learned.slots, ...(learned.footprint ? { footprint: learned.footprint } : {}) });
  }
  // Contributions in the order the staging store wrote them: forget's delta rule follows it.
  for (const [id, contribution] of copy.contributions) if (state.notes.get(id)?.state === 'live') state.contributions.set(id, contribution);
  state.lastSeq = source.lastSeq;
  return state;
}

/** Best effort, after the commit: another process still writing there (a second window learning
 *  the same notes) can make it fail, and the next open of the new model removes what is left. */
async function removeStaging(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(() => undefined);
}

/**
 * After a worker thread that had this store open has exited: removes the locks (the store's and
 * its upgrade staging's) it was killed holding. Returns the lockfiles it removed.
 */
export async function releaseStoreLocksOfEndedThread(dir: string, endedThreadId: number): Promise<string[]> {
  const files = [storePaths(dir).lock, storePaths(path.join(storePaths(dir).dir, UPGRADE_DIR)).lock];
  const released: string[] = [];
  for (const file of files) if (await releaseLockOfEndedThread(file, endedThreadId)) released.push(file);
  return released;
}

async function underLock<T>(file: string, options: LockOptions | undefined, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
