// Tests of the capacity run: generated notes are distinct and repeatable, and the run reports each
// checkpoint and where provenance@1 falls.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCheckpoints, generateCapacityNotes, runCapacity } from './capacityRun';

test('capacityRun: generated notes are distinct, repeatable, and each has a direct question', () => {
  const a = generateCapacityNotes(300, 5);
  const b = generateCapacityNotes(300, 5);
  assert.deepEqual(a, b);
  assert.equal(new Set(a.notes.map(n => n.note)).size, 300);
  assert.equal(a.questions.length, 300);
  for (const [i, q] of a.questions.entries()) {
    assert.equal(q.note, a.notes[i]!.id);
    assert.ok(a.notes[i]!.note.includes(q.answer.replace(/ seconds$/, '')), `${a.notes[i]!.note} / ${q.answer}`);
  }
  assert.deepEqual(defaultCheckpoints(120), [10, 25, 50, 100, 120]);
});

test('capacityRun: provenance@1 per checkpoint and where it falls below the threshold', async () => {
  const generated = generateCapacityNotes(60, 2);
  let written = 0;
  const subject = {
    write: async () => {
      written++;
    },
    // Cites right while fewer than 40 notes are in memory, then cites the first note for everything.
    ask: async (q: { note: string; answer: string }) => ({
      text: q.answer,
      cited: written < 40 ? [q.note] : ['c0001'],
      memoryContextTokens: 0,
    }),
    complete: async () => ({ text: '', cited: null, memoryContextTokens: 0 }),
  };
  const report = await runCapacity(subject, generated, { checkpoints: [10, 30, 60], sample: 10 });
  assert.deepEqual(
    report.points.map(p => p.notes),
    [10, 30, 60],
  );
  assert.deepEqual(
    report.points.map(p => p.provenance_at_1),
    [1, 1, 0.1],
  );
  assert.equal(report.points[0]!.answer_recall, 1);
  assert.equal(report.falls_below_at, 60);
});
