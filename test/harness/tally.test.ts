// Unit tests for reading the runners' summaries and writing the closing line.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { addTallies, parseExtensionHostResult, parseNodeTestSummary, tallyLine } from './tally';

test("reads Node's spec reporter summary, counting cancelled as failed and todo as skipped", () => {
  const output = '✔ a (1ms)\nℹ tests 7\nℹ suites 0\nℹ pass 5\nℹ fail 1\nℹ cancelled 1\nℹ skipped 0\nℹ todo 0\nℹ duration_ms 9\n';
  assert.deepEqual(parseNodeTestSummary(output), { passed: 5, failed: 2, skipped: 0 });
  assert.equal(parseNodeTestSummary('Could not find src/x.test.ts'), undefined);
});

test('reads the extension-host marker line', () => {
  assert.deepEqual(parseExtensionHostResult('VSCODE_TEST_RESULT passed=7 failed=1 pending=2'), { passed: 7, failed: 1, skipped: 2 });
  assert.equal(parseExtensionHostResult('  7 passing (827ms)'), undefined);
});

test('the closing line has the form CI reads: "label: N passed, M failed[, K skipped]"', () => {
  const total = addTallies({ passed: 42, failed: 0, skipped: 0 }, { passed: 7, failed: 1, skipped: 2 });
  assert.equal(tallyLine('total', total), 'total: 49 passed, 1 failed, 2 skipped');
  assert.equal(tallyLine('unit', { passed: 3, failed: 0, skipped: 0 }), 'unit: 3 passed, 0 failed');
});
