// Tests for the corpus reader on a small synthetic token file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { BatchSampler, checkTokenRange, documentStarts, readCorpusSplit, readTokenFile, sequentialBatches } from './corpusReader';
import { SpecialToken, VOCAB_SIZE } from './specialTokens';
import { TOKENIZER_ID } from './tokenizer';

const EOT = SpecialToken.endOfText;

/** Documents of ids 1..n (distinct per document), each ended by <|endoftext|>. */
function syntheticTokens(): Uint16Array {
  const ids: number[] = [];
  for (let doc = 0; doc < 20; doc++) {
    for (let i = 0; i < 5 + doc; i++) ids.push(100 * (doc + 1) + i);
    ids.push(EOT);
  }
  return Uint16Array.from(ids);
}

test('readTokenFile reads little-endian uint16 and refuses odd lengths', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-corpus-'));
  try {
    const file = path.join(dir, 'tiny.bin');
    writeFileSync(file, Buffer.from([0x01, 0x00, 0x00, 0x40, 0xff, 0x12]));
    assert.deepEqual([...readTokenFile(file)], [1, 0x4000, 0x12ff]);
    writeFileSync(file, Buffer.from([1, 2, 3]));
    assert.throws(() => readTokenFile(file), /odd byte length/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('documentStarts finds 0 and every position after <|endoftext|>', () => {
  const tokens = Uint16Array.from([5, 6, EOT, 7, EOT, 8, 9, EOT]);
  assert.deepEqual([...documentStarts(tokens)], [0, 3, 5]);
});

test('batches are contiguous windows, reproducible per step and different across steps', () => {
  const tokens = syntheticTokens();
  const sampler = new BatchSampler({ sources: [{ tokens, weight: 1 }], contextLength: 8, batchSize: 4, seed: 3 });
  const batch = sampler.batch(10);
  assert.equal(batch.length, 4 * 9);
  for (let row = 0; row < 4; row++) {
    const window = batch.subarray(row * 9, row * 9 + 9);
    const start = tokens.findIndex((_, i) => window.every((id, t) => tokens[i + t] === id));
    assert.ok(start >= 0, 'each row is a slice of the file');
  }
  assert.deepEqual(sampler.batch(10), batch);
  assert.notDeepEqual(sampler.batch(11), batch);
  const other = new BatchSampler({ sources: [{ tokens, weight: 1 }], contextLength: 8, batchSize: 4, seed: 4 });
  assert.notDeepEqual(other.batch(10), batch);
});

test('aligned sources start windows at document starts; weights mix sources', () => {
  const tokens = syntheticTokens();
  const starts = new Set(documentStarts(tokens));
  const lastStart = tokens.length - 9;
  const flat = Uint16Array.from({ length: 500 }, () => 7);
  const sampler = new BatchSampler({
    sources: [
      { tokens, weight: 1, alignToDocuments: true },
      { tokens: flat, weight: 3 },
    ],
    contextLength: 8,
    batchSize: 64,
    seed: 9,
  });
  let fromAligned = 0;
  for (let step = 0; step < 20; step++) {
    const batch = sampler.batch(step);
    for (let row = 0; row < 64; row++) {
      const first = batch[row * 9]!;
      if (first === 7) continue;
      fromAligned++;
      const start = tokens.indexOf(first);
      assert.ok(starts.has(start) || start === lastStart, `row starts at document start, got ${start}`);
    }
  }
  // About a quarter of 1,280 rows come from the aligned source (weight 1 of 4).
  assert.ok(fromAligned > 250 && fromAligned < 390, `aligned rows ${fromAligned}`);
});

test('sequential batches cover every target once, in order', () => {
  const tokens = Uint16Array.from({ length: 103 }, (_, i) => i);
  const batches = [...sequentialBatches(tokens, 10, 4)];
  assert.deepEqual(
    batches.map(batch => batch.rows),
    [4, 4, 2],
  );
  const targets: number[] = [];
  for (const { windows, rows } of batches) {
    for (let row = 0; row < rows; row++) targets.push(...windows.subarray(row * 11 + 1, row * 11 + 11));
  }
  assert.deepEqual(
    targets,
    Array.from({ length: 100 }, (_, i) => i + 1),
  );
  assert.equal(
    [...sequentialBatches(tokens, 10, 4, 5)].reduce((sum, batch) => sum + batch.rows, 0),
    5,
  );
});

test('checkTokenRange refuses ids outside the vocabulary', () => {
  checkTokenRange(Uint16Array.from([0, VOCAB_SIZE - 1]));
  assert.throws(() => checkTokenRange(Uint16Array.from([VOCAB_SIZE])), /outside the vocabulary/);
});

test('readCorpusSplit checks the manifest: tokenizer, size and sha256', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-corpus-'));
  try {
    const tokens = syntheticTokens();
    const bytes = Buffer.from(tokens.buffer, tokens.byteOffset, tokens.byteLength);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const writeManifest = (tokenizer: string, hash: string) =>
      writeFileSync(
        path.join(dir, 'manifest.json'),
        JSON.stringify({ tokenizer, splits: { train: { file: 'train.bin', tokens: tokens.length, sha256: hash } } }),
      );
    writeFileSync(path.join(dir, 'train.bin'), bytes);
    writeManifest(TOKENIZER_ID, sha256);
    assert.deepEqual(readCorpusSplit(dir, 'train'), tokens);
    writeManifest('another-tokenizer', sha256);
    assert.throws(() => readCorpusSplit(dir, 'train'), /another-tokenizer/);
    writeManifest(TOKENIZER_ID, '0'.repeat(64));
    assert.throws(() => readCorpusSplit(dir, 'train'), /does not match/);
    assert.throws(() => readCorpusSplit(dir, 'qa'), /no split/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
