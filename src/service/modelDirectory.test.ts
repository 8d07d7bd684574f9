// A model directory the service can run: the keyed note memory is required (notes are learned and
// cited there), and a checkpoint without it is refused with what to do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeModel, loadModel } from './modelDirectory';
import { createTinyModelDir } from './tinyModelFixture';
import { NotReadyError } from './workerErrors';

test('a model without the keyed note memory is refused up front, with a hint', () => {
  const dir = createTinyModelDir(7, undefined, { noteSlots: false });
  assert.throws(
    () => describeModel(dir),
    (error: unknown) =>
      error instanceof NotReadyError && /no keyed note memory/.test(error.message) && /note-slots\.safetensors/.test(error.message),
  );
});

test('a model with the keyed note memory loads it, empty', async () => {
  const loaded = loadModel(describeModel(createTinyModelDir(7)));
  assert.equal(loaded.noteSlots.size, 0);
  await loaded.model.dispose();
});
