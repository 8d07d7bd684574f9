// Loading a memory store directory into memory, under the store's lock: create it when new, read
// the snapshot, check the base model, replay the journal, roll back a torn last record (keeping
// its bytes in a side file) and, only when asked to recover, salvage every intact record of a
// damaged store (storeSalvage.ts) and keep the damaged files beside it.

import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileExists, moveAside, saveAside, truncateDurable, writeFileAtomic } from './atomicFile';
import { ForeignFileError, ModelIdentity, ModelMismatchError, StoreCorruptError, StoreIoError, UnsupportedFormatError } from './errors';
import { decodeHeader, FORMAT_VERSION } from './framing';
import { applyJournalEntry, encodeJournalHeader, readJournal } from './journal';
import { checkSnapshotHeader, SnapshotHeader } from './records';
import { Salvaged, SalvageReport, salvageStore } from './salvage';
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
  /** Set when recovery salvaged a damaged store: what it kept and lost. */
  readonly salvage?: SalvageReport;
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
  const messages: string[] = [];
  const leftovers = await removeDeadTempFiles(paths);
  if (leftovers.length > 0) {
    messages.push(`Removed ${leftovers.length} temp file(s) left by an interrupted save: ${leftovers.join(', ')}.`);
  }
  try {
    return await loadIntact(paths, model, options, messages);
  } catch (error) {
    if (!options.recover || !isRecoverable(error)) throw error;
    return recoverStore(paths, model, options, messages, error as StoreCorruptError | ForeignFileError);
  }
}

/** Loads a store with no damage (a torn last record is a crash, rolled back); throws on damage, changing nothing. */
async function loadIntact(paths: StorePaths, model: ModelBinding, options: LoadOptions, messages: string[]): Promise<LoadedStore> {
  const movedAside: LoadReport['movedAside'] = [];
  const snapshotBytes = await readIfExists(paths.snapshot);
  if (!snapshotBytes) {
    if (await fileExists(paths.journal)) throw new StoreCorruptError(paths.snapshot, 0, 'the snapshot is missing but a journal exists');
    return createStore(paths, model, options, { movedAside, messages });
  }
  const { header, state } = decodeSnapshot('snapshot', snapshotBytes, paths.snapshot);
  checkModel(paths.dir, header, model);

  let rolledBack: LoadReport['rolledBack'];
  const freshJournal = async (reason: string) => {
    const bytes = encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation });
    await writeFileAtomic(paths.journal, bytes);
    messages.push(reason);
    return bytes.length;
  };

  let journalBytes = await readIfExists(paths.journal);
  if (!journalBytes) {
    const journalSize = await freshJournal('The journal was missing; an empty one was created (the snapshot holds every earlier change).');
    return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, movedAside, messages } };
  }
  const read = readJournal(journalBytes, paths.journal);
  checkJournalFitsSnapshot(read.header, header, paths);
  if (read.header.generation < header.generation) {
    // A compaction wrote the new snapshot and stopped before replacing the journal: every record
    // in the old journal is already in the snapshot.
    const journalSize = await freshJournal(
      'An interrupted compaction was completed (the old journal was already folded into the snapshot).',
    );
    return { header, state, journalSize, snapshotSize: snapshotBytes.length, report: { created: false, movedAside, messages } };
  }
  if (read.corrupt) throw new StoreCorruptError(paths.journal, read.corrupt.offset, read.corrupt.reason);
  for (const entry of read.entries) applyJournalEntry(state, entry, paths.journal);
  if (read.torn) {
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
  return {
    header,
    state,
    journalSize: journalBytes.length,
    snapshotSize: snapshotBytes.length,
    report: { created: false, rolledBack, movedAside, messages },
  };
}

/**
 * Recovery: keeps every intact record of both files (storeSalvage.ts), writes them as a new
 * snapshot and an empty journal, and keeps the old files beside the store byte for byte. The old
 * files are copied aside before anything is replaced, so a crash during recovery loses nothing.
 */
async function recoverStore(
  paths: StorePaths,
  model: ModelBinding,
  options: LoadOptions,
  messages: string[],
  problem: StoreCorruptError | ForeignFileError,
): Promise<LoadedStore> {
  const movedAside: { file: string; movedTo: string; reason: string }[] = [];
  const keepAside = async (file: string, reason: string, bytes: Buffer | undefined) => {
    const movedTo = bytes ? await saveAside(file, 'corrupt', options.now(), bytes) : await moveAside(file, 'corrupt', options.now());
    movedAside.push({ file, movedTo, reason });
    messages.push(`${path.basename(file)} ${reason}; the original is kept as ${path.basename(movedTo)}.`);
  };
  const damagedFile = problem.file;
  const snapshot = await readForSalvage(paths.snapshot);
  const journal = await readForSalvage(paths.journal);
  // What recover must not touch: a newer format, another model's store (typed errors, not damage).
  if (snapshot.bytes) {
    const head = decodeHeader('snapshot', snapshot.bytes);
    if (!head.ok && head.problem === 'version') throw new UnsupportedFormatError(paths.snapshot, head.version!, FORMAT_VERSION);
    if (head.ok && !checkSnapshotHeader(head.header, 'snapshot')) checkModel(paths.dir, head.header as SnapshotHeader, model);
  }
  const salvaged = salvageStore({
    snapshot: snapshot.bytes ? { file: paths.snapshot, bytes: snapshot.bytes } : undefined,
    journal: journal.bytes ? { file: paths.journal, bytes: journal.bytes } : undefined,
    model,
    now: options.now,
  });
  const reasonFor = (file: string) => {
    const stretches = salvaged.report.damaged.filter(d => d.file === file);
    if (file === damagedFile) return `was damaged (${problem.reason})`;
    if (stretches.length > 0) return `was damaged (${stretches[0]!.range.reason} at byte ${stretches[0]!.range.offset})`;
    return 'was folded into the recovered snapshot';
  };
  if (snapshot.exists) await keepAside(paths.snapshot, reasonFor(paths.snapshot), snapshot.bytes);
  if (journal.exists) await keepAside(paths.journal, reasonFor(paths.journal), journal.bytes);
  const snapshotBytes = encodeSnapshot(salvaged.header, salvaged.state);
  const journalBytes = encodeJournalHeader({ kind: 'journal', storeId: salvaged.header.storeId, generation: salvaged.header.generation });
  // Snapshot first: with the old journal beside it, its older generation marks it as folded in.
  await writeFileAtomic(paths.snapshot, snapshotBytes);
  await writeFileAtomic(paths.journal, journalBytes);
  messages.push(...salvaged.report.messages);
  return {
    header: salvaged.header,
    state: salvaged.state,
    journalSize: journalBytes.length,
    snapshotSize: snapshotBytes.length,
    report: { created: salvaged.report.startedAnew, movedAside, messages, salvage: salvaged.report },
  };
}

/** A store file's bytes for salvage; a directory in its place has none (it is moved aside whole). */
async function readForSalvage(file: string): Promise<{ exists: boolean; bytes?: Buffer }> {
  try {
    return { exists: true, bytes: await fs.readFile(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false };
    if (code === 'EISDIR') return { exists: true };
    throw new StoreIoError(
      file,
      'read',
      error,
      'Nothing was changed. Check that the file is readable (permissions, disk), then try again.',
    );
  }
}

/** Reads a store's notes without a model and without repairing anything (for `mnemo notes`). */
export async function peekStore(paths: StorePaths): Promise<{ header: SnapshotHeader; state: StoreState; messages: string[] }> {
  const snapshotBytes = await readIfExists(paths.snapshot);
  if (!snapshotBytes) throw new ForeignFileError(paths.snapshot, 'there is no memory store in this directory');
  const { header, state } = decodeSnapshot('snapshot', snapshotBytes, paths.snapshot);
  const messages: string[] = [];
  const journalBytes = await readIfExists(paths.journal);
  if (!journalBytes) return { header, state, messages };
  const read = readJournal(journalBytes, paths.journal);
  checkJournalFitsSnapshot(read.header, header, paths);
  if (read.header.generation !== header.generation) return { header, state, messages };
  if (read.corrupt) throw new StoreCorruptError(paths.journal, read.corrupt.offset, read.corrupt.reason);
  for (const entry of read.entries) applyJournalEntry(state, entry, paths.journal);
  if (read.torn) {
    messages.push(
      `The journal's last record is incomplete (${read.torn.reason}), probably from a crash while writing: that operation is not listed, ` +
        'and the next command that opens the store rolls it back (keeping its bytes beside the store).',
    );
  }
  return { header, state, messages };
}

/** What `mnemo check` reports: a sound store, or a damaged one and what recovery would keep. */
export type StoreCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'sound'; readonly header: SnapshotHeader; readonly state: StoreState; readonly messages: readonly string[] }
  | { readonly kind: 'damaged'; readonly problem: StoreCorruptError | ForeignFileError; readonly salvaged: Salvaged };

/**
 * Verifies a store without changing anything: reads both files as an open would (checksums,
 * replay, the base model) and, when they are damaged, works out what recovery would keep.
 * A newer format or another model's store throws (recovery does not touch those either).
 */
export async function checkStore(paths: StorePaths, model: ModelBinding, now: () => Date = () => new Date()): Promise<StoreCheck> {
  const snapshot = await readForSalvage(paths.snapshot);
  const journal = await readForSalvage(paths.journal);
  if (!snapshot.exists && !journal.exists) return { kind: 'missing' };
  try {
    const peeked = await peekStore(paths);
    checkModel(paths.dir, peeked.header, model);
    return { kind: 'sound', ...peeked };
  } catch (error) {
    if (!isRecoverable(error)) throw error;
    if (snapshot.bytes) {
      const head = decodeHeader('snapshot', snapshot.bytes);
      if (head.ok && !checkSnapshotHeader(head.header, 'snapshot')) checkModel(paths.dir, head.header as SnapshotHeader, model);
    }
    const salvaged = salvageStore({
      snapshot: snapshot.bytes ? { file: paths.snapshot, bytes: snapshot.bytes } : undefined,
      journal: journal.bytes ? { file: paths.journal, bytes: journal.bytes } : undefined,
      model,
      now,
    });
    return { kind: 'damaged', problem: error as StoreCorruptError | ForeignFileError, salvaged };
  }
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
    if (!match || !ours.some(base => name.startsWith(base))) continue;
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
    throw new StoreIoError(
      file,
      'read',
      error,
      'Nothing was changed. Check that the file is readable (permissions, disk), then try again.',
    );
  }
}

/** A journal belongs to its snapshot's store and is never of a later generation than it. */
function checkJournalFitsSnapshot(journal: { storeId: string; generation: number }, snapshot: SnapshotHeader, paths: StorePaths): void {
  if (journal.storeId !== snapshot.storeId) throw new ForeignFileError(paths.journal, 'its journal belongs to another store');
  if (journal.generation > snapshot.generation) {
    throw new StoreCorruptError(
      paths.snapshot,
      0,
      `the snapshot (generation ${snapshot.generation}) is older than its journal (generation ${journal.generation})`,
    );
  }
}
