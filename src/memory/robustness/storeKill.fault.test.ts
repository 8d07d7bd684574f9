// kill -9 during writes, on the real store with real files. A child process (faultWriterProcess.ts)
// runs a seeded stream of writes, forgets, supersedes and compactions on one store directory and
// reports each operation it began and each one the store acknowledged. Each trial ends the child
// with SIGKILL, either at a random moment (after its store opened, or from spawn so the kill can
// land inside open and its recovery) or at a chosen step of a save (the child kills itself there,
// after writing only part of a journal record or a temp file, before a rename, ...). Then:
//
//   - the store opens without the recover option, and the files are consistent on their own;
//   - every acknowledged operation is there; the one in flight either happened or did not (and
//     which, when the crash point decides it); nothing else changed;
//   - every row is its base row plus one per live note (the rows agree with the notes);
//   - a torn journal record was rolled back and reported; no temp file or lockfile is left.
//
// The trials share one store, so each also starts from the state every earlier crash left.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { seededRandom } from '../../model/seededRandom';
import { MemoryStore } from '../store/memoryStore';
import type { NoteState } from '../note';
import { FAULT_TEST_MODEL } from './faultTestModel';
import type { FaultSpec, ReportedOp } from './faultWriterProcess';
import { ChildRun, KillPlan, runFaultWriter } from './faultWriterRunner';
import { scratchDirectory } from './scratchDirectory';
import { checkRowsMatchLiveNotes, checkStoreFiles, debris, noteStates } from './storeInvariants';

/** What a crash at this point does to the operation in flight. */
type InFlightOutcome = 'rolled-back' | 'kept' | 'either';

interface Trial {
  readonly name: string;
  readonly kill?: KillPlan;
  readonly fault?: FaultSpec;
  readonly inFlight: InFlightOutcome;
  /** A sentence the next open must report. */
  readonly reported?: RegExp;
}

const SEED = 20261122;
const scratch = scratchDirectory('kill');
const random = seededRandom(SEED);

function faultTrials(): Trial[] {
  const trials: Trial[] = [];
  const add = (name: string, fault: FaultSpec, inFlight: InFlightOutcome, reported?: RegExp) =>
    trials.push({ name, fault, inFlight, reported });
  // A crash in the middle of appending a journal record: a torn record the next open rolls back.
  for (const nth of [1, 2, 3, 4, 6, 9, 13, 17]) {
    add(
      `torn journal record (append ${nth}, partial)`,
      { point: 'write', target: 'journal.mnemo', nth, partial: 0.05 + 0.9 * random.next() },
      'rolled-back',
      /last journal record was incomplete.*rolled back/,
    );
  }
  // The record is written but not yet fsynced or acknowledged: after a process crash it is there.
  for (const nth of [2, 5]) add(`record written, before fsync (append ${nth})`, { point: 'sync', target: 'journal.mnemo', nth }, 'kept');
  for (const nth of [1, 4])
    add(`record durable, before the acknowledgement (append ${nth})`, { point: 'appended', target: 'journal.mnemo', nth }, 'kept');
  // Compactions (automatic, after forget's purge, explicit): crash at each step of the two replaces.
  const leftover = /temp file\(s\) left by an interrupted save/;
  const completed = /interrupted compaction was completed/;
  for (const nth of [1, 2])
    add(
      `half-written snapshot temp file (compaction ${nth})`,
      { point: 'write', target: 'snapshot.mnemo.tmp', nth, partial: 0.5 },
      'either',
      leftover,
    );
  add('snapshot temp file written, before fsync', { point: 'sync', target: 'snapshot.mnemo.tmp', nth: 1 }, 'either', leftover);
  for (const nth of [1, 3])
    add(
      `snapshot durable, before its rename (compaction ${nth})`,
      { point: 'rename', target: 'snapshot.mnemo.tmp', nth },
      'either',
      leftover,
    );
  add('snapshot renamed, before the directory fsync', { point: 'dirsync', target: 'snapshot.mnemo', nth: 1 }, 'either', completed);
  for (const nth of [1, 2])
    add(
      `new snapshot in place, half-written journal temp file (compaction ${nth})`,
      { point: 'write', target: 'journal.mnemo.tmp', nth, partial: 0.5 },
      'either',
      completed,
    );
  for (const nth of [1, 2])
    add(
      `new snapshot in place, journal before its rename (compaction ${nth})`,
      { point: 'rename', target: 'journal.mnemo.tmp', nth },
      'either',
      completed,
    );
  add('journal renamed, before the directory fsync', { point: 'dirsync', target: 'journal.mnemo', nth: 2 }, 'either');
  // A crash while writing the lockfile leaves an unreadable lock: the next open waits until it is stale (5 s).
  add('half-written lockfile', { point: 'write', target: 'store.lock', nth: 3, partial: 0.5 }, 'either');
  return trials;
}

function randomTrials(startupMs: number): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < 30; i++) {
    const afterReadyMs = Math.round(random.next() * 80);
    trials.push({ name: `SIGKILL ${afterReadyMs} ms after open`, kill: { afterReadyMs }, inFlight: 'either' });
  }
  for (let i = 0; i < 10; i++) {
    const afterSpawnMs = Math.round(startupMs * (0.6 + 0.8 * random.next()));
    trials.push({ name: `SIGKILL ${afterSpawnMs} ms after spawn`, kill: { afterSpawnMs }, inFlight: 'either' });
  }
  return trials;
}

/** Interleaves two lists so crash kinds alternate and each starts from another's leftovers. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

/** The note states a run must have produced: what its acks did for sure, and what its in-flight op would do. */
function effects(run: ChildRun): { sure: Map<string, NoteState>; inFlight: Map<string, NoteState> } {
  const effect = (op: ReportedOp): [string, NoteState] | undefined => {
    if (op.op === 'write') return [op.id, 'live'];
    if (op.op === 'forget') return [op.id, 'forgotten'];
    if (op.op === 'supersede') return [op.oldId, 'superseded'];
    return undefined;
  };
  const sure = new Map<string, NoteState>();
  for (const op of run.acks) {
    const e = effect(op);
    if (e) sure.set(...e);
  }
  const inFlight = new Map<string, NoteState>();
  const e = run.inFlight && effect(run.inFlight);
  if (e) inFlight.set(...e);
  return { sure, inFlight };
}

function checkNotes(trial: Trial, before: Map<string, NoteState>, after: Map<string, NoteState>, run: ChildRun): void {
  const { sure, inFlight } = effects(run);
  const ids = new Set([...before.keys(), ...after.keys(), ...sure.keys()]);
  for (const id of ids) {
    const unchanged = sure.get(id) ?? before.get(id);
    const actual = after.get(id);
    const whatItDid = inFlight.get(id);
    const context = `${trial.name}: note ${id} is ${actual ?? 'missing'}; before ${before.get(id) ?? 'absent'}, acked ${sure.get(id) ?? '-'}, in flight ${whatItDid ?? '-'}`;
    if (whatItDid === undefined || whatItDid === unchanged) {
      assert.equal(actual, unchanged, context);
      continue;
    }
    if (trial.inFlight === 'rolled-back') assert.equal(actual, unchanged, context);
    else if (trial.inFlight === 'kept') assert.equal(actual, whatItDid, context);
    else assert.ok(actual === unchanged || actual === whatItDid, context);
  }
}

test('store: kill -9 at random moments and at every step of a save loses no acknowledged operation', { timeout: 240_000 }, async t => {
  const dir = await scratch.make('store');
  // A first run, not killed, creates the store and measures how long a child takes to open it.
  const started = Date.now();
  const first = await runFaultWriter({ dir, tag: 'warmup', seed: SEED, ops: 12 });
  assert.ok(first.done, first.stderr);
  const startupMs = Math.max(50, (Date.now() - started) / 2);
  let before = noteStates(await MemoryStore.open(dir, { model: FAULT_TEST_MODEL }));

  const trials = interleave(randomTrials(startupMs), faultTrials());
  const tally = { trials: 0, acked: 0, rolledBack: 0, inFlightKept: 0, inFlightLost: 0, tempRemoved: 0, compactionsCompleted: 0 };
  for (const [i, trial] of trials.entries()) {
    const run = await runFaultWriter(
      { dir, tag: `t${i}`, seed: SEED + i, fault: trial.fault, ops: trial.fault ? 400 : undefined },
      trial.kill,
    );
    assert.equal(
      run.signal,
      'SIGKILL',
      `${trial.name}: the child should die by SIGKILL (fault reached), got exit ${run.exitCode}\n${run.stderr}`,
    );

    const store = await MemoryStore.open(dir, { model: FAULT_TEST_MODEL, lock: { timeoutMs: 20_000 } });
    const messages = store.loadReport.messages.join(' ');
    if (trial.reported) assert.match(messages, trial.reported, `${trial.name}: the open reports what it repaired`);
    if (trial.inFlight === 'rolled-back') {
      assert.ok(store.loadReport.rolledBack, `${trial.name}: a torn record is rolled back`);
      const kept = await fs.readFile(store.loadReport.rolledBack.savedAs);
      assert.equal(kept.length, store.loadReport.rolledBack.bytes, 'the torn bytes are kept aside');
    }
    const after = noteStates(store);
    checkNotes(trial, before, after, run);
    checkRowsMatchLiveNotes(store);
    await checkStoreFiles(dir);
    assert.deepEqual(await debris(dir), [], `${trial.name}: no temp file or lockfile is left`);

    tally.trials++;
    tally.acked += run.acks.length;
    if (store.loadReport.rolledBack) tally.rolledBack++;
    if (/temp file/.test(messages)) tally.tempRemoved++;
    if (/interrupted compaction/.test(messages)) tally.compactionsCompleted++;
    const inFlight = effects(run).inFlight;
    for (const [id, state] of inFlight) {
      if (after.get(id) === state) tally.inFlightKept++;
      else tally.inFlightLost++;
    }
    before = after;
  }
  t.diagnostic(`kill -9 trials: ${JSON.stringify(tally)}; ${before.size} notes in the store at the end`);
  assert.ok(tally.trials >= 50);
  // The crash points were really reached: torn records, leftover temp files, half-done compactions.
  assert.ok(tally.rolledBack >= 8 && tally.tempRemoved >= 4 && tally.compactionsCompleted >= 5, JSON.stringify(tally));
});
