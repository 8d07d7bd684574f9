// Tests of citations: magnitudes measured from the rows, shared slots split, ranking by reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import { citationsOf, slotOwnership } from './citations';

const id = (s: string) => s as NoteId;

test('citations: a note is credited by read weight times how far it moved the row', () => {
  const C = 2;
  const base = new Float32Array(4 * C);
  const current = Float32Array.from([0, 0, 3, 4, 0, 1, 6, 8]); // slot 1 moved 5, slot 2 moved 1, slot 3 moved 10
  const ownership = slotOwnership(new Map([[1, [id('a')]], [2, [id('b')]], [3, [id('a'), id('b')]]]), current, base, C);
  assert.deepEqual(ownership.get(1), [{ note: 'a', magnitude: 5 }]);
  assert.deepEqual(ownership.get(3), [{ note: 'a', magnitude: 5 }, { note: 'b', magnitude: 5 }]);

  const reads = [
    { slots: Int32Array.from([1, 0]), weights: Float32Array.from([0.5, 0.5]) },
    { slots: Int32Array.from([2, 3]), weights: Float32Array.from([0.9, 0.1]) },
  ];
  const cited = citationsOf(reads, ownership, 5);
  // a: 0.5 * 5 + 0.1 * 5 = 3; b: 0.9 * 1 + 0.1 * 5 = 1.4
  assert.deepEqual(cited.map((c) => c.noteId), ['a', 'b']);
  assert.ok(Math.abs(cited[0]!.weight - 3 / 4.4) < 1e-6);
  assert.ok(Math.abs(cited[0]!.weight + cited[1]!.weight - 1) < 1e-6);
  assert.deepEqual(citationsOf(reads, ownership, 1).map((c) => c.noteId), ['a']);
  assert.deepEqual(citationsOf([{ slots: Int32Array.from([0]), weights: Float32Array.from([1]) }], ownership, 5), []);
  assert.deepEqual(citationsOf([], ownership, 5), []);
});
