// Opening a store written with another base model: instead of refusing it (ModelMismatchError),
// the service loads the new model and re-learns every live note from its text into it
// (memory/store/upgrade.ts keeps the old store whole until the new one is complete and resumes an
// interrupted upgrade). Progress goes out as `upgrading` events, one per note.

import type { NoteRecord } from '../memory/note';
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
}

/** What re-learning needs from the service: the loaded model and a writer for it. */
export interface Learner {
  load(): LoadedModel;
  writer(loaded: LoadedModel): MemoryWriter;
}

/** Opens the store; if another model wrote it, re-learns its notes with `model` first. */
export async function openStore(dir: string, model: ModelDescription, recover: boolean, learner: Learner, context: UpgradeContext = {}): Promise<OpenedStore> {
  try {
    const store = await MemoryStore.open(dir, { model: model.binding, recover });
    // The store is this model's: a staging store for this model is a committed upgrade's leftover.
    await removeCommittedStaging(dir, model.binding);
    return { store, loaded: null, upgrade: null };
  } catch (error) {
    if (!(error instanceof ModelMismatchError)) throw error;
    context.progress?.({ stage: 'loading-model', message: `The notes were written with "${error.storeModel.id}": loading "${model.identity.id}" to re-learn them` });
    const loaded = learner.load();
    const upgrade = await upgradeStore(dir, model.binding, relearnHooks(loaded, learner.writer(loaded), context));
    // The upgraded store opens like any other (recover applies to it as usual).
    return { store: await MemoryStore.open(dir, { model: model.binding, recover }), loaded, upgrade };
  }
}

/** Re-learns an export written with another model into an export of `loaded`'s model, in `workDir`. */
export async function relearnExport(source: DecodedSnapshot, loaded: LoadedModel, writer: MemoryWriter, workDir: string, context: UpgradeContext = {}): Promise<string> {
  const result = await upgradeExport(source, loaded.description.binding, workDir, relearnHooks(loaded, writer, context));
  return result.file;
}

function relearnHooks(loaded: LoadedModel, writer: MemoryWriter, context: UpgradeContext): RelearnHooks {
  const table = valueTableOf(loaded.model);
  return {
    signal: context.signal,
    // The writer trains on the live table: make it the staging store's rows (base plus what is
    // learned so far, after a resume), so every write starts where the staging store is.
    begin: (staging) => {
      table.data.set(loaded.baseValues);
      applyRowUpdates(table, [...staging.changedRows()].map(([slot, row]) => ({ slot, row })));
    },
    progress: (done, of, note) =>
      context.progress?.({ stage: 'upgrading', message: `Re-learning note ${done + 1} of ${of} with the new model (${note.id})`, fraction: done / Math.max(1, of) }),
    relearn: async (staging: MemoryStore, note: NoteRecord, signal?: AbortSignal) => {
      await rememberNote(staging, writer, { id: note.id, text: note.text, kind: note.kind, author: note.author, created: note.created }, { signal });
    },
  };
}
