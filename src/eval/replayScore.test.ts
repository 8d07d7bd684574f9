// Tests of the replay's scoring against hand-computed cursors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFalseCopy, isRight, ReplayOutcome, ReplayScores, restOfLine, savedChars, scoreReplay } from './replayScore';

test('replayScore: right means the continuation starts with the completion, leading spaces dropped, not line breaks', () => {
  const cases: readonly (readonly [completion: string, continuation: string, right: boolean])[] = [
    [' b);', ' b);\nnext', true],
    ['b);', '  b);', true],
    ['b);\nnext', 'b);\nnext line', true],
    ['\nb', 'b', false],
    ['c);', 'b);', false],
    ['', 'b', false],
  ];
  for (const [completion, continuation, right] of cases) assert.equal(isRight(completion, continuation), right, JSON.stringify(completion));
  assert.equal(restOfLine('  a + b;  \nc'), 'a + b;');
  assert.equal(savedChars('a +', ' a + b;\n'), 3);
  assert.equal(savedChars('a + b;\n  c', 'a + b;\n  c'), 6); // only the rest of the cursor's line counts
  assert.equal(savedChars('a - b;', 'a + b;'), 0);
});

test('replayScore: a false copy is a shown note span the code does not go on with', () => {
  assert.equal(isFalseCopy({ text: 'formatCents(1)', span: 'formatCents' }, 'formatCents(2);'), false);
  assert.equal(isFalseCopy({ text: 'formatCents(1)', span: 'formatCents' }, 'toString();'), true);
  assert.equal(isFalseCopy({ text: 'x', span: null }, 'y'), false);
  assert.equal(isFalseCopy({ text: '', span: 'formatCents' }, 'y'), false);
});

test('replayScore: shipped and always-show figures from the same cursors', () => {
  const none = { text: '', span: null };
  const outcomes: ReplayOutcome[] = [
    { rest: 'b);\n', shipped: { text: 'b);', span: null }, always: { text: 'b);', span: null }, ms: 10 },
    { rest: 'value = 1;\n', shipped: none, always: { text: 'val = 2;', span: null }, ms: 20 },
    { rest: 'cents(1);\n', shipped: { text: 'cents', span: 'cents' }, always: { text: 'cents(1);', span: 'cents' }, ms: 30 },
    { rest: 'run();\n', shipped: none, always: { text: 'cents', span: 'cents' }, ms: 40 },
  ];
  const report = scoreReplay(outcomes, 1);
  assert.equal(report.cursors, 4);
  const lineChars = 3 + 10 + 9 + 6;
  // Each figure as [what ships, always show]: the same cursors under the two show decisions.
  const figures: Record<keyof ReplayScores, readonly [number, number]> = {
    shown_rate: [0.5, 1],
    precision: [1, 0.5],
    saved_share: [(3 + 5) / lineChars, (3 + 9) / lineChars],
    false_copies: [0, 0.25],
    false_copies_of_shown: [0, 0.25],
    shown: [2, 4],
    right: [2, 2],
    saved_chars: [3 + 5, 3 + 9],
    line_chars: [lineChars, lineChars],
    false_copy_count: [0, 1],
  };
  const column = (i: 0 | 1) => Object.fromEntries(Object.entries(figures).map(([name, both]) => [name, both[i]]));
  assert.deepEqual(report.shipped, column(0));
  assert.deepEqual(report.always, column(1));
  assert.deepEqual(report.complete_ms.p50 !== null, true);
  assert.deepEqual(scoreReplay([], 0).shipped.precision, null);
});
