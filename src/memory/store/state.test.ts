// Tests of write/forget semantics on the in-memory state, against a simulated value table:
// forgetting the latest note gives the earlier rows back bit for bit, forgetting everything gives
// the base model's rows back bit for bit, overlaps follow the documented delta rule.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoteId, NoteRecord } from '../note';
import { ForgetConflictError, NoteIdTakenError, NoteStateError, StaleRowsError } from './errors';
import { applyForget, applyWrite, bitsEqual, checkWrite, planForget, rowOf, RowUpdate, StoreState } from './state';

const D = 8;
const SLOTS = 64;

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The model's value table as the writer sees it. */
class Table {
  readonly data: Float32Array;
  constructor(seed: number) {
    const random = rng(seed);
    this.data = new Float32Array(SLOTS * D).map(() => random() * 2 - 1);
  }
  row(slot: number): Float32Array {
    return this.data.subarray(slot * D, (slot + 1) * D);
  }
  apply(updates: readonly RowUpdate[]): void {
    for (const u of updates) this.data.set(u.row, u.slot * D);
  }
}

function note(id: string, slots: number[]): NoteRecord {
  return { id: id as NoteId, text: `note ${id}`, kind: 'note', author: 't', created: '2026-01-01T00:00:00Z', slots, state: 'live' };
}

/** Simulates a write: small random changes to the given rows of the table. */
function write(state: StoreState, table: Table, id: string, slots: number[], seed: number): void {
  const random = rng(seed);
  const sorted = [...slots].sort((a, b) => a - b);
  const prev = new Float32Array(sorted.length * D);
  const next = new Float32Array(sorted.length * D);
  sorted.forEach((slot, i) => {
    prev.set(table.row(slot), i * D);
    for (let j = 0; j < D; j++) next[i * D + j] = table.row(slot)[j]! + (random() - 0.5) * 0.1;
  });
  const data = { note: note(id, sorted), prev, next };
  checkWrite(state, data);
  table.apply(applyWrite(state, data));
}

function forget(state: StoreState, table: Table, id: string, overlap: 'delta' | 'refuse' = 'delta') {
  const outcome = applyForget(state, planForget(state, id as NoteId, overlap), { state: 'forgotten' });
  table.apply(outcome.updates);
  return outcome;
}

test('state: forgetting the latest note restores the earlier rows bit for bit', () => {
  const state = new StoreState(D, SLOTS);
  const table = new Table(1);
  write(state, table, 'a', [1, 2, 3, 4], 11);
  const afterA = table.data.slice();
  write(state, table, 'b', [3, 4, 5, 6], 12);
  const outcome = forget(state, table, 'b');
  assert.deepEqual(outcome.exact, [3, 4]);
  assert.deepEqual(outcome.base, [5, 6]);
  assert.deepEqual(outcome.delta, []);
  assert.ok(bitsEqual(table.data, afterA));
  assert.equal(state.notes.get('b' as NoteId)!.state, 'forgotten');
  assert.equal(state.notes.get('b' as NoteId)!.text, '');
});

test('state: forgetting every note, in any order, gives the base table back bit for bit', () => {
  for (let trial = 0; trial < 20; trial++) {
    const random = rng(100 + trial);
    const state = new StoreState(D, SLOTS);
    const table = new Table(200 + trial);
    const base = table.data.slice();
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) {
      const slots = [...new Set(Array.from({ length: 6 }, () => Math.floor(random() * 16)))];
      write(state, table, `n${n}`, slots, 300 + trial * 10 + n);
      ids.push(`n${n}`);
    }
    const order = ids
      .map(id => ({ id, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(x => x.id);
    for (const id of order) forget(state, table, id);
    assert.ok(bitsEqual(table.data, base), `trial ${trial}`);
    assert.equal(state.rows.size, 0);
    assert.equal(state.base.size, 0);
  }
});

test('state: forgetting in reverse order passes through every earlier table exactly', () => {
  const state = new StoreState(D, SLOTS);
  const table = new Table(7);
  const random = rng(8);
  const history: Float32Array[] = [table.data.slice()];
  for (let n = 0; n < 10; n++) {
    write(state, table, `n${n}`, [...new Set(Array.from({ length: 5 }, () => Math.floor(random() * 12)))], 50 + n);
    history.push(table.data.slice());
  }
  for (let n = 9; n >= 0; n--) {
    const outcome = forget(state, table, `n${n}`);
    assert.deepEqual(outcome.delta, []);
    assert.ok(bitsEqual(table.data, history[n]!), `after forgetting n${n}`);
  }
});

test('state: forgetting an older overlapped note removes only its contribution (delta)', () => {
  const state = new StoreState(D, SLOTS);
  const table = new Table(3);
  const base = table.data.slice();
  write(state, table, 'a', [1, 2], 21);
  const a = state.contributions.get('a' as NoteId)!;
  const aDelta = Array.from(a.next, (v, i) => v - a.prev[i]!);
  write(state, table, 'b', [2, 3], 22);
  const b = state.contributions.get('b' as NoteId)!;
  const bDelta = Array.from(b.next, (v, i) => v - b.prev[i]!);
  const outcome = forget(state, table, 'a');
  assert.deepEqual(outcome.base, [1]);
  assert.deepEqual(outcome.delta, [2]);
  // Slot 2 now holds base + b's change (within float32 rounding); slot 1 is base exactly.
  assert.ok(bitsEqual(table.row(1), base.subarray(1 * D, 2 * D)));
  for (let j = 0; j < D; j++) {
    assert.ok(Math.abs(table.row(2)[j]! - (base[2 * D + j]! + bDelta[j]!)) < 1e-6);
    assert.ok(Math.abs(aDelta[D + j]!) > 1e-6, 'a really changed slot 2');
  }
  // b's record was rebased: its next is the current row, so forgetting b is exact, then base.
  assert.ok(bitsEqual(rowOf(state.contributions.get('b' as NoteId)!.next, 0, D), table.row(2)));
  forget(state, table, 'b');
  assert.ok(bitsEqual(table.data, base));
});

test('state: overlap "refuse" fails with the later notes and slots, and changes nothing', () => {
  const state = new StoreState(D, SLOTS);
  const table = new Table(4);
  write(state, table, 'a', [1, 2, 3], 31);
  write(state, table, 'b', [3, 9], 32);
  const before = table.data.slice();
  assert.throws(
    () => forget(state, table, 'a', 'refuse'),
    (error: unknown) =>
      error instanceof ForgetConflictError &&
      error.laterNotes.join() === 'b' &&
      error.slots.join() === '3' &&
      /Nothing was changed/.test(error.message),
  );
  assert.ok(bitsEqual(table.data, before));
  assert.equal(state.notes.get('a' as NoteId)!.state, 'live');
  // The latest note has no later overlap, so refuse lets it go.
  assert.deepEqual(forget(state, table, 'b', 'refuse').delta, []);
});

test('state: writes are checked before anything changes', () => {
  const state = new StoreState(D, SLOTS);
  const table = new Table(5);
  write(state, table, 'a', [1, 2], 41);
  const stalePrev = new Float32Array(D); // not the current row of slot 1
  const next = new Float32Array(D);
  assert.throws(() => checkWrite(state, { note: note('b', [1]), prev: stalePrev, next }), StaleRowsError);
  assert.throws(() => checkWrite(state, { note: note('a', []), prev: new Float32Array(0), next: new Float32Array(0) }), NoteIdTakenError);
  assert.throws(() => checkWrite(state, { note: note('c', [64]), prev: new Float32Array(D), next }), /outside the value table/);
  assert.throws(
    () => checkWrite(state, { note: note('c', [5, 5]), prev: new Float32Array(2 * D), next: new Float32Array(2 * D) }),
    /ascending and unique/,
  );
  const nan = new Float32Array(D);
  nan[3] = NaN;
  assert.throws(() => checkWrite(state, { note: note('c', [5]), prev: new Float32Array(D), next: nan }), /diverged/);
  assert.throws(() => checkWrite(state, { note: note('c', [5]), prev: new Float32Array(3), next: new Float32Array(3) }), /must hold/);
  forget(state, table, 'a');
  assert.throws(() => planForget(state, 'a' as NoteId, 'delta'), NoteStateError);
});
