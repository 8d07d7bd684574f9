// Tests of citations: the notes a pass read in the keyed note memory, by share of the read mass.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import { shareCitations } from './citations';

const id = (s: string) => s as NoteId;
/** A note -> number map, in the order written. */
const byNote = (values: Record<string, number>) => new Map(Object.entries(values).map(([note, value]) => [id(note), value]));

test('citations: keyed reads cite by share of the read mass, best first; shares under 2% dropped, the rest sum to 1', () => {
  const cited = shareCitations(byNote({ a: 3, b: 6.5, c: 0.1, d: 0, e: 0.4 }));
  assert.deepEqual(
    cited.map(c => c.noteId),
    ['b', 'a', 'e'],
  );
  const total = cited.reduce((sum, c) => sum + c.weight, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
  assert.ok(Math.abs(cited[0]!.weight - 6.5 / 9.9) < 1e-12);
  assert.ok(
    cited.every(c => Math.round(c.weight * 100) >= 1),
    'no row shows 0%',
  );
  assert.deepEqual(shareCitations(new Map()), []);
  assert.deepEqual(shareCitations(byNote({ a: 0 })), []);
  assert.deepEqual(
    shareCitations(byNote({ a: 1, b: 1, c: 1 }), 2).map(c => c.weight),
    [0.5, 0.5],
  );
});
