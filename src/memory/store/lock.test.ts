// The lock's waiting announcement: a waiter killed while waiting cannot withdraw it, so whoever
// takes the lock next removes it when its process is gone, and leaves a live waiter's alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { acquireLock } from './lock';

test("lock: the next holder removes a dead waiter's announcement and keeps a live one's", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-lock-'));
  const lock = path.join(dir, 'store.lock');
  const waiting = `${lock}.waiting`;
  try {
    // A process that has exited (and been reaped) stands for a waiter killed while waiting.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(waiting, JSON.stringify({ pid: Number(dead.stdout), host: os.hostname() }));
    await (await acquireLock(lock)).release();
    assert.equal(fs.existsSync(waiting), false, "a dead waiter's announcement is removed");

    // A live waiter (this test's parent process stands for one) keeps its announcement.
    fs.writeFileSync(waiting, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    await (await acquireLock(lock)).release();
    assert.equal(fs.existsSync(waiting), true, "a live waiter's announcement stays");
    assert.equal(fs.existsSync(lock), false, 'the lock itself is released');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
