// Which live notes a read of each slot cites (the slots a note wrote and its footprint), kept up to
// date note by note. Rebuilding the whole map after every write cost 274 ms at 1,000 footprinted
// notes (on the first question or completion after the write); sync() touches only the notes that
// came or went since the last call: a note's slots never change while it is live, and ids are never
// reused (storeState.checkWrite), so a note id names one fixed set of slots.

import type { NoteId, NoteRecord } from '../note';
import type { SlotClaim, SlotOwnership } from './provenance';

export class CitationIndex {
  private readonly bySlot = new Map<number, SlotClaim[]>();
  private readonly slotsOf = new Map<NoteId, readonly number[]>();

  /** Brings the index to exactly these live notes; returns how many notes were added and removed. */
  sync(liveNotes: readonly Pick<NoteRecord, 'id' | 'slots' | 'footprint'>[]): { added: number; removed: number } {
    const live = new Set<NoteId>();
    let added = 0;
    for (const note of liveNotes) {
      live.add(note.id);
      if (this.slotsOf.has(note.id)) continue;
      this.add(note.id, citedSlots(note));
      added++;
    }
    let removed = 0;
    for (const id of [...this.slotsOf.keys()]) {
      if (live.has(id)) continue;
      this.remove(id);
      removed++;
    }
    return { added, removed };
  }

  /** Slot -> the notes a read of it cites, for provenance.citeNotes. Live: later syncs change it. */
  ownership(): SlotOwnership {
    return this.bySlot;
  }

  private add(note: NoteId, slots: readonly number[]): void {
    // One claim object per note; 'specificity' does not weigh claims by row change (magnitude 1).
    const claim: SlotClaim = { note, magnitude: 1 };
    for (const slot of slots) {
      const claims = this.bySlot.get(slot);
      if (claims) claims.push(claim);
      else this.bySlot.set(slot, [claim]);
    }
    this.slotsOf.set(note, slots);
  }

  private remove(note: NoteId): void {
    for (const slot of this.slotsOf.get(note) ?? []) {
      const claims = this.bySlot.get(slot);
      if (!claims) continue;
      const at = claims.findIndex((c) => c.note === note);
      if (at >= 0) claims.splice(at, 1);
      if (claims.length === 0) this.bySlot.delete(slot);
    }
    this.slotsOf.delete(note);
  }
}

/** The slots a read of which cites the note: written ∪ footprint (old notes have no footprint). */
function citedSlots(note: Pick<NoteRecord, 'slots' | 'footprint'>): number[] {
  return [...new Set([...note.slots, ...(note.footprint ?? [])])];
}
