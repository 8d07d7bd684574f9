// Durable file primitives for the memory store: atomic replace (temp file, fsync, rename, fsync
// the directory), durable append, and moving a damaged file aside instead of deleting it.
// File-system failures come out as StoreIoError (a full disk: code 'store-disk-full') after the
// half-done step was undone. Each step passes a fault point (storeFaultPoints.ts) for the tests.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { faultPoint } from './faultPoints';
import { isFileSystemError, StoreIoError } from './errors';

/** Temp files of an atomic replace are named `<target>.tmp-<pid>-<random>`. */
export const TEMP_FILE_MARK = '.tmp-';

/** Replaces `file` with `data` so a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}${TEMP_FILE_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await fs.open(temp, 'wx').catch((error: unknown) => {
    throw asIoError(error, file, 'create a temp file for');
  });
  try {
    await writeAll(handle, data, 0, temp, file);
    await faultPoint({ name: 'sync', file: temp, target: file });
    await handle.sync();
    await handle.close();
    await faultPoint({ name: 'rename', file: temp, target: file });
    await fs.rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw asIoError(error, file, 'replace');
  }
  await faultPoint({ name: 'dirsync', file, target: file });
  try {
    await fsyncDirectory(path.dirname(file));
  } catch (error) {
    throw asIoError(
      error,
      path.dirname(file),
      'sync the folder of',
      'The file was replaced, but the folder could not be synced; check the disk.',
    );
  }
}

/**
 * Appends `data` at `expectedSize` and fsyncs. If the append fails part-way (a full disk), the
 * file is cut back to `expectedSize` so no half record stays behind.
 */
export async function appendDurable(file: string, data: Buffer, expectedSize: number): Promise<void> {
  const handle = await fs.open(file, 'r+').catch((error: unknown) => {
    throw asIoError(error, file, 'append to');
  });
  try {
    const { size } = await handle.stat();
    if (size !== expectedSize) {
      throw new Error(`${file} is ${size} bytes, expected ${expectedSize}: it changed outside the store's lock`);
    }
    try {
      await writeAll(handle, data, expectedSize, file, file);
      await faultPoint({ name: 'sync', file, target: file });
      await handle.sync();
    } catch (error) {
      await handle.truncate(expectedSize).catch(() => undefined);
      throw asIoError(error, file, 'append to');
    }
    await faultPoint({ name: 'appended', file, target: file });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Writes all of `data` at `position`. A write may put fewer bytes on disk than asked (a nearly
 * full disk does: the next write then fails with ENOSPC), so it loops until everything is written.
 */
export async function writeAll(handle: FileHandle, data: Buffer, position: number, file: string, target: string): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const limit = await faultPoint({ name: 'write', file, target, data: data.subarray(done), position: position + done });
    const length = Math.min(data.length - done, limit ?? Infinity);
    const { bytesWritten } = await handle.write(data, done, length, position + done);
    if (bytesWritten === 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

/** Cuts a file to `size` bytes, durably. */
export async function truncateDurable(file: string, size: number): Promise<void> {
  try {
    const handle = await fs.open(file, 'r+');
    try {
      await handle.truncate(size);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw asIoError(error, file, 'cut back');
  }
}

/** Renames `file` to `<file>.<label>-<time>` and returns the new path. Nothing is deleted. */
export async function moveAside(file: string, label: string, now: Date): Promise<string> {
  const target = await freeName(`${file}.${label}-${fileTimestamp(now)}`);
  try {
    await fs.rename(file, target);
  } catch (error) {
    throw asIoError(error, file, 'move aside');
  }
  await fsyncDirectory(path.dirname(file)).catch(() => undefined);
  return target;
}

/** Writes bytes to a new `<file>.<label>-<time>` file (for keeping a torn tail before cutting it). */
export async function saveAside(file: string, label: string, now: Date, data: Buffer): Promise<string> {
  const target = await freeName(`${file}.${label}-${fileTimestamp(now)}`);
  await writeFileAtomic(target, data);
  return target;
}

/** Directory fsync errors that mean "not supported here" (some network and FUSE file systems). */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF', 'EPERM', 'EACCES']);

export async function fsyncDirectory(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; there rename is already durable enough.
  if (process.platform === 'win32') return;
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isFileSystemError(error) && DIR_SYNC_UNSUPPORTED.has(error.code!)) return;
    throw error;
  }
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** 2026-11-22T01-55-00.123Z: an ISO time that is a valid file name everywhere. */
export function fileTimestamp(now: Date): string {
  return now.toISOString().replace(/:/g, '-');
}

/** File-system errors become StoreIoError; the store's own errors pass through. */
function asIoError(error: unknown, file: string, action: string, hint?: string): unknown {
  return isFileSystemError(error) ? new StoreIoError(file, action, error, hint) : error;
}

async function freeName(candidate: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? candidate : `${candidate}-${n}`;
    if (!(await fileExists(name))) return name;
  }
}
