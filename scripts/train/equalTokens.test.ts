import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { equalTokensComparison, heldOutCurve, lineageCurve, lossAtTokens } from './equalTokens';

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

test('equal tokens: a lineage drops the points an earlier run logged past where the next run started', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-lineage-'));
  const write = (name: string, records: object[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, records.map(record => JSON.stringify(record)).join('\n') + '\n');
    return file;
  };
  // The first run went on to 3000 tokens after the second one branched off its 2000-token checkpoint.
  const first = write('first.jsonl', [
    { kind: 'eval', tokens: 1000, heldout_loss: 6 },
    { kind: 'eval', tokens: 2000, heldout_loss: 5 },
    { kind: 'eval', tokens: 3000, heldout_loss: 5.5 },
  ]);
  const second = write('second.jsonl', [
    { kind: 'train', tokens: 2100, loss: 4 },
    { kind: 'eval', tokens: 2600, heldout_loss: 4.8 },
    { kind: 'eval', tokens: 3400, heldout_loss: 4.6 },
  ]);
  assert.deepEqual(lineageCurve([first, second]), [
    { tokens: 1000, loss: 6 },
    { tokens: 2000, loss: 5 },
    { tokens: 2600, loss: 4.8 },
    { tokens: 3400, loss: 4.6 },
  ]);
  assert.deepEqual(lineageCurve([first, path.join(dir, 'missing.jsonl')]), heldOutCurve(first));
  fs.rmSync(dir, { recursive: true, force: true });
});
