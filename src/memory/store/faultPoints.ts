// The test seam for the memory store's durable file steps. atomicFile.ts and storeLock.ts announce
// each step here before doing it; with no hook installed that costs one function call. Fault tests
// install a hook that throws (ENOSPC, EIO) to simulate a full or failing disk, limits how many
// bytes a write puts on disk (a short write), or, in a child process, SIGKILLs the process at that
// step to simulate a crash there (see src/memory/robustness/).

export type FaultPointName =
  /** Before writing bytes at `position` of `file` (a temp file, the journal, a lockfile). */
  | 'write'
  /** The bytes of `file` are written, before its fsync. */
  | 'sync'
  /** A temp file is durable, before it is renamed over `target`. */
  | 'rename'
  /** `target` was replaced, before its directory is fsynced. */
  | 'dirsync'
  /** A journal record is durable, before the call returns (the operation is not acknowledged yet). */
  | 'appended';

export interface FaultPoint {
  readonly name: FaultPointName;
  /** The file being written: a temp file during an atomic replace, else the file itself. */
  readonly file: string;
  /** The file an atomic replace or an append is about; equals `file` for appends and lockfiles. */
  readonly target: string;
  /** For 'write': the bytes about to be written and where. */
  readonly data?: Buffer;
  readonly position?: number;
}

/**
 * Called at every fault point. Throw to make the step fail. For a 'write', return a number to let
 * at most that many bytes reach the file (a short write, as a nearly full disk gives).
 */
export type FaultHook = (point: FaultPoint) => void | number | Promise<void | number>;

let installed: FaultHook | undefined;

/** Installs (or, with undefined, removes) the hook. Tests only. */
export function setFaultHook(hook: FaultHook | undefined): void {
  installed = hook;
}

/** Announces a step; returns the hook's byte limit for a write, if any. */
export async function faultPoint(point: FaultPoint): Promise<number | undefined> {
  if (!installed) return undefined;
  const limit = await installed(point);
  return typeof limit === 'number' ? limit : undefined;
}
