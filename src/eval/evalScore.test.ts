// Tests of eval scoring against hand-computed examples (the public set's README rules).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answerContains,
  answerRecall,
  completionExact,
  forgetting,
  latencySummary,
  MethodRun,
  normalizedWords,
  normalizeText,
  percentile,
  provenanceHit,
  retention,
  scoreMethod,
} from './evalScore';

test('evalScore: normalisation lowercases, applies NFKC, keeps . _ - / and drops other punctuation and symbols', () => {
  assert.equal(normalizeText('The commercetools transaction.id'), 'the commercetools transaction.id');
  assert.equal(normalizeText('MariaDB≥10.3, MySQL≥8.0'), 'mariadb 10.3 mysql 8.0');
  assert.equal(normalizeText('/_healthcheck_<app-name>'), '/_healthcheck_ app-name');
  assert.equal(normalizeText('WAL mode + 5s busy timeout'), 'wal mode 5s busy timeout');
  assert.equal(normalizeText('ＦＵＬＬ　ｗｉｄｔｈ “quoted” – dash'), 'full width quoted dash');
  assert.equal(normalizeText('ﬁle ①'), 'file 1');
  assert.deepEqual(normalizedWords('It is transaction.id. Done...'), ['it', 'is', 'transaction.id', 'done']);
});

test('evalScore: answer_recall is the share of the reference content words in the answer', () => {
  // reference words minus stop words: commercetools, transaction.id
  assert.equal(answerRecall('It uses transaction.id.', 'The commercetools transaction.id'), 0.5);
  assert.equal(answerRecall('The commercetools Transaction.ID', 'The commercetools transaction.id'), 1);
  // mariadb 10.3 mysql 8.0 postgresql 12 sqlite 3.32.1: 8 words, 5 present
  assert.equal(answerRecall('MariaDB 10.3, MySQL 8.0 and PostgreSQL', 'MariaDB≥10.3, MySQL≥8.0, PostgreSQL≥12, SQLite≥3.32.1'), 5 / 8);
  // "the Prefer header" -> allow, prefer, header (the is a stop word)
  assert.equal(answerRecall('Add Prefer to the allowed headers', 'allow the Prefer header'), 1 / 3);
  assert.equal(answerRecall('anything', 'it is'), 0); // only stop words: all of them count
  assert.equal(answerRecall('it is', 'it is'), 1);
  assert.equal(answerRecall('anything', ' ... '), null);
  // words are a set: a repeated reference word counts once
  assert.equal(answerRecall('lock', 'lock lock key'), 0.5);
});

test('evalScore: answer_contains needs the whole reference as a run of words', () => {
  assert.equal(answerContains('Use commercetools transaction.id here.', 'The commercetools transaction.id'), false);
  assert.equal(answerContains('They use the commercetools transaction.id.', 'The commercetools transaction.id'), true);
  assert.equal(answerContains('timeout of 880 seconds', '88'), false);
  assert.equal(answerContains('max-line-length = 88', 'max-line-length 88'), true);
  assert.equal(answerContains('x', ''), false);
});

test('evalScore: provenance, completion_exact, retention, forgetting', () => {
  assert.equal(provenanceHit(['p002', 'p001'], 'p001', 1), false);
  assert.equal(provenanceHit(['p002', 'p001'], 'p001', 3), true);
  assert.equal(provenanceHit([], 'p001', 3), false);
  assert.equal(completionExact('  transaction.id,\n', 'transaction.id'), true);
  assert.equal(completionExact('transaction', 'transaction.id'), false);
  assert.equal(completionExact('\n\tVError(err, "x")', 'VError(err'), true);
  assert.equal(retention([0.5, 0.7], [1, 0.8]), 0.6 / 0.9);
  assert.equal(retention([0.5], [0]), null);
  assert.equal(retention([], []), null);
  assert.equal(forgetting(2.0, 2.02), 0.010000000000000009);
});

test('evalScore: percentiles interpolate linearly between ranks', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  // rank 0.95 * 9 = 8.55 over 10..100: 90 + 0.55 * 10
  assert.ok(Math.abs(percentile([100, 10, 20, 30, 40, 50, 60, 70, 80, 90], 95)! - 95.5) < 1e-9);
  assert.deepEqual(latencySummary([5, 1, 3]), { p50: 3, p95: 4.8 });
});

test('evalScore: scoreMethod builds the README report shape, with nulls where a figure cannot exist', () => {
  const run: MethodRun = {
    questions: [
      {
        style: 'direct',
        answer: 'The commercetools transaction.id',
        reference: 'The commercetools transaction.id',
        expectedNote: 'p001',
        cited: ['p001', 'p002'],
      },
      {
        style: 'paraphrase',
        answer: 'transaction.id',
        reference: 'The commercetools transaction.id',
        expectedNote: 'p001',
        cited: ['p002', 'p001'],
      },
      { style: 'indirect', answer: 'no idea', reference: 'VError package', expectedNote: 'p002', cited: ['p003', 'p004', 'p005'] },
      { style: 'multi-hop', answer: 'VError', reference: 'VError package', expectedNote: 'p002', cited: ['p002'] },
    ],
    completions: [
      { completion: ' transaction.id', expected: 'transaction.id' },
      { completion: 'Error(', expected: 'VError(err' },
    ],
    retention: { afterAll: [0.5, 1], rightAfter: [1, 1] },
    heldOutLoss: { before: 2, after: 2.01 },
    writeMs: [100, 300, 200],
    askMs: [10],
    completeMs: [],
    memoryContextTokens: [0, 0],
  };
  const report = scoreMethod(run);
  assert.deepEqual(report.answer_recall, { all: (1 + 0.5 + 0 + 0.5) / 4, direct: 1, paraphrase: 0.5, indirect: 0, 'multi-hop': 0.5 });
  assert.equal(report.answer_contains, 0.25);
  assert.equal(report.provenance_at_1, 0.5);
  assert.equal(report.provenance_at_3, 0.75);
  assert.equal(report.completion_exact, 0.5);
  assert.equal(report.retention, 0.75);
  assert.ok(Math.abs(report.forgetting! - 0.005) < 1e-12);
  assert.deepEqual(report.write_ms, { p50: 200, p95: 290 });
  assert.deepEqual(report.complete_ms, { p50: null, p95: null });
  assert.equal(report.memory_context_tokens, 0);

  const none = scoreMethod({ ...run, questions: run.questions.map(q => ({ ...q, cited: null })), retention: null, heldOutLoss: null });
  assert.equal(none.provenance_at_1, null);
  assert.equal(none.provenance_at_3, null);
  assert.equal(none.retention, null);
  assert.equal(none.forgetting, null);
  const empty = scoreMethod({ ...run, questions: [], completions: [] });
  assert.deepEqual(
    [empty.answer_recall.all, empty.answer_recall.direct, empty.answer_contains, empty.completion_exact],
    [null, null, null, null],
  );
});
