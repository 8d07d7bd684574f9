// The states of notes put as questions (promptStates.ts), for re-weighing citations. Computed on a
// note's first citation and kept for the most recently cited notes: a note's states depend only on
// its text and the layers below the memory, which writes never change, note ids are never reused,
// and a service loads its model once (a cache lives as long as its service). About 80 KB a note
// (two renderings of ~40 positions x 256 floats), so the cache is bounded.

import type { NoteId } from '../memory/note';
import type { States } from '../memory/citations/stateSimilarity';

export const NOTE_STATE_CACHE_NOTES = 256;

export class NoteStateCache {
  private readonly states = new Map<NoteId, States>();

  constructor(private readonly capacity = NOTE_STATE_CACHE_NOTES) {}

  /** The note's states, computed by `compute` unless cached; the note becomes the most recent. */
  async get(id: NoteId, compute: () => Promise<States>): Promise<States> {
    const cached = this.states.get(id);
    if (cached) {
      this.states.delete(id);
      this.states.set(id, cached);
      return cached;
    }
    const states = await compute();
    this.states.set(id, states);
    while (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
    return states;
  }

  get size(): number {
    return this.states.size;
  }
}
