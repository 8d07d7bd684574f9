// Tests of which part of a completion is shown under each mode.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConfidenceSettings,
  confidentPart,
  defaultConfidenceSettings,
  probabilityOf,
  RawCompletion,
  shownCompletion,
} from './completionConfidence';
import { allAt, onlyProbability, typed } from './completionFixture';

/** `formatC` -> "ents(1);", token by token. */
const ENTS: RawCompletion = { ...typed(['ents', 0.9], ['(', 0.9], ['1', 0.4], [');', 0.9]), copied: null };

/** A learned decision that reads only the model's probability and the file line's matched length. */
const PLAIN: ConfidenceSettings = { ...defaultConfidenceSettings, minSpanScore: 0.3, learned: onlyProbability(10, 0.5) };

test('completionConfidence: the shown part ends where the probability falls below the floor, never inside a name', () => {
  assert.equal(confidentPart(ENTS.completion, ENTS.pieces, 0.5), 'ents(');
  assert.equal(confidentPart(ENTS.completion, ENTS.pieces, 0.95), '');
  assert.equal(confidentPart(ENTS.completion, ENTS.pieces, 0.2), 'ents(1);');
  // A token that ends inside a name ("cu" of "currency") is cut back to before the name.
  const inName = typed(['cu', 0.9], ['rrency()', 0.1]);
  assert.equal(confidentPart(inName.completion, inName.pieces, 0.5), '');
  const afterDot = typed(['a.', 0.9], ['cu', 0.9], ['rrency()', 0.1]);
  assert.equal(confidentPart(afterDot.completion, afterDot.pieces, 0.5), 'a.');
  assert.equal(probabilityOf(ENTS.pieces, 5), 0.9 * 0.9);
});

test('completionConfidence: each mode, with a calibrated nothing-to-say path', () => {
  assert.deepEqual(shownCompletion(ENTS, 'always'), { text: 'ents(1);', source: 'model' });
  assert.deepEqual(shownCompletion(ENTS, 'off'), { text: '', source: null });
  assert.deepEqual(shownCompletion(ENTS, 'memory-only'), { text: '', source: null });
  assert.deepEqual(shownCompletion(ENTS, 'confident', PLAIN), { text: 'ents(', source: 'model' });
  // A line the file typed before after a long match wins over the model's short guess, in `confident` only.
  const repeated = { ...ENTS, repeated: { line: 'entsOf(total);', match: 60 } };
  assert.deepEqual(shownCompletion(repeated, 'confident', PLAIN), { text: 'entsOf(total);', source: 'file' });
  assert.deepEqual(shownCompletion(repeated, 'always'), { text: 'ents(1);', source: 'model' });
  assert.deepEqual(shownCompletion(repeated, 'memory-only'), { text: '', source: null });
  // Nothing the model is sure of: nothing shown.
  const unsure = allAt(ENTS, 0.3);
  assert.deepEqual(shownCompletion(unsure, 'confident', PLAIN), {
    text: '',
    source: null,
  });
  // Whitespace alone is not worth showing.
  assert.deepEqual(shownCompletion({ ...typed(['  \n', 1]), copied: null }, 'always'), {
    text: '',
    source: null,
  });
});

test("completionConfidence: a note span shows whole when the memory proposed it strongly, the model's tail by its floor", () => {
  const copied: RawCompletion = {
    ...typed(['formatUtc', 1], ['(', 0.9], ['now', 0.1], [')', 0.9]),
    copied: { text: 'formatUtc', score: 0.8 },
  };
  const settings = { ...PLAIN, minSpanScore: 0.5 };
  assert.deepEqual(shownCompletion(copied, 'confident', settings), { text: 'formatUtc(', source: 'note' });
  assert.deepEqual(shownCompletion(copied, 'memory-only', settings), { text: 'formatUtc(', source: 'note' });
  const weak = { ...copied, copied: { text: 'formatUtc', score: 0.3 } };
  assert.deepEqual(shownCompletion(weak, 'confident', settings), { text: '', source: null });
  assert.deepEqual(shownCompletion(weak, 'memory-only', settings), { text: '', source: null });
  // The span is shown even when the model is unsure of the token right after it; a call's opening
  // bracket goes with the name, what is inside it does not.
  const unsureCall = { ...copied, ...typed(['formatUtc', 1], ['(now)', 0.1]) };
  assert.deepEqual(shownCompletion(unsureCall, 'confident', settings), { text: 'formatUtc(', source: 'note' });
  const unsureTail = { ...copied, ...typed(['formatUtc', 1], [', now', 0.1]) };
  assert.deepEqual(shownCompletion(unsureTail, 'confident', settings), { text: 'formatUtc', source: 'note' });
});
