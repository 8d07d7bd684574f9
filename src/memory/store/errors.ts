// Typed errors of the memory store. Each carries a stable `code` (the service maps it onto the
// protocol's error union) and a `hint` that tells the user how to recover. None of them is thrown
// after a file was changed: a failing operation leaves the store as it was.

import type { NoteId } from '../note';

export type StoreErrorCode =
  | 'store-corrupt'
  | 'store-foreign-file'
  | 'store-format-unsupported'
  | 'store-model-mismatch'
  | 'store-locked'
  | 'store-stale-rows'
  | 'note-not-found'
  | 'note-state'
  | 'note-id-taken'
  | 'forget-conflict'
  | 'import-invalid'
  | 'store-disk-full'
  | 'store-io';

export abstract class MemoryStoreError extends Error {
  abstract readonly code: StoreErrorCode;
  /** What the user can do about it, one or two sentences. */
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(`${message}\n${hint}`);
    this.hint = hint;
    this.name = new.target.name;
  }
}

/** A store file failed its checksum or does not parse. The file was left where it was. */
export class StoreCorruptError extends MemoryStoreError {
  readonly code = 'store-corrupt';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(
      `The memory store file ${file} is damaged at byte ${offset}: ${reason}.`,
      'Nothing was changed. Open the store with the recover option (`--recover`) to move the damaged file aside ' +
        'as *.corrupt-<time> and keep everything before the damage, or restore the store from an export.',
    );
  }
}

/** A file where a store file should be that is not one (another program's file, a truncated header). */
export class ForeignFileError extends MemoryStoreError {
  readonly code = 'store-foreign-file';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `${file} is not a mnemo memory store file (${reason}).`,
      'Nothing was changed. Point --store at the right directory, or open with the recover option to move the file aside as *.corrupt-<time>.',
    );
  }
}

/** Written by a newer mnemo. */
export class UnsupportedFormatError extends MemoryStoreError {
  readonly code = 'store-format-unsupported';
  constructor(
    readonly file: string,
    readonly version: number,
    readonly supported: number,
  ) {
    super(
      `${file} uses memory store format ${version}; this mnemo reads formats up to ${supported}.`,
      'Update mnemo to open it. Nothing was changed.',
    );
  }
}

export interface ModelIdentity {
  readonly id: string;
  readonly sha256: string;
}

/** The store's rows were trained on another base model and mean nothing to this one. */
export class ModelMismatchError extends MemoryStoreError {
  readonly code = 'store-model-mismatch';
  constructor(
    readonly storeDir: string,
    readonly storeModel: ModelIdentity,
    readonly loadedModel: ModelIdentity,
  ) {
    super(
      `The memory store in ${storeDir} was made by base model "${storeModel.id}" (sha256 ${storeModel.sha256.slice(0, 12)}…), ` +
        `but the loaded model is "${loadedModel.id}" (sha256 ${loadedModel.sha256.slice(0, 12)}…). Its memory rows only work with the model that wrote them.`,
      'Nothing was changed. To keep these notes, list their text (`mnemo notes --store DIR` reads it without the model) and ' +
        're-remember them with the new model, or export the store with the old model; otherwise start fresh with another --store directory.',
    );
  }
}

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Another process kept the store's lock longer than we were willing to wait. */
export class StoreLockedError extends MemoryStoreError {
  readonly code = 'store-locked';
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
    readonly waitedMs: number,
  ) {
    super(
      `The memory store is busy: ${holder ? `process ${holder.pid} on ${holder.host} has held its lock since ${holder.since}` : 'its lock is held'} ` +
        `and did not release it within ${waitedMs} ms.`,
      `Try again when the other window or command finishes. If that process no longer exists, delete ${lockFile}.`,
    );
  }
}

/** A write's "previous rows" differ from the store's rows: the writer trained on a stale table. */
export class StaleRowsError extends MemoryStoreError {
  readonly code = 'store-stale-rows';
  constructor(readonly slots: readonly number[]) {
    super(
      `The rows this write started from differ from the store's current rows for ${slots.length} slot(s) (first: ${slots.slice(0, 5).join(', ')}).`,
      'Another window probably wrote to the same store. Nothing was changed: reload the rows (store.sync()) and write the note again.',
    );
  }
}

export class NoteNotFoundError extends MemoryStoreError {
  readonly code = 'note-not-found';
  constructor(readonly noteId: string) {
    super(`No note with id "${noteId}" in this memory store.`, 'List the notes (`mnemo notes`) to see their ids.');
  }
}

/** The operation needs a live note and this one is forgotten or superseded. */
export class NoteStateError extends MemoryStoreError {
  readonly code = 'note-state';
  constructor(
    readonly noteId: NoteId,
    readonly state: string,
    operation: string,
  ) {
    super(`Cannot ${operation} note "${noteId}": it is ${state}.`, 'Only live notes can be forgotten or superseded.');
  }
}

export class NoteIdTakenError extends MemoryStoreError {
  readonly code = 'note-id-taken';
  constructor(readonly noteId: NoteId) {
    super(
      `A note with id "${noteId}" already exists in this store (ids are never reused, even after forget).`,
      'Choose another id or let the store pick one.',
    );
  }
}

/** Forget with the "refuse" overlap policy found later live notes on the same rows. */
export class ForgetConflictError extends MemoryStoreError {
  readonly code = 'forget-conflict';
  constructor(
    readonly noteId: NoteId,
    readonly laterNotes: readonly NoteId[],
    readonly slots: readonly number[],
  ) {
    super(
      `Forgetting "${noteId}" cannot restore its rows exactly: ${slots.length} of its slots were changed again by later note(s) ${laterNotes.join(', ')}.`,
      'Nothing was changed. Forget those notes first, or forget with overlap "delta" (removes only this note\'s contribution).',
    );
  }
}

/** An import file that is damaged, foreign, or for another model. */
export class ImportInvalidError extends MemoryStoreError {
  readonly code = 'import-invalid';
  constructor(
    readonly file: string,
    reason: string,
    hint: string,
  ) {
    super(`Cannot import ${file}: ${reason}.`, `Nothing was changed. ${hint}`);
  }
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * Reading or writing a store file failed in the file system: a full disk (ENOSPC, EDQUOT), a
 * read-only or failing one. The store undid its half-done step (a cut-back journal, a removed temp
 * file), so the operation did not happen; `hint` says what to do.
 */
export class StoreIoError extends MemoryStoreError {
  readonly code: 'store-disk-full' | 'store-io';
  /** The file system's error code (ENOSPC, EIO, EROFS, ...), when it gave one. */
  readonly errno: string | undefined;

  constructor(
    readonly file: string,
    /** What the store was doing: "append to", "replace", "create", "read"... */
    readonly action: string,
    /** The file system's error, as thrown. */
    readonly fsError: unknown,
    hint?: string,
  ) {
    const errno = typeof (fsError as NodeJS.ErrnoException)?.code === 'string' ? (fsError as NodeJS.ErrnoException).code : undefined;
    const diskFull = errno !== undefined && DISK_FULL_CODES.has(errno);
    const what = diskFull ? `the disk is full (${errno})` : String((fsError as Error)?.message ?? fsError).split('\n')[0];
    super(
      `Could not ${action} the memory store file ${file}: ${what}.`,
      hint ??
        (diskFull
          ? 'Nothing was changed: the store is as it was before this operation. Free some disk space and try again.'
          : 'Nothing was changed: the store is as it was before this operation. Check that the folder is writable and the disk works, then try again.'),
    );
    this.code = diskFull ? 'store-disk-full' : 'store-io';
    this.errno = errno;
  }
}

/** Whether an error came from the file system (it has an errno code such as ENOSPC). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!)
  );
}
