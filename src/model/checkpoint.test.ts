import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpoint, saveCheckpoint, writeNoteSlotBackground, writeSlotStatistics } from './checkpoint';
import { tinyConfig } from './config';
import { initParameters } from './parameters';

const training = { steps: 10, tokens: 1000, seed: 1, heldoutLoss: 3.5, heldoutTokenAccuracy: 0.3, elapsedSeconds: 2 };

function temporaryDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-checkpoint-'));
}

test('a training checkpoint round-trips parameters and optimiser state exactly', () => {
  const dir = path.join(temporaryDir(), 'ckpt');
  const parameters = initParameters(tinyConfig, 3);
  const optimizerState = new Map([['m/tok_emb', new Float32Array([1, 2, 3])]]);
  saveCheckpoint(dir, {
    kind: 'training',
    config: tinyConfig,
    tokenizer: 'tok-1',
    parameters,
    training,
    optimizerState,
    optimizer: { step: 10 },
  });
  const loaded = loadCheckpoint(dir, 'tok-1');
  for (const [name, tensor] of parameters) assert.deepEqual(loaded.parameters.get(name)!.data, tensor.data, name);
  assert.deepEqual(loaded.optimizerState.get('m/tok_emb'), new Float32Array([1, 2, 3]));
  assert.deepEqual(loaded.manifest.optimizer, { step: 10 });
  assert.equal(loaded.manifest.training.heldoutLoss, 3.5);
});

test('a shipped checkpoint stores fp16 and comes back within fp16 precision', () => {
  const dir = path.join(temporaryDir(), 'shipped');
  const parameters = initParameters(tinyConfig, 3);
  const manifest = saveCheckpoint(dir, { kind: 'shipped', config: tinyConfig, tokenizer: 'tok-1', parameters, training });
  assert.equal(manifest.weights.dtype, 'F16');
  const loaded = loadCheckpoint(dir);
  const original = parameters.get('tok_emb')!.data;
  const back = loaded.parameters.get('tok_emb')!.data;
  for (let i = 0; i < original.length; i++) assert.ok(Math.abs(back[i]! - original[i]!) <= Math.abs(original[i]!) * 2 ** -11 + 1e-7);
  assert.equal(loaded.optimizerState.size, 0);
});

test('loading refuses a weights file whose sha256 differs from the manifest', () => {
  const dir = path.join(temporaryDir(), 'tampered');
  const manifest = saveCheckpoint(dir, {
    kind: 'shipped',
    config: tinyConfig,
    tokenizer: 'tok-1',
    parameters: initParameters(tinyConfig, 3),
    training,
  });
  const file = path.join(dir, manifest.weights.file);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(file, bytes);
  assert.throws(() => loadCheckpoint(dir), /sha256 .* but manifest\.json expects .* refused/);
});

test('loading refuses another tokenizer', () => {
  const dir = path.join(temporaryDir(), 'tok');
  saveCheckpoint(dir, { kind: 'shipped', config: tinyConfig, tokenizer: 'tok-1', parameters: initParameters(tinyConfig, 3), training });
  assert.throws(() => loadCheckpoint(dir, 'tok-2'), /tokenizer "tok-1".*"tok-2"/);
});

test('slot statistics are stored beside the weights and verified', () => {
  const dir = path.join(temporaryDir(), 'df');
  saveCheckpoint(dir, { kind: 'shipped', config: tinyConfig, tokenizer: 'tok-1', parameters: initParameters(tinyConfig, 3), training });
  const counts = new Int32Array(64).map((_, i) => i);
  writeSlotStatistics(dir, counts, 1000, 4096);
  const loaded = loadCheckpoint(dir);
  assert.deepEqual(loaded.slotDocumentFrequency, counts);
  assert.equal(loaded.manifest.slotStatistics!.batches, 1000);
});

test("the keyed note memory's background is stored beside the weights, verified, and absent until written", () => {
  const dir = path.join(temporaryDir(), 'note-slots');
  saveCheckpoint(dir, { kind: 'shipped', config: tinyConfig, tokenizer: 'tok-1', parameters: initParameters(tinyConfig, 3), training });
  assert.equal(loadCheckpoint(dir).noteSlotBackground, null);
  const background = {
    wordDocumentFrequency: new Int32Array(256).map((_, i) => i % 7),
    documents: 40,
    stateCentre: new Float32Array(tinyConfig.dModel).map((_, i) => i / 10),
  };
  writeNoteSlotBackground(dir, background);
  const loaded = loadCheckpoint(dir);
  assert.deepEqual(loaded.noteSlotBackground, background);
  const file = path.join(dir, loaded.manifest.noteSlotBackground!.file);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1]! ^= 1;
  fs.writeFileSync(file, bytes);
  assert.throws(() => loadCheckpoint(dir), /sha256/);
});
