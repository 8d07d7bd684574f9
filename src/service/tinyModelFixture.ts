// A tiny random-init memory model saved as a real checkpoint directory, for tests of the service
// and the CLI: the real tokenizer's vocabulary (so text encodes as in production), a context long
// enough for a chat prompt, everything else small enough to write a note in well under a second.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countWordFrequencies } from '../memory/keyed/wordBag';
import { saveCheckpoint, writeNoteSlotBackground } from '../model/checkpoint';
import { ModelConfig, tinyConfig } from '../model/config';
import { initParameters } from '../model/parameters';
import { VOCAB_SIZE } from '../model/specialTokens';
import { TOKENIZER_ID } from '../model/tokenizer';

export const tinyServiceConfig: ModelConfig = { ...tinyConfig, vocabSize: VOCAB_SIZE, contextLength: 128 };

/** Writes the checkpoint into a fresh temporary directory and returns it, with the keyed note
 *  memory's background (word frequencies over a few lines, a zero state centre) unless `noteSlots`
 *  is false (a model the service refuses). */
export function createTinyModelDir(seed = 7, config: ModelConfig = tinyServiceConfig, options: { noteSlots?: boolean } = {}): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-tiny-model-')), 'model');
  saveCheckpoint(dir, {
    kind: 'training',
    config,
    tokenizer: TOKENIZER_ID,
    parameters: initParameters(config, seed),
    training: { steps: 0, tokens: 0, seed, heldoutLoss: null, heldoutTokenAccuracy: null, elapsedSeconds: 0 },
  });
  if (options.noteSlots ?? true) {
    const words = countWordFrequencies(
      ['const value = request.body;', 'import fs from "fs"; fs.readFileSync(file)', 'the value is returned to the caller'],
      1 << 12,
    );
    writeNoteSlotBackground(dir, {
      wordDocumentFrequency: words.buckets,
      documents: words.documents,
      stateCentre: new Float32Array(config.dModel),
    });
  }
  return dir;
}

export function tempStoreDir(prefix = 'mnemo-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
