import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { answerSupport, defaultAnswerSupportSettings } from './answerSupport';
import type { NoteId } from '../note';

const id = (s: string) => s as NoteId;
/** A note -> number map, in the order written. */
const byNote = (values: Record<string, number>) => new Map(Object.entries(values).map(([note, value]) => [id(note), value]));
const settings = { ...defaultAnswerSupportSettings, answerGate: 0.3, relatedGate: 0.05, relatedLimit: 2 };

test('an empty memory has nothing to answer with', () => {
  assert.deepEqual(answerSupport(new Map(), 0, settings), { kind: 'unsupported', reason: 'no-notes', related: [] });
});

test('a question whose best gate reaches the threshold is answered, naming that note', () => {
  const support = answerSupport(byNote({ a: 0.2, b: 0.7 }), 2, settings);
  assert.deepEqual(support, { kind: 'supported', best: { note: 'b', gate: 0.7 } });
});

test('under the threshold: abstain, with the nearest notes above the related floor, best first, capped', () => {
  const support = answerSupport(byNote({ a: 0.1, b: 0.29, c: 0.2, d: 0.01 }), 4, settings);
  assert.deepEqual(support, {
    kind: 'unsupported',
    reason: 'no-note-fits',
    related: [
      { note: 'b', gate: 0.29 },
      { note: 'c', gate: 0.2 },
    ],
  });
});

test('a question no note gates abstains with nothing related', () => {
  assert.deepEqual(answerSupport(new Map(), 3, settings), { kind: 'unsupported', reason: 'no-note-fits', related: [] });
});

test('answerGate 0 always answers when a note is gated', () => {
  const support = answerSupport(byNote({ a: 0.001 }), 1, { ...settings, answerGate: 0 });
  assert.equal(support.kind, 'supported');
});

test('the editor setting mnemo.chat.answerThreshold ships the measured default', async () => {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  assert.equal(
    manifest.contributes.configuration.properties['mnemo.chat.answerThreshold'].default,
    defaultAnswerSupportSettings.answerGate,
  );
});

test('a best note that shares too little rare text with the question is not answered from', () => {
  const gates = new Map([
    [id('a'), 0.8],
    [id('b'), 0.1],
  ]);
  const shared = new Map([
    [id('a'), 2.5],
    [id('b'), 7],
  ]);
  const strict = { ...settings, sharedIdfMass: 6 };
  assert.deepEqual(
    answerSupport(gates, 2, strict, n => shared.get(n) ?? 0),
    {
      kind: 'unsupported',
      reason: 'no-note-fits',
      related: [
        { note: 'a', gate: 0.8 },
        { note: 'b', gate: 0.1 },
      ],
    },
  );
  shared.set(id('a'), 6);
  assert.deepEqual(
    answerSupport(gates, 2, strict, n => shared.get(n) ?? 0),
    { kind: 'supported', best: { note: 'a', gate: 0.8 } },
  );
  shared.set(id('a'), 0);
  assert.equal(answerSupport(gates, 2, { ...strict, sharedIdfMass: 0 }, n => shared.get(n) ?? 0).kind, 'supported');
  assert.equal(answerSupport(gates, 2, strict).kind, 'supported', 'without shared idfs the check is not made');
});
