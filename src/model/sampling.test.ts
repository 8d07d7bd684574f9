import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, findStopSequence, heldBackLength, sampleToken, softmaxWithTemperature, topPFilter } from './sampling';
import { seededRandom } from './seededRandom';

const logits = new Float32Array([1, 3, 2, -1]);

test('greedy picks the argmax', () => {
  assert.equal(argmax(logits), 1);
  assert.equal(
    sampleToken(logits, { temperature: 0, topP: 1 }, () => 0.99),
    1,
  );
});

test('temperature sampling follows the softmax frequencies', () => {
  const random = seededRandom(3);
  const counts = [0, 0, 0, 0];
  const n = 20_000;
  for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: 1, topP: 1 }, random.next)]! += 1;
  const expected = softmaxWithTemperature(logits, 1);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(counts[i]! / n - expected[i]!) < 0.015, `token ${i}`);
});

test('top-p keeps the smallest nucleus and renormalises', () => {
  const probabilities = new Float64Array([0.1, 0.5, 0.3, 0.1]);
  const nucleus = topPFilter(probabilities, 0.75);
  assert.deepEqual(nucleus.ids, [1, 2]);
  assert.ok(Math.abs(nucleus.probabilities[0]! - 0.625) < 1e-12);
  const random = seededRandom(4);
  for (let i = 0; i < 200; i++) assert.ok([1, 2].includes(sampleToken(logits, { temperature: 1, topP: 0.75 }, random.next)));
});

test('stop sequences cut at the earliest match', () => {
  assert.deepEqual(findStopSequence('abc\n\ndef}', ['}', '\n\n']), { stopped: true, text: 'abc', stop: '\n\n' });
  assert.deepEqual(findStopSequence('abc', ['x']), { stopped: false });
  assert.equal(heldBackLength('foo\n', ['\n\n']), 1);
  assert.equal(heldBackLength('foo', ['\n\n']), 0);
});
