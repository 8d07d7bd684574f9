// Tests of a note's vocabulary and the copy bias a chat answer gets from the notes it read.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTokenizer } from '../../model/tokenizer';
import type { NoteId } from '../note';
import { addCopyBias, noteVocabulary } from './noteVocabulary';

const tokenizer = loadTokenizer();

test('noteVocabulary: the tokens of the text, at a line start and after a space', () => {
  const vocabulary = noteVocabulary(tokenizer, 'Wrap it in cv.deprecated');
  for (const token of [...tokenizer.encode('Wrap it in cv.deprecated'), ...tokenizer.encode(' Wrap')])
    assert.ok(vocabulary.has(token), tokenizer.decode([token]));
  assert.ok(!vocabulary.has(tokenizer.encode(' national')[0]!));
});

test("addCopyBias: bias x gate on each gated note's tokens, the largest gate where notes share one", () => {
  const a = 'a' as NoteId;
  const b = 'b' as NoteId;
  const logits = new Float32Array(6);
  addCopyBias(
    logits,
    new Map([
      [a, 0.5],
      [b, 0.25],
    ]),
    new Map([
      [a, new Set([1, 2])],
      [b, new Set([2, 3])],
      ['c' as NoteId, new Set([4])],
    ]),
    2,
  );
  assert.deepEqual([...logits], [0, 1, 1, 0.5, 0, 0], 'note c was not read: token 4 unchanged');
  addCopyBias(logits, new Map([[a, 1]]), new Map([[a, new Set([0])]]), 0);
  assert.equal(logits[0], 0, 'bias 0 is off');
});
