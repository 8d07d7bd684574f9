import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { equalTokensComparison, heldOutCurve, lossAtTokens } from './equalTokens';

test("equal tokens: reads eval records, interpolates the memory curve at the dense run's last point", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-equal-'));
  const log = path.join(dir, 'log.jsonl');
  fs.writeFileSync(
    log,
    [
      JSON.stringify({ kind: 'train', step: 1, tokens: 100, loss: 9 }),
      JSON.stringify({ kind: 'eval', step: 20, tokens: 2000, heldout_loss: 5 }),
      JSON.stringify({ kind: 'eval', step: 10, tokens: 1000, heldout_loss: 6 }),
      '',
    ].join('\n'),
  );
  const memory = heldOutCurve(log);
  assert.deepEqual(memory, [
    { tokens: 1000, loss: 6 },
    { tokens: 2000, loss: 5 },
  ]);
  assert.equal(lossAtTokens(memory, 1500), 5.5);
  assert.equal(lossAtTokens(memory, 500), null);
  assert.equal(lossAtTokens(memory, 2500), null);
  assert.deepEqual(equalTokensComparison(memory, [{ tokens: 1250, loss: 6.5 }]), {
    tokens: 1250,
    dense_heldout_loss: 6.5,
    memory_heldout_loss: 5.75,
  });
  assert.equal(equalTokensComparison(memory, [{ tokens: 3000, loss: 4 }]), null);
  assert.equal(equalTokensComparison(memory, []), null);
  assert.deepEqual(heldOutCurve(path.join(dir, 'missing.jsonl')), []);
  fs.rmSync(dir, { recursive: true, force: true });
});
