// A second real checkpoint for upgrade tests: the given one's weights with a small seeded
// multiplicative perturbation, saved as a shipped (fp16) checkpoint in a temporary directory with
// its own manifest and sha256, so its model id and hash differ. Its slot statistics and note-slot
// background are the source's (they describe the same data; the perturbation is small).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpoint, saveCheckpoint, writeCitationStatistics, writeNoteSlotBackground } from '../model/checkpoint';
import type { Parameters } from '../model/parameters';

/** Deterministic: the same source, seed and scale give the same bytes (and sha256). */
export function deriveCheckpoint(sourceDir: string, options: { readonly seed: number; readonly scale: number }): string {
  const source = loadCheckpoint(sourceDir);
  const { manifest } = source;
  let state = options.seed >>> 0 || 1;
  const uniform = () => {
    // xorshift32: a fixed stream per seed.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const parameters: Parameters = new Map();
  for (const [name, tensor] of source.parameters) {
    const data = tensor.data.map(v => v * (1 + options.scale * (2 * uniform() - 1)));
    parameters.set(name, { shape: tensor.shape, data });
  }
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-derived-model-')), 'model');
  saveCheckpoint(dir, {
    kind: 'shipped',
    config: manifest.config,
    tokenizer: manifest.tokenizer,
    parameters,
    // One step more: the model id (which names the step) differs as well as the hash.
    training: { ...manifest.training, steps: manifest.training.steps + 1 },
    ...(source.slotDocumentFrequency && manifest.slotStatistics
      ? {
          slotDocumentFrequency: {
            counts: source.slotDocumentFrequency,
            batches: manifest.slotStatistics.batches,
            tokensPerBatch: manifest.slotStatistics.tokensPerBatch,
          },
        }
      : {}),
  });
  if (source.citationDocumentFrequency && manifest.citationStatistics) {
    writeCitationStatistics(
      dir,
      source.citationDocumentFrequency,
      manifest.citationStatistics.documents,
      manifest.citationStatistics.tokensPerDocument,
    );
  }
  if (source.noteSlotBackground) writeNoteSlotBackground(dir, source.noteSlotBackground);
  return dir;
}
