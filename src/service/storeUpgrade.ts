// Opening a store written with another base model: instead of refusing it (ModelMismatchError),
// the service loads the new model and re-learns every live note from its text into it
// (memory/store/upgrade.ts keeps the old store whole until the new one is complete and resumes an
// interrupted upgrade). Progress goes out as `upgrading` events, one per note.

import type { NoteId, NoteRecord } from '../memory/note';
import { checkSecrets } from '../memory/intake/secrets';
import { ModelMismatchError } from '../memory/store/errors';
import { MemoryStore } from '../memory/store/memoryStore';
import { DecodedSnapshot } from '../memory/store/snapshot';
import { RelearnHooks, removeCommittedStaging, StoreUpgradeReport, upgradeExport, upgradeStore } from '../memory/store/upgrade';
import { MemoryWriter, rememberNote } from '../memory/rows/rowWriter';
import { applyRowUpdates, valueTableOf } from '../memory/rows/valueTable';
import type { LoadedModel, ModelDescription } from './modelDirectory';
import type { ProgressEvent } from './protocol';

export interface UpgradeContext {
  readonly signal?: AbortSignal;
  progress?(event: Omit<ProgressEvent, 'requestId'>): void;
}

export interface OpenedStore {
  readonly store: MemoryStore;
  /** The model, when re-learning needed it loaded (the service keeps it); null otherwise. */
  readonly loaded: LoadedModel | null;
  readonly upgrade: StoreUpgradeReport | null;
  /** Notes whose text now reads as holding a secret (a rule newer than the note): learned with it
   *  redacted; their records keep the text as it was. */
  readonly redacted: readonly NoteId[];
}

/** What re-learning needs from the service: the loaded model and a writer for it. */
export interface Learner {
  load(): LoadedModel;
  writer(loaded: LoadedModel): MemoryWriter;
}

/** Opens the store; if another model wrote it, re-learns its notes with `model` first. */
export async function openStore(
  dir: string,
  model: ModelDescription,
  recover: boolean,
  learner: Learner,
  context: UpgradeContext = {},
): Promise<OpenedStore> {
  try {
    const store = await MemoryStore.open(dir, { model: model.binding, recover });
    // The store is this model's: a staging store for this model is a committed upgrade's leftover.
    await removeCommittedStaging(dir, model.binding);
    return { store, loaded: null, upgrade: null, redacted: [] };
  } catch (error) {
    if (!(error instanceof ModelMismatchError)) throw error;
    context.progress?.({
      stage: 'loading-model',
      message: `The notes were written with "${error.storeModel.id}": loading "${model.identity.id}" to re-learn them`,
    });
    const loaded = learner.load();
    const redacted: NoteId[] = [];
    const upgrade = await upgradeStore(dir, model.binding, relearnHooks(loaded, learner.writer(loaded), context, redacted));
    // The upgraded store opens like any other (recover applies to it as usual).
    return { store: await MemoryStore.open(dir, { model: model.binding, recover }), loaded, upgrade, redacted };
  }
}

/** Re-learns an export written with another model into an export of `loaded`'s model, in `workDir`. */
export async function relearnExport(
  source: DecodedSnapshot,
  loaded: LoadedModel,
  writer: MemoryWriter,
  workDir: string,
  context: UpgradeContext = {},
): Promise<string> {
  const result = await upgradeExport(source, loaded.description.binding, workDir, relearnHooks(loaded, writer, context));
  return result.file;
}

function relearnHooks(loaded: LoadedModel, writer: MemoryWriter, context: UpgradeContext, redacted: NoteId[] = []): RelearnHooks {
  const table = valueTableOf(loaded.model);
  return {
    signal: context.signal,
    // The writer trains on the live table: make it the staging store's rows (base plus what is
    // learned so far, after a resume), so every write starts where the staging store is.
    begin: staging => {
      table.data.set(loaded.baseValues);
      applyRowUpdates(
        table,
        [...staging.changedRows()].map(([slot, row]) => ({ slot, row })),
      );
    },
    progress: (done, of, note) =>
      context.progress?.({
        stage: 'upgrading',
        message: `Re-learning note ${done + 1} of ${of} with the new model (${note.id})`,
        fraction: done / Math.max(1, of),
      }),
    relearn: async (staging: MemoryStore, note: NoteRecord, signal?: AbortSignal) => {
      // A note stored before a secret rule that now flags it cannot be written as it is (the store
      // refuses secrets), and refusing would lock the user out of every note: its rows are learned
      // with the secret redacted, its record keeps the text as the old store had it.
      const check = checkSecrets(note.text, 'redact');
      const text = check.kind === 'redacted' ? check.text : note.text;
      if (check.kind === 'redacted') redacted.push(note.id);
      await rememberNote(staging, writer, { id: note.id, text, kind: note.kind, author: note.author, created: note.created }, { signal });
    },
  };
}
