import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASKED } from '../../engine';
import { SpecialToken } from '../../model/specialTokens';
import { candidateVocabulary, packSequences, rowLengthFor } from './trainingBatch';

const pad = BigInt(SpecialToken.pad);

test('sequences are packed first fit, longest first, and each sees only itself', () => {
  const sequences = [
    { ids: [1, 2, 3], lossFrom: 2 },
    { ids: [4, 5, 6, 7, 8], lossFrom: 1, weight: 0.5 },
    { ids: [9, 10], lossFrom: 1 },
  ];
  const batch = packSequences(sequences, { length: 6 });
  assert.equal(batch.rows, 2);
  // Longest (5 tokens) fills row 0 up to one slot; the 3-token one opens row 1; the 2-token one fits after it.
  assert.deepEqual(batch.placements, [
    { row: 1, offset: 0, length: 3 },
    { row: 0, offset: 0, length: 5 },
    { row: 1, offset: 3, length: 2 },
  ]);
  assert.deepEqual(Array.from(batch.tokens, Number), [4, 5, 6, 7, 8, SpecialToken.pad, 1, 2, 3, 9, 10, SpecialToken.pad]);
  assert.deepEqual(Array.from(batch.targets), [5n, 6n, 7n, 8n, pad, pad, 2n, 3n, pad, 10n, pad, pad]);
  // Loss counts targets at index >= lossFrom: [5..8] with weight 0.5; only 3 of [1,2,3]; 10 of [9,10].
  assert.deepEqual(Array.from(batch.lossWeights), [0.5, 0.5, 0.5, 0.5, 0, 0, 0, 1, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(batch.used), [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]);
  const T = 6;
  const visible = (b: number, t: number) => Array.from({ length: T }, (_, u) => (batch.mask[(b * T + t) * T + u] === 0 ? 1 : 0)).join('');
  assert.equal(visible(0, 0), '100000');
  assert.equal(visible(0, 4), '111110');
  assert.equal(visible(0, 5), '000001'); // padding: itself only
  assert.equal(visible(1, 2), '111000');
  assert.equal(visible(1, 3), '000100'); // a new sequence starts: it cannot see the one before
  assert.equal(visible(1, 4), '000110');
  assert.ok(batch.mask.every(v => v === 0 || v === MASKED));
});

test('rows are rounded up to a multiple and long sequences are cut to the row', () => {
  const batch = packSequences([{ ids: [1, 2, 3, 4, 5, 6, 7, 8], lossFrom: 0 }], { length: 4, rowMultiple: 4 });
  assert.equal(batch.rows, 4);
  assert.deepEqual(batch.placements, [{ row: 0, offset: 0, length: 4 }]);
  assert.deepEqual(Array.from(batch.targets.subarray(0, 4)), [2n, 3n, 4n, pad]);
  assert.equal(
    batch.used.reduce((a, b) => a + b, 0),
    4,
  );
  assert.throws(() => packSequences([], { length: 1 }), /row length/);
});

test('row length: the longest sequence rounded up, within bounds', () => {
  const of = (n: number) => ({ ids: new Array<number>(n).fill(1), lossFrom: 0 });
  const bounds = { minimum: 128, multiple: 128, maximum: 512 };
  assert.equal(rowLengthFor([of(10), of(60)], bounds), 128);
  assert.equal(rowLengthFor([of(129)], bounds), 256);
  assert.equal(rowLengthFor([of(2000)], bounds), 512);
});

test('the candidate vocabulary holds every target and the predicted tokens, padded and masked', () => {
  const lossAt = {
    count: 4,
    positions: BigInt64Array.from([0n, 1n, 2n, 0n]),
    targets: BigInt64Array.from([7n, 3n, 7n, 5n]),
    weights: Float32Array.from([1, 1, 1, 0]),
  };
  const predicted = BigInt64Array.from([7n, 9n, 2n, 3n, 9n, 1n, 40n, 41n]); // M x 2; the last row is padding
  const vocabulary = candidateVocabulary(lossAt, predicted, [11], 4);
  assert.deepEqual(vocabulary.tokens, [1, 2, 3, 7, 9, 11]);
  assert.equal(vocabulary.count, 8);
  assert.deepEqual(Array.from(vocabulary.ids.subarray(0, 6), Number), [1, 2, 3, 7, 9, 11]);
  assert.deepEqual(Array.from(vocabulary.bias), [0, 0, 0, 0, 0, 0, MASKED, MASKED]);
  assert.deepEqual(Array.from(vocabulary.targets, Number), [3, 2, 3, 0]);
});
