// The model a service runs: a checkpoint directory (native/model when shipped, or a training
// checkpoint under runs/ while there is none). Its identity comes from the manifest alone, so a
// store can be opened and checked against it without loading the weights; the weights load later,
// on the first request that needs them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackgroundSlotStats, backgroundStatsOf, noBackgroundStats } from '../memory/rows/backgroundStats';
import type { ModelBinding } from '../memory/store/memoryStore';
import { defaultNoteSlotSettings, NoteSlotMemory, NoteSlotSettings } from '../memory/keyed/noteSlots';
import { valueTableOf } from '../memory/rows/valueTable';
import { parameterNames } from '../model/parameters';
import { loadCheckpoint, readManifest } from '../model/checkpoint';
import { memorySlots, ModelConfig } from '../model/config';
import { LanguageModel } from '../model/languageModel';
import { loadTokenizer, Tokenizer, TOKENIZER_ID } from '../model/tokenizer';
import type { ModelIdentity } from './protocol';
import { NotReadyError } from './workerErrors';

export interface ModelDescription {
  readonly dir: string;
  readonly identity: ModelIdentity;
  /** What a memory store records about the model it was written with. */
  readonly binding: ModelBinding;
  readonly config: ModelConfig;
}

export interface LoadedModel {
  readonly description: ModelDescription;
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly background: BackgroundSlotStats;
  /** The value table as the checkpoint holds it, before any note: the `none`/`prompt` modes read it. */
  readonly baseValues: Float32Array;
  /** The keyed note memory, empty until the service fills it (describeModel refuses a checkpoint
   *  without its background). */
  readonly noteSlots: NoteSlotMemory;
}

/** Reads the manifest; throws NotReadyError with a hint when the directory holds no usable model. */
export function describeModel(dir: string): ModelDescription {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(path.join(resolved, 'manifest.json'))) {
    throw new NotReadyError(
      `No model in ${resolved} (no manifest.json).`,
      'Point --model at a checkpoint directory (a training checkpoint under runs/<name>/ckpt-* works), or export one to native/model with scripts/train/exportShipped.ts.',
    );
  }
  const manifest = readManifest(resolved);
  if (manifest.tokenizer !== TOKENIZER_ID) {
    throw new NotReadyError(
      `The model in ${resolved} was trained with tokenizer "${manifest.tokenizer}"; this mnemo uses "${TOKENIZER_ID}".`,
      'Use a model exported by this version of mnemo.',
    );
  }
  const config = manifest.config;
  if (config.memoryKind !== 'pkm') {
    throw new NotReadyError(
      `The model in ${resolved} has no memory layer (memoryKind "${config.memoryKind}").`,
      'Use a checkpoint of a memory model.',
    );
  }
  // Notes are learned and read in the keyed note memory: a checkpoint without its background
  // (note-slots.safetensors) could neither remember nor cite.
  if (!manifest.noteSlotBackground) {
    throw new NotReadyError(
      `The model in ${resolved} has no keyed note memory (no note-slots.safetensors in its manifest).`,
      'Use native/model, or add the background to the checkpoint with scripts/train/exportShipped.ts.',
    );
  }
  const identity: ModelIdentity = {
    id: `mnemo-${manifest.kind}-d${config.dModel}-l${config.nLayers}-s${memorySlots(config)}-step${manifest.training.steps}`,
    sha256: manifest.weights.sha256,
  };
  return { dir: resolved, identity, config, binding: { ...identity, rowWidth: config.dModel, slotCount: memorySlots(config) } };
}

/** Loads weights (checking every sha256), tokenizer and slot statistics. Takes a second or two. */
export function loadModel(description: ModelDescription, options: { noteSlots?: Partial<NoteSlotSettings> } = {}): LoadedModel {
  const checkpoint = loadCheckpoint(description.dir, TOKENIZER_ID);
  if (checkpoint.manifest.weights.sha256 !== description.identity.sha256) {
    throw new NotReadyError(`The model in ${description.dir} changed after the store was opened.`, 'Restart mnemo.');
  }
  const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
  const background = backgroundStatsOf(checkpoint) ?? noBackgroundStats(checkpoint.manifest.config);
  const tokenizer = loadTokenizer();
  const values = valueTableOf(model).data;
  const slotBackground = checkpoint.noteSlotBackground;
  if (!slotBackground)
    throw new NotReadyError(`The model in ${description.dir} has no keyed note memory (note-slots.safetensors).`, 'Use native/model.');
  const noteSlots = new NoteSlotMemory(
    { documents: slotBackground.documents, buckets: slotBackground.wordDocumentFrequency },
    {
      finalNormWeight: checkpoint.parameters.get(parameterNames.finalNorm)!.data,
      normEps: checkpoint.manifest.config.normEps,
      stateCentre: slotBackground.stateCentre,
    },
    { ...defaultNoteSlotSettings, ...options.noteSlots },
  );
  return { description, model, tokenizer, background, baseValues: values.slice(), noteSlots };
}
