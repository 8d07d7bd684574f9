// Tests of the cue words that mark a note's old values, names to call and names.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCallableName, noteCues } from './noteCues';

const cued = (text: string) => {
  const words = text.split(/\s+/u);
  const cues = noteCues(words);
  const pick = (set: ReadonlySet<number>) => [...set].map((i) => words[i]);
  return { call: pick(cues.callWords), named: pick(cues.namedWords) };
};

test('noteCues: names to call and names', () => {
  assert.ok(cued('wrap it in cv.deprecated so users see a warning').call.includes('cv.deprecated'));
  assert.ok(cued('read flags through the getFlag helper').call.includes('getFlag'));
  assert.deepEqual(cued('jobs run on the queue named critical').named, ['critical']);
});

test('isCallableName: identifiers and members only', () => {
  for (const name of ['getFlag', 'cv.deprecated', '_private', '$el']) assert.ok(isCallableName(name), name);
  for (const text of ['88', 'preact/compat', 'a-b', '/_healthcheck_x']) assert.ok(!isCallableName(text), text);
});
