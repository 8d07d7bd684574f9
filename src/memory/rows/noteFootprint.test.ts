import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryReads } from '../../model/languageModel';
import { noteFootprint } from './noteFootprint';

/** Reads of `positions` positions, one head, top-2: each entry is [slot, weight] pairs per position. */
function reads(rows: readonly (readonly [number, number])[][]): MemoryReads {
  const slots = new Int32Array(rows.flat().map(([slot]) => slot));
  const weights = new Float32Array(rows.flat().map(([, weight]) => weight));
  return { positions: rows.length, heads: 1, topK: 2, slots, weights };
}

// Slot 0 is read by every background document (idf 0), slot 1 by half, slots 2-5 by few.
const background = { documentFrequency: new Int32Array([99, 50, 1, 1, 10, 0, 0, 0]), batches: 99 };

test('footprint: slots ranked by read weight x idf, capped, ascending; a slot all text reads is left out', () => {
  const r = reads([
    [[0, 0.9], [2, 0.1]],
    [[1, 0.6], [4, 0.4]],
    [[3, 0.5], [0, 0.5]],
    [[2, 0.7], [5, 0.3]],
  ]);
  // scores: slot 2: 0.8 * ln(100/2)=3.13, slot 3: 0.5 * 3.91=1.96, slot 5: 0.3 * 4.61=1.38, slot 4: 0.4 * 2.21=0.88, slot 1: 0.6 * 0.67=0.40, slot 0: 0
  assert.deepEqual(noteFootprint([{ reads: r }], 8, background, 3), [2, 3, 5]);
  assert.deepEqual(noteFootprint([{ reads: r }], 8, background, 100), [1, 2, 3, 4, 5]);
  assert.deepEqual(noteFootprint([{ reads: r }], 8, background, 0), []);
});

test('footprint: only the given positions count (padding is left out)', () => {
  const r = reads([
    [[2, 1], [3, 0]],
    [[5, 1], [4, 0]],
  ]);
  assert.deepEqual(noteFootprint([{ reads: r, positions: new Uint8Array([1, 0]) }], 8, background, 8), [2]);
});

test('footprint: the passes\' read weights add up before ranking', () => {
  const first = reads([[[2, 0.6], [3, 0.4]]]);
  const second = reads([[[3, 0.5], [5, 0.1]]]);
  // Alone the first pass ranks slot 2 (0.6 * 3.91) over slot 3 (0.4 * 3.91); together slot 3 has 0.9.
  assert.deepEqual(noteFootprint([{ reads: first }], 8, background, 1), [2]);
  assert.deepEqual(noteFootprint([{ reads: first }, { reads: second }], 8, background, 1), [3]);
  assert.deepEqual(noteFootprint([{ reads: first }, { reads: second, positions: new Uint8Array([0]) }], 8, background, 1), [2]);
});
