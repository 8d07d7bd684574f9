// Loading a memory store directory into memory, under the store's lock: create it when new, read
// the snapshot, check the base model, replay the journal, roll back a torn last record (keeping
// its bytes in a side file) and, only when asked to recover, move damaged files aside.

import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileExists, moveAside, saveAside, truncateDurable, writeFileAtomic } from './atomicFile';
import { ForeignFileError, ModelIdentity, ModelMismatchError, StoreCorruptError, StoreIoError } from './errors';
import { applyJournalEntry, encodeJournalHeader, readJournal } from './journal';
import type { SnapshotHeader } from './records';
import { decodeSnapshot, encodeSnapshot } from './snapshot';
import { processIsAlive } from './lock';
import { StoreState } from './state';

/** The base model a store belongs to. */
export interface ModelBinding extends ModelIdentity {
  /** Floats per value row (d_model). */
  readonly rowWidth: number;
  /** Rows in the value table. */
  readonly slotCount: number;
}

export interface StorePaths {
  readonly dir: string;
  readonly snapshot: string;
  readonly journal: string;
  readonly lock: string;
}

export function storePaths(dir: string): StorePaths {
  const root = path.resolve(dir);
  return {
    dir: root,
    snapshot: path.join(root, 'snapshot.mnemo'),
    journal: path.join(root, 'journal.mnemo'),
    lock: path.join(root, 'store.lock'),
  };
}

/** What loading found and did, for the user. */
export interface LoadReport {
  readonly created: boolean;
  /** A torn last journal record that was rolled back. */
  readonly rolledBack?: { readonly offset: number; readonly bytes: number; readonly reason: string; readonly savedAs: string };
  /** Files moved aside by recovery. */
  readonly movedAside: readonly { readonly file: string; readonly movedTo: string; readonly reason: string }[];
  /** Sentences describing the above. */
  readonly messages: readonly string[];
}

export interface LoadedStore {
  readonly header: SnapshotHeader;
  readonly state: StoreState;
  readonly journalSize: number;
  readonly snapshotSize: number;
  readonly report: LoadReport;
}

export interface LoadOptions {
  readonly recover: boolean;
  readonly now: () => Date;
}

/** Loads (or creates) the store. Must run under the store's lock. */
export async function loadStore(paths: StorePaths, model: ModelBinding, options: LoadOptions): Promise<LoadedStore> {
  const movedAside: { file: string; movedTo: string; reason: string }[] = [];
  const messages: string[] = [];
  const setAside = async (file: string, reason: string) => {
    const movedTo = await moveAside(file, 'corrupt', options.now());
    movedAside.push({ file, movedTo, reason });
    messages.push(`${path.basename(file)} was damaged (${reason}); it was moved aside to ${path.basename(movedTo)}.`);
  };

  const leftovers = await removeDeadTempFiles(paths);
  if (leftovers.length > 0) {
    messages.push(`Removed ${leftovers.length} temp file(s) left by an interrupted save: ${leftovers.join(', ')}.`);
  }

  let snapshotBytes: Buffer | undefined;
  let decoded;
  try {
    snapshotBytes = await readIfExists(paths.snapshot);
    if (snapshotBytes) decoded = decodeSnapshot('snapshot', snapshotBytes, paths.snapshot);
  } catch (error) {
    if (!options.recover || !isRecoverable(error)) throw error;
    await setAside(paths.snapshot, (error as StoreCorruptError | ForeignFileError).reason);
    if (await fileExists(paths.journal)) await setAside(paths.journal, 'its snapshot was damaged');
    messages.push('The store was started empty; the damaged files are kept beside it.');
    return createStore(paths, model, options, { movedAside, messages });
  }
  if (!snapshotBytes || !decoded) {
    if (await fileExists(paths.journal)) {
      const problem = new StoreCorruptError(paths.snapshot, 0, 'the snapshot is missing but a journal exists');
      if (!options.recover) throw problem;
      await setAside(paths.journal, 'journal without its snapshot');
    }
    return createStore(paths, model, options, { movedAside, messages });
  }
  const { header, state } = decoded;
  checkModel(paths.dir, header, model);

  let journalBytes: Buffer | undefined;
  let rolledBack: LoadReport['rolledBack'];
  let journalSize: number;
  const freshJournal = async (reason: string) => {
    const bytes = encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation });
    await writeFileAtomic(paths.journal, bytes);
    messages.push(reason);
    return bytes.length;
  };

  let read;
  try {
    journalBytes = await readIfExists(paths.journal);
    if (!journalBytes) {
      journalSize = await freshJournal('The journal was missing; an empty one was created (the snapshot holds every earlier change).');
      return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, movedAside, messages } };
    }
    read = readJournal(journalBytes, paths.journal);
    if (read.header.storeId !== header.storeId) throw new ForeignFileError(paths.journal, 'its journal belongs to another store');
    if (read.header.generation > header.generation) {
      throw new StoreCorruptError(paths.snapshot, 0, `the snapshot (generation ${header.generation}) is older than its journal (generation ${read.header.generation})`);
    }
  } catch (error) {
    if (!options.recover || !isRecoverable(error)) throw error;
    await setAside(paths.journal, (error as StoreCorruptError | ForeignFileError).reason);
    journalSize = await freshJournal('An empty journal was started; changes after the last snapshot are in the file moved aside.');
    return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, movedAside, messages } };
  }

  if (read.header.generation < header.generation) {
    // A compaction wrote the new snapshot and stopped before replacing the journal: every record
    // in the old journal is already in the snapshot.
    journalSize = await freshJournal('An interrupted compaction was completed (the old journal was already folded into the snapshot).');
    return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, movedAside, messages } };
  }

  let goodEnd = read.goodEnd;
  let damage = read.corrupt;
  for (const entry of read.entries) {
    try {
      applyJournalEntry(state, entry, paths.journal);
    } catch (error) {
      if (!(error instanceof StoreCorruptError)) throw error;
      goodEnd = entry.offset;
      damage = { offset: entry.offset, reason: error.reason };
      break;
    }
  }
  if (damage) {
    if (!options.recover) throw new StoreCorruptError(paths.journal, damage.offset, damage.reason);
    const goodBytes = journalBytes.subarray(0, goodEnd);
    await setAside(paths.journal, `${damage.reason} at byte ${damage.offset}`);
    await writeFileAtomic(paths.journal, Buffer.from(goodBytes));
    messages.push(`The journal was rebuilt with the ${state.lastSeq - header.lastSeq} operation(s) before the damage.`);
    journalBytes = goodBytes;
  } else if (read.torn) {
    const tornBytes = journalBytes.subarray(read.torn.offset);
    const savedAs = await saveAside(paths.journal, 'torn', options.now(), Buffer.from(tornBytes));
    await truncateDurable(paths.journal, read.torn.offset);
    rolledBack = { offset: read.torn.offset, bytes: tornBytes.length, reason: read.torn.reason, savedAs };
    messages.push(
      `The last journal record was incomplete (${read.torn.reason}), probably from a crash while writing; that operation was rolled back ` +
        `and its ${tornBytes.length} bytes kept in ${path.basename(savedAs)}.`,
    );
    journalBytes = journalBytes.subarray(0, read.torn.offset);
  }
  journalSize = journalBytes.length;
  return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, rolledBack, movedAside, messages } };
}

/** Reads a store's notes without a model and without repairing anything (for `mnemo notes`). */
export async function peekStore(paths: StorePaths): Promise<{ header: SnapshotHeader; state: StoreState }> {
  const snapshotBytes = await readIfExists(paths.snapshot);
  if (!snapshotBytes) throw new ForeignFileError(paths.snapshot, 'there is no memory store in this directory');
  const { header, state } = decodeSnapshot('snapshot', snapshotBytes, paths.snapshot);
  const journalBytes = await readIfExists(paths.journal);
  if (!journalBytes) return { header, state };
  const read = readJournal(journalBytes, paths.journal);
  if (read.header.generation !== header.generation) return { header, state };
  for (const entry of read.entries) applyJournalEntry(state, entry, paths.journal);
  if (read.corrupt) throw new StoreCorruptError(paths.journal, read.corrupt.offset, read.corrupt.reason);
  return { header, state };
}

export function checkModel(dir: string, header: SnapshotHeader, model: ModelBinding): void {
  const sameModel = header.model.sha256 === model.sha256 && header.rowWidth === model.rowWidth && header.slotCount === model.slotCount;
  if (!sameModel) throw new ModelMismatchError(dir, header.model, model);
}

async function createStore(
  paths: StorePaths,
  model: ModelBinding,
  options: LoadOptions,
  found: { movedAside: LoadReport['movedAside']; messages: string[] },
): Promise<LoadedStore> {
  const header: SnapshotHeader = {
    kind: 'snapshot',
    storeId: randomUUID(),
    model: { id: model.id, sha256: model.sha256 },
    rowWidth: model.rowWidth,
    slotCount: model.slotCount,
    created: options.now().toISOString(),
    generation: 1,
    lastSeq: 0,
  };
  const state = new StoreState(model.rowWidth, model.slotCount);
  const snapshot = encodeSnapshot(header, state);
  const journal = encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation });
  // Snapshot first: a snapshot without a journal is a complete (empty) store, a journal alone is not.
  await writeFileAtomic(paths.snapshot, snapshot);
  await writeFileAtomic(paths.journal, journal);
  return {
    header,
    state,
    journalSize: journal.length,
    snapshotSize: snapshot.length,
    report: { created: true, movedAside: found.movedAside, messages: found.messages },
  };
}

/**
 * Deletes `<store file>.tmp-<pid>-<hex>` files whose process is gone: a crash during an atomic
 * replace leaves one (as large as a snapshot) that nothing else would ever remove. Every write in
 * the store directory happens under the lock we hold, so such a file is never still in use.
 */
async function removeDeadTempFiles(paths: StorePaths): Promise<string[]> {
  const removed: string[] = [];
  const ours = [path.basename(paths.snapshot), path.basename(paths.journal)];
  for (const name of await fs.readdir(paths.dir)) {
    const match = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (!match || !ours.some((base) => name.startsWith(base))) continue;
    if (Number(match[1]) === process.pid || processIsAlive(Number(match[1]))) continue;
    await fs.rm(path.join(paths.dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isRecoverable(error: unknown): boolean {
  return error instanceof StoreCorruptError || error instanceof ForeignFileError;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new ForeignFileError(file, 'it is a directory');
    throw new StoreIoError(file, 'read', error, 'Nothing was changed. Check that the file is readable (permissions, disk), then try again.');
  }
}
