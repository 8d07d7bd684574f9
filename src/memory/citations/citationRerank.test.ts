import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoteId } from '../note';
import type { CitedNote } from './provenance';
import { rerankByStates } from './citationRerank';

const cited = (entries: [string, number][]): CitedNote[] => {
  const total = entries.reduce((s, [, score]) => s + score, 0);
  return entries.map(([note, score]) => ({ note: note as NoteId, score, share: score / total }));
};

test('a note whose states the question resembles overtakes one with a little more read evidence', () => {
  const reads = cited([['a', 1.2], ['b', 1.0]]);
  const sims: Record<string, number> = { a: 0.6, b: 0.7 };
  const out = rerankByStates(reads, (n) => sims[n]!, { sharpness: 10 });
  assert.deepEqual(out.map((c) => c.note), ['b', 'a']);
  const a = 1.2 * Math.exp(10 * (0.6 - 0.7));
  assert.ok(Math.abs(out[0]!.score - 1.0) < 1e-12);
  assert.ok(Math.abs(out[1]!.score - a) < 1e-12);
  assert.ok(Math.abs(out[0]!.share - 1 / (1 + a)) < 1e-12);
  assert.ok(Math.abs(out[0]!.share + out[1]!.share - 1) < 1e-12);
});

test('with equal similarity the reads decide; sharpness 0 keeps their order and weights', () => {
  const reads = cited([['a', 3], ['b', 1]]);
  assert.deepEqual(rerankByStates(reads, () => 0.5).map((c) => c.note), ['a', 'b']);
  const flat = rerankByStates(reads, (n) => (n === 'b' ? 0.9 : 0.1), { sharpness: 0 });
  assert.deepEqual(flat.map((c) => [c.note, c.share]), [['a', 0.75], ['b', 0.25]]);
});

test('only the first candidates take part: a note the reads ranked low cannot come back', () => {
  const reads = cited([['a', 3], ['b', 2], ['c', 1]]);
  const out = rerankByStates(reads, (n) => (n === 'c' ? 1 : 0), { candidates: 2 });
  assert.deepEqual(out.map((c) => c.note), ['a', 'b']);
  assert.deepEqual(rerankByStates([], () => 1), []);
});
