// Two processes writing one store at once, on real files: two children (faultWriterProcess.ts)
// wait for each other, then each runs a seeded mix of writes, forgets (of either's notes),
// supersedes and compactions, every one in a transaction, with compaction after every ~5 writes
// so one process keeps finding the files compacted under it. Then:
//
//   - both finished, and their operations really interleaved;
//   - every acknowledged operation of both is in the store, and nothing else;
//   - sequence numbers were handed out once each (no two writes got the same one) and the
//     store's last sequence number is exactly the number of acknowledged operations;
//   - the journal is consistent, the rows agree with the live notes, no lockfile is left (a killed
//     waiter's announcement, store.lock.waiting, is removed by the next process to take the lock).
//
// In half of the rounds one of the two is killed with SIGKILL part-way (possibly holding the
// lock): the other one still finishes and loses nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../store/memoryStore';
import type { NoteState } from '../note';
import type { ReportedOp } from './faultWriterProcess';
import { FAULT_TEST_MODEL } from './faultTestModel';
import { ChildRun, runFaultWriter } from './faultWriterRunner';
import { scratchDirectory } from './scratchDirectory';
import { checkRowsMatchLiveNotes, checkStoreFiles, debris, noteStates } from './storeInvariants';

const OPS = 30;
const scratch = scratchDirectory('two-writers');

/** Operations that take a sequence number (compaction does not). */
function sequenced(ops: readonly ReportedOp[]): ReportedOp[] {
  return ops.filter(op => op.op !== 'compact');
}

/** Note states the acknowledged operations of both processes imply: forgetting or superseding wins over writing. */
function expectedStates(runs: readonly ChildRun[]): Map<string, NoteState> {
  const states = new Map<string, NoteState>();
  for (const run of runs) {
    for (const op of run.acks) {
      if (op.op === 'write' && !states.has(op.id)) states.set(op.id, 'live');
      if (op.op === 'forget') states.set(op.id, 'forgotten');
      if (op.op === 'supersede') states.set(op.oldId, 'superseded');
    }
  }
  return states;
}

test('store: two processes writing at once are serialised and lose nothing, also when one is killed', { timeout: 120_000 }, async t => {
  const rounds = [
    { seed: 11, kill: undefined },
    { seed: 12, kill: undefined },
    { seed: 13, kill: undefined },
    { seed: 14, kill: 60 },
    { seed: 15, kill: 150 },
    { seed: 16, kill: 250 },
  ];
  const summary: string[] = [];
  for (const round of rounds) {
    const dir = await scratch.make(`round-${round.seed}`);
    const common = { dir, ops: OPS, compactAfterBytes: 2048, thinkMs: 3, waitFor: ['a', 'b'] };
    const [a, b] = await Promise.all([
      runFaultWriter({ ...common, tag: 'a', seed: round.seed }),
      runFaultWriter({ ...common, tag: 'b', seed: round.seed + 100 }, round.kill === undefined ? {} : { afterReadyMs: round.kill }),
    ]);
    const label = `round ${round.seed}${round.kill ? ` (b killed after ${round.kill} ms)` : ''}`;
    assert.ok(a.done && a.exitCode === 0, `${label}: a finished\n${a.stderr}`);
    if (round.kill === undefined) assert.ok(b.done && b.exitCode === 0, `${label}: b finished\n${b.stderr}`);
    else assert.ok(b.done || b.signal === 'SIGKILL', `${label}: b finished or was killed\n${b.stderr}`);

    const store = await MemoryStore.open(dir, { model: FAULT_TEST_MODEL });
    const actual = noteStates(store);
    const expected = expectedStates([a, b]);
    // The killed process's operation in flight may or may not have happened.
    const maybe = b.inFlight;
    for (const [id, state] of expected) {
      const inFlightChange = maybe && ((maybe.op === 'forget' && maybe.id === id) || (maybe.op === 'supersede' && maybe.oldId === id));
      if (inFlightChange) assert.ok(actual.get(id) === state || actual.get(id) !== 'live', `${label}: ${id}`);
      else assert.equal(actual.get(id), state, `${label}: note ${id}`);
    }
    for (const id of actual.keys()) {
      const inFlightWrite = maybe?.op === 'write' && maybe.id === id;
      assert.ok(expected.has(id) || inFlightWrite, `${label}: note ${id} was never acknowledged nor in flight`);
    }

    // Serialised: each write got its own sequence number, in order within each process.
    const seqs = (run: ChildRun) => run.acks.flatMap(op => (op.op === 'write' ? [op.seq!] : []));
    const all = [...seqs(a), ...seqs(b)];
    assert.equal(new Set(all).size, all.length, `${label}: no sequence number given twice`);
    for (const run of [a, b])
      assert.deepEqual(
        seqs(run),
        [...seqs(run)].sort((x, y) => x - y),
        `${label}: increasing within a process`,
      );
    const [aSeqs, bSeqs] = [seqs(a), seqs(b)];
    if (round.kill === undefined)
      assert.ok(aSeqs[0]! < bSeqs.at(-1)! && bSeqs[0]! < aSeqs.at(-1)!, `${label}: the two really interleaved: ${aSeqs} / ${bSeqs}`);

    // The journal's last sequence number counts every operation: acknowledged ones, plus the in-flight one if it happened.
    const files = await checkStoreFiles(dir);
    const lastSeq = files.journalSeqs.at(-1) ?? files.snapshotSeq;
    const acked = sequenced(a.acks).length + sequenced(b.acks).length;
    if (maybe === undefined || maybe.op === 'compact') assert.equal(lastSeq, acked, label);
    else assert.ok(lastSeq === acked || lastSeq === acked + 1, `${label}: last seq ${lastSeq}, acknowledged ${acked}`);
    checkRowsMatchLiveNotes(store);
    if (round.kill !== undefined && (await debris(dir)).includes('store.lock.waiting')) {
      // Killed while waiting for the lock, b could not withdraw its announcement (nor could a, if
      // b was not yet reaped when a last took the lock); the next process to take the lock does.
      await store.transaction(async () => undefined);
    }
    assert.deepEqual(await debris(dir), [], label);
    summary.push(`${label}: ${a.acks.length}+${b.acks.length} acks, last seq ${lastSeq}, generation ${files.generation}`);
  }
  t.diagnostic(summary.join('; '));
});
