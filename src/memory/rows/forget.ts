// Forget and supersede on the live model: the store works out which rows to put back (its rules:
// base / exact / delta, see storeState.ts and README.md "Forget and overlapping notes") and records
// the operation; these functions apply its row updates to the model's value table, so model and
// store never disagree. Forgetting the latest writer of some rows gives back the table as it was
// before that write, bit for bit.

import type { MemoryStore, ForgetOptions } from '../store/memoryStore';
import type { ForgetOutcome } from '../store/state';
import { applyRowUpdates, valueTableOf } from './valueTable';
import type { LanguageModel } from '../../model/languageModel';
import { MemoryWriter, rememberNote, RememberRequest, RememberResult, TrainOptions } from './rowWriter';

/** Forgets a live note in the store and restores its rows in the model. */
export async function forgetNote(
  store: MemoryStore,
  model: LanguageModel,
  id: string,
  options: ForgetOptions = {},
): Promise<ForgetOutcome> {
  const table = valueTableOf(model);
  return store.transaction(async ({ updates }) => {
    applyRowUpdates(table, updates);
    const outcome = await store.forget(id, options);
    applyRowUpdates(table, outcome.updates);
    return outcome;
  });
}

export interface SupersedeResult {
  /** The new note's write. */
  readonly written: RememberResult;
  /** How the old note's rows were restored. */
  readonly restored: ForgetOutcome;
}

/**
 * Replaces a note: writes the new one first (so a failed or cancelled write leaves the old note
 * in place), then marks the old one superseded, which restores its rows by the store's delta
 * rule: rows both notes changed keep the new note's change and lose the old one's.
 */
export async function supersedeNote(
  store: MemoryStore,
  writer: MemoryWriter,
  oldId: string,
  request: RememberRequest,
  options: Omit<TrainOptions, 'owned'> = {},
): Promise<SupersedeResult> {
  const table = valueTableOf(writer.model);
  return store.transaction(async ({ updates }) => {
    applyRowUpdates(table, updates);
    const old = store.getNote(oldId);
    if (!old || old.state !== 'live') throw new RangeError(`note ${oldId} is not a live note, so nothing can supersede it`);
    const written = await rememberNote(store, writer, request, options);
    const restored = await store.supersede(oldId, written.note.id);
    applyRowUpdates(table, restored.updates);
    return { written, restored };
  });
}
