// The per-workspace memory store (DESIGN.md §6): notes, the value rows their writes changed, and
// an append-only journal, in one directory. Every operation runs under a cross-process lock and
// starts by catching up with what other processes (another window, the CLI) appended, so two
// writers take turns and nothing is lost. See README.md in this folder for the file layout.
//
// The store does not train anything: the writer (later) computes a note's new rows and hands them
// over with write(); forget() and supersede() return the rows to put back into the live model.

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { appendDurable, saveAside, truncateDurable, writeFileAtomic } from './atomicFile';
import { NoteId, NoteKind, NoteRecord, isNoteKind, toNoteId } from '../note';
import { assertNoSecrets } from '../intake/secrets';
import { ImportInvalidError, StoreCorruptError } from './errors';
import { applyJournalEntry, encodeJournalHeader, encodeJournalRecord, readJournal } from './journal';
import { checkStore, loadStore, LoadReport, ModelBinding, peekStore, StoreCheck, StorePaths, storePaths } from './load';
import { acquireLock, LockOptions } from './lock';
import { JournalRecord, noteChecksum, OverlapPolicy, SnapshotHeader } from './records';
import { encodeSnapshot } from './snapshot';
import {
  applyForget,
  applyWrite,
  bitsEqual,
  checkSupersede,
  checkWrite,
  diffRows,
  ForgetOutcome,
  linkSupersede,
  planForget,
  RowUpdate,
  slotOwners,
  StoreState,
} from './state';
import { cloneState, ImportMode, planMerge, readExportFile } from './transfer';

export type { ModelBinding, LoadReport, StoreCheck } from './load';
export type { SalvageReport } from './salvage';
export type { RowUpdate, ForgetOutcome } from './state';
export type { OverlapPolicy } from './records';
export type { ImportMode } from './transfer';

export interface OpenOptions {
  readonly model: ModelBinding;
  /** Move damaged files aside (as *.corrupt-<time>) and keep what is sound, instead of refusing. */
  readonly recover?: boolean;
  readonly lock?: LockOptions;
  /** Clock, for tests. */
  readonly now?: () => Date;
  /** Compact once the journal is larger than this and larger than the snapshot. Default 8 MiB. */
  readonly compactAfterBytes?: number;
}

export interface WriteRequest {
  /** Caller-chosen id (the eval uses the set's ids); default a fresh random id. */
  readonly id?: string;
  readonly text: string;
  readonly kind: NoteKind;
  readonly author: string;
  /** ISO time; default now. */
  readonly created?: string;
  /** Slot ids the write changed, any order, no repeats. */
  readonly slots: readonly number[];
  /** Row values before the write, slots.length * rowWidth floats, in `slots` order. */
  readonly prev: Float32Array;
  /** Row values after the write, same layout. */
  readonly next: Float32Array;
  /** The note's footprint (see NoteRecord.footprint), any order; repeats are dropped. */
  readonly footprint?: readonly number[];
}

/** A note as it was before a forget, for undo (MemoryStore.forgettable / restore). */
export interface ForgottenNote {
  readonly note: NoteRecord;
  readonly prev: Float32Array;
  readonly next: Float32Array;
}

export interface WriteResult {
  readonly note: NoteRecord;
  readonly seq: number;
}

export interface ForgetResult extends ForgetOutcome {
  /** Whether the snapshot was rewritten so the forgotten text left the disk (see ForgetOptions.purge). */
  readonly purged: boolean;
}

export interface ForgetOptions {
  /** What to do when later notes changed the same rows: remove only this note's part, or refuse. */
  readonly overlap?: OverlapPolicy;
  /** Rewrite the snapshot at once so the forgotten text leaves the disk. Default true. */
  readonly purge?: boolean;
}

export interface ImportResult {
  readonly mode: ImportMode;
  readonly imported: number;
  readonly renamed: readonly { readonly from: NoteId; readonly to: NoteId }[];
  readonly skipped: readonly NoteId[];
  /** Rows to set in the live model. */
  readonly updates: readonly RowUpdate[];
  /** When replacing a store that had notes: where its previous content was exported first. */
  readonly backup?: string;
}

export interface ExportResult {
  readonly file: string;
  readonly notes: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** Inside a transaction: rows other processes changed since this process last looked. */
export interface TransactionContext {
  readonly updates: readonly RowUpdate[];
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

export class MemoryStore {
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(updates: readonly RowUpdate[]) => void>();
  private readonly now: () => Date;

  private constructor(
    readonly paths: StorePaths,
    readonly model: ModelBinding,
    private readonly options: OpenOptions,
    private header: SnapshotHeader,
    private state: StoreState,
    private journalSize: number,
    private snapshotSize: number,
    readonly loadReport: LoadReport,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Opens the store in `dir`, creating it if there is none. Throws typed errors (storeErrors.ts). */
  static async open(dir: string, options: OpenOptions): Promise<MemoryStore> {
    const paths = storePaths(dir);
    await fs.mkdir(paths.dir, { recursive: true });
    const lock = await acquireLock(paths.lock, options.lock);
    try {
      const loaded = await loadStore(paths, options.model, { recover: options.recover ?? false, now: options.now ?? (() => new Date()) });
      return new MemoryStore(
        paths,
        options.model,
        options,
        loaded.header,
        loaded.state,
        loaded.journalSize,
        loaded.snapshotSize,
        loaded.report,
      );
    } finally {
      await lock.release();
    }
  }

  /**
   * Reads a store's header and notes without a model and without changing anything. Damage
   * throws as open does; a torn last record (a crash while appending) is left out and named in
   * `messages`.
   */
  static async peek(
    dir: string,
  ): Promise<{ readonly header: SnapshotHeader; readonly notes: readonly NoteRecord[]; readonly messages: readonly string[] }> {
    const { header, state, messages } = await peekStore(storePaths(dir));
    return { header, notes: [...state.notes.values()], messages };
  }

  /** Verifies the store in `dir` without changing anything: sound, missing, or damaged and what recovery would keep. */
  static async check(dir: string, model: ModelBinding): Promise<StoreCheck> {
    return checkStore(storePaths(dir), model);
  }

  get storeId(): string {
    return this.header.storeId;
  }

  /** All notes in write order, forgotten and superseded ones included. */
  notes(): readonly NoteRecord[] {
    return [...this.state.notes.values()];
  }

  liveNotes(): readonly NoteRecord[] {
    return this.notes().filter(note => note.state === 'live');
  }

  getNote(id: string): NoteRecord | undefined {
    return this.state.notes.get(id as NoteId);
  }

  /** Current value of every changed slot: overlay these on the base model's value table. Copies. */
  changedRows(): Map<number, Float32Array> {
    return new Map([...this.state.rows].map(([slot, row]) => [slot, row.slice()]));
  }

  /** Slot -> live notes that wrote it (write order), for the inspector and provenance. */
  slotOwners(): Map<number, NoteId[]> {
    return slotOwners(this.state);
  }

  /** Called whenever catching up brings in other processes' operations, with the rows they changed (maybe none). */
  onExternalChange(listener: (updates: readonly RowUpdate[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `fn` holding the store's lock, after catching up with other processes. The writer uses
   * this to read rows, train and write() without another window slipping in between.
   */
  async transaction<T>(fn: (context: TransactionContext) => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return fn({ updates: [] });
    const run = async (): Promise<T> => {
      const lock = await acquireLock(this.paths.lock, this.options.lock);
      try {
        const seqBefore = this.state.lastSeq;
        const updates = await this.catchUp();
        // Another process's operation counts even when it moved no row (a keyed-memory note
        // writes none): its notes changed, and the listeners show notes.
        if (updates.length > 0 || this.state.lastSeq !== seqBefore) for (const listener of this.listeners) listener(copyUpdates(updates));
        return await this.inTransaction.run(true, () => fn({ updates: copyUpdates(updates) }));
      } finally {
        await lock.release();
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Resolves once the running and queued transactions are done and the lock is released. A thread
   * ended while holding the lock would leave a lockfile naming a live process (its host), which
   * other workers of that process could not break for a minute.
   */
  async close(): Promise<void> {
    await this.queue;
  }

  /** Catches up with other processes; returns the rows that changed. */
  async sync(): Promise<readonly RowUpdate[]> {
    return this.transaction(async context => context.updates);
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    return this.transaction(async () => {
      const data = this.prepareWrite(request);
      checkWrite(this.state, data);
      const seq = this.state.lastSeq + 1;
      await this.append({ type: 'write', seq, note: data.note, noteCrc: noteChecksum(data.note) }, [data.prev, data.next]);
      applyWrite(this.state, data);
      this.state.lastSeq = seq;
      await this.compactIfLarge();
      return { note: data.note, seq };
    });
  }

  /** Forgets a live note: restores its rows (see storeState.ts) and erases its text. */
  async forget(id: string, options: ForgetOptions = {}): Promise<ForgetResult> {
    return this.transaction(async () => {
      const noteId = toNoteId(id);
      const overlap = options.overlap ?? 'delta';
      const plan = planForget(this.state, noteId, overlap);
      const seq = this.state.lastSeq + 1;
      await this.append({ type: 'forget', seq, noteId, overlap, time: this.now().toISOString() });
      const outcome = applyForget(this.state, plan, { state: 'forgotten' });
      this.state.lastSeq = seq;
      // The forget is durable once appended; a failed compaction only delays the purge.
      let purged = false;
      if (options.purge ?? true)
        purged = await this.compact().then(
          () => true,
          () => false,
        );
      else await this.compactIfLarge();
      return { ...outcome, updates: copyUpdates(outcome.updates), purged };
    });
  }

  /**
   * A live note as forget would lose it: its record (text included) and its rows (prev, next), a
   * copy. What an undo keeps in memory to give to restore().
   */
  forgettable(id: string): ForgottenNote | undefined {
    const note = this.state.notes.get(toNoteId(id));
    const own = note ? this.state.contributions.get(note.id) : undefined;
    if (!note || note.state !== 'live' || !own) return undefined;
    return { note, prev: own.prev.slice(), next: own.next.slice() };
  }

  /**
   * Undoes a forget: the note is live again with its id, text, slots and footprint, and its own
   * change (next - prev) is put back on its rows as they are now. When nothing changed those rows
   * since the forget (the forget restored them exactly), they come back bit for bit.
   */
  async restore(forgotten: ForgottenNote): Promise<WriteResult & { readonly updates: readonly RowUpdate[] }> {
    return this.transaction(async () => {
      const d = this.model.rowWidth;
      const { note } = forgotten;
      const prev = new Float32Array(forgotten.prev.length);
      const next = new Float32Array(forgotten.next.length);
      note.slots.forEach((slot, i) => {
        const was = forgotten.prev.subarray(i * d, (i + 1) * d);
        const row = this.state.rows.get(slot) ?? was;
        prev.set(row, i * d);
        const same = bitsEqual(row, was);
        for (let k = i * d; k < (i + 1) * d; k++)
          next[k] = same ? forgotten.next[k]! : row[k - i * d]! + (forgotten.next[k]! - forgotten.prev[k]!);
      });
      const data = { note, prev, next };
      checkWrite(this.state, data, true);
      const seq = this.state.lastSeq + 1;
      await this.append({ type: 'restore', seq, note, noteCrc: noteChecksum(note) }, [prev, next]);
      const updates = applyWrite(this.state, data);
      this.state.lastSeq = seq;
      await this.compactIfLarge();
      return { note, seq, updates: copyUpdates(updates) };
    });
  }

  /** Marks `oldId` superseded by the (already written) `newId` and restores the old note's rows. */
  async supersede(oldId: string, newId: string): Promise<ForgetOutcome> {
    return this.transaction(async () => {
      const older = toNoteId(oldId);
      const newer = toNoteId(newId);
      checkSupersede(this.state, older, newer);
      const plan = planForget(this.state, older, 'delta', 'supersede');
      const seq = this.state.lastSeq + 1;
      await this.append({ type: 'supersede', seq, oldId: older, newId: newer, time: this.now().toISOString() });
      const outcome = applyForget(this.state, plan, { state: 'superseded', by: newer });
      linkSupersede(this.state, older, newer);
      this.state.lastSeq = seq;
      await this.compactIfLarge();
      return { ...outcome, updates: copyUpdates(outcome.updates) };
    });
  }

  /** Folds the journal into a new snapshot (atomically) and starts an empty journal. */
  async compact(): Promise<void> {
    await this.transaction(async () => {
      const header: SnapshotHeader = { ...this.header, generation: this.header.generation + 1, lastSeq: this.state.lastSeq };
      const snapshot = encodeSnapshot(header, this.state);
      const journal = encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation });
      // Snapshot first: if we stop between the two, the next load sees an older-generation journal
      // whose records are all in the snapshot, and replaces it.
      await writeFileAtomic(this.paths.snapshot, snapshot);
      await writeFileAtomic(this.paths.journal, journal);
      this.header = header;
      this.snapshotSize = snapshot.length;
      this.journalSize = journal.length;
    });
  }

  /** Writes the live notes and their rows to one checksummed file. */
  async exportTo(file: string): Promise<ExportResult> {
    return this.transaction(async () => {
      const header: SnapshotHeader = { ...this.header, kind: 'export', created: this.now().toISOString(), lastSeq: this.state.lastSeq };
      const bytes = encodeSnapshot(header, this.state, { notes: note => note.state === 'live' });
      await writeFileAtomic(path.resolve(file), bytes);
      return {
        file: path.resolve(file),
        notes: this.liveNotes().length,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    });
  }

  /**
   * Imports an export file. merge (the default when this store has live notes) adds the file's
   * notes on top; replace (the default for an empty store) makes this store a copy of the file,
   * after exporting its previous content beside it if it had any notes.
   */
  async importFrom(file: string, options: { readonly mode?: ImportMode } = {}): Promise<ImportResult> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (error) {
      throw new ImportInvalidError(
        file,
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error),
        'Check the path.',
      );
    }
    const source = readExportFile(bytes, file, this.model);
    return this.transaction(async () => {
      const mode = options.mode ?? (this.liveNotes().length === 0 ? 'replace' : 'merge');
      return mode === 'replace' ? this.importReplace(source, file) : this.importMerge(source, file);
    });
  }

  /** A fresh note id that this store has never used. */
  newNoteId(): NoteId {
    for (;;) {
      const id = toNoteId(`n-${randomBytes(4).toString('hex')}`);
      if (!this.state.notes.has(id)) return id;
    }
  }

  private async importMerge(source: ReturnType<typeof readExportFile>, file: string): Promise<ImportResult> {
    const plan = planMerge(this.state, source, file, this.now().toISOString());
    const seq = this.state.lastSeq + 1;
    const record = { ...plan.record, seq };
    const before = cloneState(this.state);
    const encoded = encodeJournalRecord(record, plan.rows);
    const start = this.journalSize;
    await this.appendBytes(encoded);
    applyJournalEntry(this.state, { record, rows: concatRows(plan.rows), offset: start, end: start + encoded.length }, this.paths.journal);
    await this.compactIfLarge();
    return {
      mode: 'merge',
      imported: record.notes.length,
      renamed: plan.renamed,
      skipped: plan.skipped,
      updates: diffRows(before, this.state),
    };
  }

  private async importReplace(source: ReturnType<typeof readExportFile>, file: string): Promise<ImportResult> {
    let backup: string | undefined;
    if (this.liveNotes().length > 0) {
      backup = path.join(this.paths.dir, `before-import-${this.now().toISOString().replace(/:/g, '-')}.mnemo-export`);
      await this.exportTo(backup);
    }
    const before = this.state;
    const state = cloneState(source.state);
    state.lastSeq = before.lastSeq;
    const header: SnapshotHeader = { ...this.header, generation: this.header.generation + 1, lastSeq: state.lastSeq };
    const snapshot = encodeSnapshot(header, state);
    // Renaming the new snapshot into place is the commit point: from then on the import is done.
    await writeFileAtomic(this.paths.snapshot, snapshot);
    this.header = header;
    this.state = state;
    this.snapshotSize = snapshot.length;
    try {
      const journal = encodeJournalHeader({ kind: 'journal', storeId: header.storeId, generation: header.generation });
      await writeFileAtomic(this.paths.journal, journal);
      this.journalSize = journal.length;
      const seq = state.lastSeq + 1;
      await this.append({
        type: 'import',
        seq,
        mode: 'replace',
        time: this.now().toISOString(),
        source: { sha256: source.fileSha256, storeId: source.header.storeId, fileName: path.basename(file) },
        notes: [],
      });
      state.lastSeq = seq;
    } catch {
      // Bookkeeping after the commit (a full disk): the old journal has an older generation, so the
      // next load or catch-up replaces it; the marker record is only informative.
    }
    const imported = [...state.notes.values()].filter(n => n.state === 'live').length;
    return { mode: 'replace', imported, renamed: [], skipped: [], updates: diffRows(before, state), backup };
  }

  private prepareWrite(request: WriteRequest) {
    if (typeof request.text !== 'string' || request.text.trim() === '' || request.text.includes('\u0000')) {
      throw new RangeError('a note needs non-empty text without NUL characters (check it with prepareNoteText first)');
    }
    if (!isNoteKind(request.kind)) throw new RangeError(`unknown note kind ${JSON.stringify(request.kind)}`);
    assertNoSecrets(request.text);
    const d = this.model.rowWidth;
    const order = request.slots.map((slot, index) => ({ slot, index })).sort((a, b) => a.slot - b.slot);
    const expected = request.slots.length * d;
    if (request.prev.length !== expected || request.next.length !== expected) {
      throw new RangeError(
        `rows must hold ${request.slots.length} x ${d} floats, got prev ${request.prev.length} and next ${request.next.length}`,
      );
    }
    const prev = new Float32Array(expected);
    const next = new Float32Array(expected);
    order.forEach(({ index }, i) => {
      prev.set(request.prev.subarray(index * d, (index + 1) * d), i * d);
      next.set(request.next.subarray(index * d, (index + 1) * d), i * d);
    });
    const note: NoteRecord = {
      id: request.id === undefined ? this.newNoteId() : toNoteId(request.id),
      text: request.text,
      kind: request.kind,
      author: request.author,
      created: request.created ?? this.now().toISOString(),
      slots: order.map(o => o.slot),
      ...(request.footprint ? { footprint: [...new Set(request.footprint)].sort((a, b) => a - b) } : {}),
      state: 'live',
    };
    return { note, prev, next };
  }

  private async append(record: JournalRecord, rows: readonly Float32Array[] = []): Promise<void> {
    await this.appendBytes(encodeJournalRecord(record, rows));
  }

  private async appendBytes(bytes: Buffer): Promise<void> {
    await appendDurable(this.paths.journal, bytes, this.journalSize);
    this.journalSize += bytes.length;
  }

  /**
   * Compacts when the journal outgrew its limit. Called after an operation is durable in the
   * journal, so a failure here (a full disk) must not fail that operation: it is retried next time.
   */
  private async compactIfLarge(): Promise<void> {
    const limit = this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    if (this.journalSize > limit && this.journalSize > this.snapshotSize) await this.compact().catch(() => undefined);
  }

  /** Brings the in-memory state up to date with the files; returns the rows that changed. */
  private async catchUp(): Promise<RowUpdate[]> {
    // A compaction or replace-import (ours or another process's) that renamed a new snapshot into
    // place and then failed to replace the journal leaves an older-generation journal: appending to
    // it would put acknowledged writes where the next load discards them. Reload instead.
    const sameSnapshot = (await readGeneration(this.paths.snapshot)) === this.header.generation;
    const handle = sameSnapshot ? await fs.open(this.paths.journal, 'r').catch(() => undefined) : undefined;
    if (handle) {
      try {
        const { size } = await handle.stat();
        const prefix = Buffer.alloc(Math.min(size, 4096));
        await handle.read(prefix, 0, prefix.length, 0);
        const sameJournal = size >= this.journalSize && journalGeneration(prefix) === this.header.generation;
        if (sameJournal && size === this.journalSize) return [];
        if (sameJournal) {
          const bytes = Buffer.alloc(size);
          await handle.read(bytes, 0, size, 0);
          return await this.applyTail(bytes);
        }
      } finally {
        await handle.close();
      }
    }
    // Another process compacted, imported or repaired the store: reload it whole.
    const loaded = await loadStore(this.paths, this.model, { recover: false, now: this.now });
    const updates = diffRows(this.state, loaded.state);
    this.header = loaded.header;
    this.state = loaded.state;
    this.journalSize = loaded.journalSize;
    this.snapshotSize = loaded.snapshotSize;
    return updates;
  }

  private async applyTail(bytes: Buffer): Promise<RowUpdate[]> {
    const read = readJournal(bytes, this.paths.journal, this.journalSize);
    const touched = new Map<number, Float32Array>();
    for (const entry of read.entries) {
      for (const update of applyJournalEntry(this.state, entry, this.paths.journal)) touched.set(update.slot, update.row);
    }
    if (read.corrupt) {
      // Keep what applied; the next open (with recover) deals with the damage.
      throw new StoreCorruptError(this.paths.journal, read.corrupt.offset, read.corrupt.reason);
    }
    if (read.torn) {
      // We hold the lock, so nobody is appending: the tail is a crashed writer's record.
      await saveAside(this.paths.journal, 'torn', this.now(), Buffer.from(bytes.subarray(read.torn.offset)));
      await truncateDurable(this.paths.journal, read.torn.offset);
    }
    this.journalSize = read.goodEnd;
    return [...touched].map(([slot, row]) => ({ slot, row })).sort((a, b) => a.slot - b.slot);
  }
}

/** Generation number in a snapshot's header, or undefined if it cannot be read. */
async function readGeneration(file: string): Promise<number | undefined> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const prefix = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
    return journalGeneration(prefix.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Generation number from a store file's first bytes (journal or snapshot), or undefined if they do not parse. */
function journalGeneration(prefix: Buffer): number | undefined {
  try {
    const length = prefix.readUInt32LE(12);
    const header = JSON.parse(prefix.toString('utf8', 20, 20 + length)) as { generation?: unknown };
    return typeof header.generation === 'number' ? header.generation : undefined;
  } catch {
    return undefined;
  }
}

function copyUpdates(updates: readonly RowUpdate[]): RowUpdate[] {
  return updates.map(u => ({ slot: u.slot, row: u.row.slice() }));
}

function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
