// Tests of the word lists: each drops what its caller needs dropped and keeps what it must keep, and
// the eval's list is the public set's README's, word for word.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANSWER_STOP_WORDS, INDEX_STOP_WORDS, PROSE_WORDS, SENTENCE_STARTERS } from './stopWords';

test('ANSWER_STOP_WORDS: the scoring contract of answer_recall, exactly', () => {
  assert.deepEqual(
    [...ANSWER_STOP_WORDS].sort(),
    'a an the of to in on for and or is are be it its with by as at from that this'.split(' ').sort(),
  );
});

test('the lists are lowercase single words without blanks', () => {
  for (const list of [INDEX_STOP_WORDS, SENTENCE_STARTERS, PROSE_WORDS, ANSWER_STOP_WORDS])
    for (const word of list) assert.match(word, /^[a-z.']+$/, word);
});

test('each list keeps its caller behaviour: they differ on purpose', () => {
  // Questions name things with "how"/"what": index terms drop them; a copy span never is one.
  assert.ok(INDEX_STOP_WORDS.has('how') && PROSE_WORDS.has('how') && !ANSWER_STOP_WORDS.has('how'));
  // A note that starts "Uses Redis" is about Redis: the verb is a sentence starter, not an index stop word.
  assert.ok(SENTENCE_STARTERS.has('uses') && !INDEX_STOP_WORDS.has('uses'));
  // "e.g" is prose to the copy, and a term to the index.
  assert.ok(PROSE_WORDS.has('e.g') && !INDEX_STOP_WORDS.has('e.g'));
  // "not" changes an answer: scored, never dropped by the eval.
  assert.ok(!ANSWER_STOP_WORDS.has('not'));
});
