// Tests of BM25: a hand-computed score, ranking order, and on the public set
// the share of direct questions whose note BM25 ranks first (a sanity floor for the baseline).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bm25Index } from './bm25';
import { loadEvalSet } from '../../eval/evalSet';
import { findPublicEvalSet } from '../../eval/publicSetLocation';

test('bm25: a score computed by hand', () => {
  // Two documents; query "redis": df 1 of n 2, idf = ln(1 + 1.5/1.5) = ln 2.
  // doc a: "redis cache" (length 2), tf 1, average length (2 + 3) / 2 = 2.5.
  const index = new Bm25Index([
    { id: 'a', text: 'redis cache' },
    { id: 'b', text: 'postgres primary database' },
  ]);
  const expected = (Math.log(2) * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 2) / 2.5));
  const hits = index.search('redis?');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.id, 'a');
  assert.ok(Math.abs(hits[0]!.score - expected) < 1e-12);
});

test('bm25: ranking, limit, ties in insertion order, incremental adds', () => {
  const index = new Bm25Index();
  assert.deepEqual(index.search('anything'), []);
  index.add({ id: 'n1', text: 'Use pnpm for installs.' });
  index.add({ id: 'n2', text: 'Use pnpm for installs.' });
  index.add({ id: 'n3', text: 'The cache uses Redis; Redis runs on port 6379.' });
  assert.deepEqual(
    index.search('pnpm installs').map(h => h.id),
    ['n1', 'n2'],
  );
  assert.deepEqual(
    index.search('redis port').map(h => h.id),
    ['n3'],
  );
  assert.deepEqual(
    index.search('pnpm redis', 1).map(h => h.id),
    ['n3'],
  );
  assert.equal(index.size, 3);
});

test('bm25: on the public set, most direct questions rank their own note first', { skip: !findPublicEvalSet() }, () => {
  const set = loadEvalSet(findPublicEvalSet()!);
  const index = new Bm25Index([...set.notes, ...set.distractors].map(n => ({ id: n.id, text: n.note })));
  const direct = set.questions.filter(q => q.style === 'direct');
  const top1 = direct.filter(q => index.search(q.question, 1)[0]?.id === q.note).length / direct.length;
  const top3 = set.questions.filter(q => index.search(q.question, 3).some(h => h.id === q.note)).length / set.questions.length;
  assert.ok(top1 >= 0.8, `direct top-1 ${top1}`);
  assert.ok(top3 >= 0.6, `all top-3 ${top3}`);
});
