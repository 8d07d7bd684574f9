import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryReads } from '../../model/languageModel';
import { countSlotAccesses, inverseDocumentFrequency, selectSlots, tfIdfScores, topSlots } from './rowSelection';

/** Reads of 3 positions x 1 head x 2 ranks over a table of 6 slots. */
const reads: MemoryReads = {
  positions: 3,
  heads: 1,
  topK: 2,
  slots: Int32Array.from([0, 1, 0, 2, 3, 0]),
  weights: Float32Array.from([0.75, 0.25, 0.5, 0.5, 0.875, 0.125]),
};

test('counts every (position, head, rank) read, or its weight, skipping masked positions', () => {
  assert.deepEqual(Array.from(countSlotAccesses(reads, 6)), [3, 1, 1, 1, 0, 0]);
  assert.deepEqual(Array.from(countSlotAccesses(reads, 6, { mode: 'weight' })), [1.375, 0.25, 0.5, 0.875, 0, 0]);
  assert.deepEqual(Array.from(countSlotAccesses(reads, 6, { positions: Uint8Array.from([1, 0, 1]) })), [2, 1, 0, 1, 0, 0]);
  assert.throws(() => countSlotAccesses(reads, 3), /slot 3 outside/);
  assert.throws(() => countSlotAccesses(reads, 6, { positions: new Uint8Array(2) }), /mask of 2 positions/);
});

test('tf-idf follows the formula; a slot every background batch read scores 0', () => {
  const counts = Float64Array.from([3, 1, 1, 1, 0, 0]);
  const background = { documentFrequency: Int32Array.from([9, 0, 4, 2, 0, 0]), batches: 9 };
  const scores = tfIdfScores(counts, background);
  assert.equal(scores[0], 0); // df = |B|: log(10/10)
  assert.ok(Math.abs(scores[1]! - (1 / 6) * Math.log(10 / 1)) < 1e-12);
  assert.ok(Math.abs(scores[2]! - (1 / 6) * Math.log(10 / 5)) < 1e-12);
  assert.ok(Math.abs(scores[3]! - (1 / 6) * Math.log(10 / 3)) < 1e-12);
  assert.equal(scores[4], 0);
  assert.deepEqual(topSlots(scores, 2), [1, 3]);
});

test('without background statistics the ranking is term frequency', () => {
  assert.equal(inverseDocumentFrequency(5, 0), 1);
  const scores = tfIdfScores(Float64Array.from([3, 1, 2, 0]), { documentFrequency: new Int32Array(0), batches: 0 });
  assert.deepEqual(topSlots(scores, 3), [0, 2, 1]);
});

test('owned slots are down-weighted per owner; weight 0 never reuses them', () => {
  const counts = Float64Array.from([4, 3, 2, 1]);
  const background = { documentFrequency: new Int32Array(4), batches: 10 };
  const owned = new Map([
    [0, 2],
    [1, 1],
  ]);
  assert.deepEqual(topSlots(tfIdfScores(counts, background, { owned }), 4), [0, 1, 2, 3]);
  assert.deepEqual(topSlots(tfIdfScores(counts, background, { owned, ownedWeight: 0.5 }), 4), [2, 1, 0, 3]); // 1, 1.5, 2, 1 (x tf share)
  assert.deepEqual(topSlots(tfIdfScores(counts, background, { owned, ownedWeight: 0 }), 4), [2, 3]);
});

test('top-t breaks ties by slot id, drops zero scores and checks t', () => {
  assert.deepEqual(topSlots(Float64Array.from([0.5, 0, 0.5, 0.25, 0.5]), 10), [0, 2, 4, 3]);
  assert.deepEqual(topSlots(Float64Array.from([0.5, 0.25]), 0), []);
  assert.throws(() => topSlots(new Float64Array(2), -1), /non-negative/);
  assert.throws(() => tfIdfScores(new Float64Array(3), { documentFrequency: new Int32Array(2), batches: 1 }), /cover 2 slots/);
});

test('selectSlots chains the three steps', () => {
  const background = { documentFrequency: Int32Array.from([9, 0, 4, 2, 0, 0]), batches: 9 };
  const selection = selectSlots(reads, 6, background, { slots: 2 });
  assert.deepEqual(selection.slots, [1, 3]);
  assert.equal(selection.slotsRead, 4);
  assert.ok(selection.scores[0]! > selection.scores[1]!);
});

test('kl and focus scores weigh the note frequency against the background read distribution', () => {
  // p = [0.5, 0.3, 0.2, 0]; q = (df + 1) / sum = [0.5, 0.1, 0.1, 0.3]
  const counts = Float64Array.from([5, 3, 2, 0]);
  const background = { documentFrequency: Int32Array.from([4, 0, 0, 2]), batches: 10 };
  const kl = tfIdfScores(counts, background, { scoring: 'kl' });
  assert.equal(kl[0], 0); // read exactly as often as background text reads it
  assert.ok(Math.abs(kl[1]! - 0.3 * Math.log(3)) < 1e-12);
  assert.ok(Math.abs(kl[2]! - 0.2 * Math.log(2)) < 1e-12);
  assert.deepEqual(topSlots(kl, 4), [1, 2]);
  const focus = tfIdfScores(counts, background, { scoring: 'focus' });
  assert.ok(Math.abs(focus[0]! - 0.5) < 1e-12 && Math.abs(focus[1]! - 0.9) < 1e-12 && Math.abs(focus[2]! - 0.4) < 1e-12);
  assert.deepEqual(topSlots(focus, 2), [1, 0]);
});
