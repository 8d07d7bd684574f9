// Durable file primitives for the memory store: atomic replace (temp file, fsync, rename, fsync
// the directory), durable append, and moving a damaged file aside instead of deleting it.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Replaces `file` with `data` so a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(path.dirname(file));
}

/**
 * Appends `data` at `expectedSize` and fsyncs. If the append fails part-way, the file is cut back
 * to `expectedSize` so no half record stays behind.
 */
export async function appendDurable(file: string, data: Buffer, expectedSize: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    const { size } = await handle.stat();
    if (size !== expectedSize) {
      throw new Error(`${file} is ${size} bytes, expected ${expectedSize}: it changed outside the store's lock`);
    }
    try {
      await handle.write(data, 0, data.length, expectedSize);
      await handle.sync();
    } catch (error) {
      await handle.truncate(expectedSize).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Cuts a file to `size` bytes, durably. */
export async function truncateDurable(file: string, size: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames `file` to `<file>.<label>-<time>` and returns the new path. Nothing is deleted. */
export async function moveAside(file: string, label: string, now: Date): Promise<string> {
  const target = await freeName(`${file}.${label}-${fileTimestamp(now)}`);
  await fs.rename(file, target);
  await fsyncDirectory(path.dirname(file));
  return target;
}

/** Writes bytes to a new `<file>.<label>-<time>` file (for keeping a torn tail before cutting it). */
export async function saveAside(file: string, label: string, now: Date, data: Buffer): Promise<string> {
  const target = await freeName(`${file}.${label}-${fileTimestamp(now)}`);
  await writeFileAtomic(target, data);
  return target;
}

export async function fsyncDirectory(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; there rename is already durable enough.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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

async function freeName(candidate: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? candidate : `${candidate}-${n}`;
    if (!(await fileExists(name))) return name;
  }
}
