import { test } from 'node:test';
import assert from 'node:assert/strict';
import { questionRenderings } from './questionRenderings';

test('a question with capitals is also read lowercased', () => {
  assert.deepEqual(questionRenderings('Which header do Retry calls send?'), ['which header do retry calls send?']);
});

test('a lowercase question has no other rendering', () => {
  assert.deepEqual(questionRenderings('which port?'), []);
  assert.deepEqual(questionRenderings('  which   port? '), []);
});

test('whitespace is folded as the footprint renderings fold it', () => {
  assert.deepEqual(questionRenderings('Which\n  PORT?'), ['which port?']);
});
