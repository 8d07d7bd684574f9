// The lock's waiting announcement: a waiter killed while waiting cannot withdraw it, so whoever
// takes the lock next removes it when its process is gone or the file is torn, and leaves a live
// waiter's alone. And a lock left by a terminated worker thread, whose pid is still alive.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { StoreLockedError } from './errors';
import { acquireLock, releaseLockOfEndedThread } from './lock';

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

    // A waiter killed between truncating its announcement and writing it leaves an empty or partial
    // file, which names no process to ask about: the next holder removes it too.
    for (const torn of ['', '{"pid": 12', '{"host": "x"}']) {
      fs.writeFileSync(waiting, torn);
      await (await acquireLock(lock)).release();
      assert.equal(fs.existsSync(waiting), false, `a torn announcement ${JSON.stringify(torn)} is removed`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lock: a lock left by an ended worker thread of this process is released by the thread that started it, and only that one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-lock-'));
  const lock = path.join(dir, 'store.lock');
  try {
    // A worker thread takes the lock and is terminated holding it: its pid (ours) still runs.
    const tsx = require.resolve('tsx/cjs/api');
    const code = [
      `require(${JSON.stringify(tsx)}).register();`,
      `const { acquireLock } = require(${JSON.stringify(path.join(__dirname, 'lock.ts'))});`,
      `const { parentPort, workerData } = require('node:worker_threads');`,
      `acquireLock(workerData).then(() => parentPort.postMessage('held'));`,
    ].join('\n');
    const worker = new Worker(code, { eval: true, workerData: lock });
    const workerThread = worker.threadId;
    await new Promise(resolve => worker.once('message', resolve));
    await worker.terminate();
    const left = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number; thread: number };
    assert.deepEqual([left.pid, left.thread], [process.pid, workerThread], 'the lock names our pid and the worker thread');
    await assert.rejects(acquireLock(lock, { timeoutMs: 200 }), StoreLockedError, 'a live pid: nobody judges it stale');

    assert.equal(await releaseLockOfEndedThread(lock, workerThread + 1000), false, "another thread's lock is not touched");
    assert.equal(fs.existsSync(lock), true);
    assert.equal(await releaseLockOfEndedThread(lock, workerThread), true);
    await (await acquireLock(lock, { timeoutMs: 200 })).release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
