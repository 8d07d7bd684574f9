// The store's cross-process lock: a lockfile created with O_EXCL holding pid, host, time and a
// random token. Two windows (or a window and the CLI) on one store take turns; nobody waits
// forever on a crashed holder.
//
// Staleness: on the same host a lock whose pid no longer runs is stale at once; on another host
// (a shared folder) a lock whose file was not touched for `staleMs` is stale (holders touch it
// every staleMs/3). Breaking a stale lock happens under a second, short-lived `.break` lockfile
// and re-checks the token first, so two waiters cannot both break it and both win. The one gap
// left: a breaker that crashes between taking `.break` and removing it delays others by
// BREAK_STALE_MS.
//
// A lock also names the thread that holds it: a worker thread shares its process's pid, so a worker
// terminated mid-transaction leaves a lock whose pid still runs. The thread that started the worker
// releases it when the worker has exited (`releaseLockOfEndedThread`).

import { randomBytes } from 'node:crypto';
import { promises as fs, Stats } from 'node:fs';
import * as os from 'node:os';
import { threadId } from 'node:worker_threads';
import { writeAll } from './atomicFile';
import { isFileSystemError, LockHolder, StoreIoError, StoreLockedError } from './errors';

export interface LockOptions {
  /** Give up (StoreLockedError) after this long. */
  readonly timeoutMs?: number;
  /** A lock from another host is stale once its file is this old. */
  readonly staleMs?: number;
}

export interface HeldLock {
  readonly file: string;
  release(): Promise<void>;
}

interface LockContent extends LockHolder {
  readonly token: string;
  /** The holder's worker_threads threadId (0 for a main thread); absent in locks of older versions. */
  readonly thread?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_STALE_MS = 60_000;
/** Creating and filling a lockfile takes microseconds; an empty one older than this was abandoned. */
const UNREADABLE_STALE_MS = 5_000;
const BREAK_STALE_MS = 5_000;

/** A waiter's announcement counts this long after it was last written. */
const WAITING_FRESH_MS = 1_000;
/** Longest pause between two attempts of a waiter (times up to 1.5 for jitter). */
const MAX_BACKOFF_MS = 25;
/**
 * After releasing a lock another process waits for, this process stays away from it this long:
 * longer than a waiter's largest pause, so the waiter gets its turn.
 */
const YIELD_MS = 2 * MAX_BACKOFF_MS;
/** Lockfile -> time before which this process does not try to take it again. */
const yieldUntil = new Map<string, number>();

export async function acquireLock(file: string, options: LockOptions = {}): Promise<HeldLock> {
  // Fairness: without this, a process running transactions back to back (a queue of notes) takes
  // the lock again within a millisecond of releasing it, and a waiter backing off starves until
  // it times out.
  const yieldFor = (yieldUntil.get(file) ?? 0) - Date.now();
  yieldUntil.delete(file);
  if (yieldFor > 0) await sleep(yieldFor);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const content: LockContent = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    thread: threadId,
  };
  const started = Date.now();
  let lastHolder: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(file, content)) {
      await withdrawWaiting(file);
      return holdLock(file, content, staleMs);
    }
    if (attempt % 4 === 0) await announceWaiting(file);
    const observed = await readLock(file);
    if (observed === 'missing') continue;
    if (observed !== 'unreadable') lastHolder = observed;
    if (await isStale(file, observed, staleMs)) {
      await breakStaleLock(file, observed, staleMs);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new StoreLockedError(file, lastHolder, waited);
    // Back off from 5 ms to 25 ms, with jitter so two waiters do not retry in lock step.
    const delay = Math.min(MAX_BACKOFF_MS, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
    await sleep(Math.min(delay, timeoutMs - waited));
  }
}

async function tryCreate(file: string, content: LockContent): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreIoError(file, 'create the lockfile', error);
  }
  try {
    // No fsync: after a crash the holder's pid is gone anyway, and an empty lockfile turns stale.
    await writeAll(handle, Buffer.from(JSON.stringify(content)), 0, file, file);
  } catch (error) {
    // A full disk: an empty lockfile left behind would make everyone wait for it to turn stale.
    await handle.close().catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
    throw isFileSystemError(error) ? new StoreIoError(file, 'write the lockfile', error) : error;
  }
  await handle.close();
  return true;
}

function holdLock(file: string, content: LockContent, staleMs: number): HeldLock {
  // Keep the file fresh so waiters on other hosts do not take a long write for a crash.
  const timer = setInterval(
    () => {
      const now = new Date();
      fs.utimes(file, now, now).catch(() => undefined);
    },
    Math.max(1_000, staleMs / 3),
  );
  timer.unref();
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const current = await readLock(file);
      // Only remove our own lock: if it was (wrongly) broken and retaken, it is not ours any more.
      if (typeof current === 'object' && current.token === content.token) await fs.rm(file, { force: true });
      if (await anotherProcessWaiting(file)) yieldUntil.set(file, Date.now() + YIELD_MS);
    },
  };
}

/** `<lock>.waiting` holds the pid of a process waiting for the lock (the latest one to say so). */
function waitingFile(file: string): string {
  return `${file}.waiting`;
}

async function announceWaiting(file: string): Promise<void> {
  await fs.writeFile(waitingFile(file), JSON.stringify({ pid: process.pid, host: os.hostname() })).catch(() => undefined);
}

/** The announcement, 'torn' when the file is there but not a whole one (its writer was killed
 *  between truncating and writing it), or undefined when there is none. */
async function readWaiting(file: string): Promise<{ pid: number; host: string; ageMs: number } | 'torn' | undefined> {
  let text: string;
  let stat: Stats;
  try {
    [text, stat] = await Promise.all([fs.readFile(waitingFile(file), 'utf8'), fs.stat(waitingFile(file))]);
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; host?: unknown };
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return 'torn';
    return { pid: parsed.pid, host: parsed.host, ageMs: Date.now() - stat.mtimeMs };
  } catch {
    return 'torn';
  }
}

/** Removes the announcement once it is ours (we got the lock), its process is gone, or it is torn (a
 *  live waiter whose half-written one goes announces again within four attempts). */
async function withdrawWaiting(file: string): Promise<void> {
  const waiting = await readWaiting(file);
  if (!waiting) return;
  if (waiting === 'torn') {
    await fs.rm(waitingFile(file), { force: true }).catch(() => undefined);
    return;
  }
  const gone = waiting.host === os.hostname() && !processIsAlive(waiting.pid);
  if (waiting.pid === process.pid || gone) await fs.rm(waitingFile(file), { force: true }).catch(() => undefined);
}

async function anotherProcessWaiting(file: string): Promise<boolean> {
  const waiting = await readWaiting(file);
  return waiting !== undefined && waiting !== 'torn' && waiting.pid !== process.pid && waiting.ageMs < WAITING_FRESH_MS;
}

async function readLock(file: string): Promise<LockContent | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      const thread = typeof parsed.thread === 'number' ? { thread: parsed.thread } : {};
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since), token: parsed.token, ...thread };
    }
  } catch {
    // fall through: a lockfile caught between creation and its first write, or junk
  }
  return 'unreadable';
}

async function isStale(file: string, observed: LockContent | 'unreadable', staleMs: number): Promise<boolean> {
  const age = await fileAgeMs(file);
  if (age === undefined) return false;
  if (observed === 'unreadable') return age > UNREADABLE_STALE_MS;
  if (observed.host === os.hostname()) return !processIsAlive(observed.pid);
  return age > staleMs;
}

async function breakStaleLock(file: string, observed: LockContent | 'unreadable', staleMs: number): Promise<void> {
  const breakFile = `${file}.break`;
  const breaker: LockContent = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  if (!(await tryCreate(breakFile, breaker))) {
    const age = await fileAgeMs(breakFile);
    if (age !== undefined && age > BREAK_STALE_MS) await fs.rm(breakFile, { force: true });
    await sleep(5);
    return;
  }
  try {
    // Re-read under the break lock: only remove the very lock we judged stale.
    const now = await readLock(file);
    const same =
      now === 'unreadable'
        ? observed === 'unreadable'
        : typeof now === 'object' && observed !== 'unreadable' && now.token === observed.token;
    if (same && (await isStale(file, now as LockContent | 'unreadable', staleMs))) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(breakFile, { force: true });
  }
}

/**
 * Removes the lock if a worker thread of this process, which has exited, still holds it: its
 * holder's pid is alive (it is ours), so nobody else could ever judge it stale. Call it only after
 * the worker's 'exit' event: a live thread's lock is never taken away.
 */
export async function releaseLockOfEndedThread(file: string, endedThreadId: number): Promise<boolean> {
  const current = await readLock(file).catch(() => 'unreadable' as const);
  if (typeof current !== 'object') return false;
  if (current.host !== os.hostname() || current.pid !== process.pid || current.thread !== endedThreadId) return false;
  await fs.rm(file, { force: true });
  return true;
}

async function fileAgeMs(file: string): Promise<number | undefined> {
  try {
    const stat = await fs.stat(file);
    return Date.now() - stat.mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this host. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, Math.max(0, ms)));
}
