// The memory store's state in memory, and the pure operations on it: write a note's rows, forget
// or supersede a note (restoring rows), and diff two states into row updates for the live model.
//
// Invariants: `rows` holds the current value of every slot some live note touched and `base` the
// model's original value of the same slots (captured from the first write's "prev"); each live
// note has a contribution (its slots, prev rows, next rows) in write order. A slot no live note
// touches is dropped, so the model's own row applies again, bit for bit.
//
// Forget, per slot of the note:
//   base:  no other live note touches the slot -> the base row (exact).
//   exact: the row still equals the note's next row -> its prev row (exact; the common case of
//          forgetting the latest note on those rows).
//   delta: a later live note changed the row since -> row - (next - prev), in float32: the note's
//          own contribution is removed and the later notes' is kept. Later notes' prev/next on
//          that slot are shifted by the same amount so their own forget stays consistent.
//          With overlap policy "refuse", a delta slot fails the forget instead.

import type { NoteId, NoteRecord } from '../note';
import { ForgetConflictError, NoteIdTakenError, NoteNotFoundError, NoteStateError, StaleRowsError } from './errors';
import type { OverlapPolicy } from './records';

export interface Contribution {
  readonly noteId: NoteId;
  /** Ascending slot ids. */
  readonly slots: readonly number[];
  /** slots.length * rowWidth floats each. */
  readonly prev: Float32Array;
  readonly next: Float32Array;
}

/** A slot's new value for the live model's value table. */
export interface RowUpdate {
  readonly slot: number;
  readonly row: Float32Array;
}

export type RestoreHow = 'exact' | 'delta' | 'base';

export interface ForgetOutcome {
  readonly noteId: NoteId;
  readonly updates: readonly RowUpdate[];
  /** Slots by how they were restored. */
  readonly exact: readonly number[];
  readonly delta: readonly number[];
  readonly base: readonly number[];
}

export class StoreState {
  readonly notes = new Map<NoteId, NoteRecord>();
  readonly rows = new Map<number, Float32Array>();
  readonly base = new Map<number, Float32Array>();
  /** Insertion order is write order. */
  readonly contributions = new Map<NoteId, Contribution>();
  lastSeq = 0;

  constructor(
    readonly rowWidth: number,
    readonly slotCount: number,
  ) {}
}

export interface WriteData {
  /** A live note; note.slots ascending, unique. */
  readonly note: NoteRecord;
  readonly prev: Float32Array;
  readonly next: Float32Array;
}

/**
 * Throws if the write cannot be stored; changes nothing. `restoring`: the note brings back a
 * forgotten note of the same id (undo of a forget), whose tombstone it replaces in place.
 */
export function checkWrite(state: StoreState, data: WriteData, restoring = false): void {
  const { note, prev, next } = data;
  const existing = state.notes.get(note.id);
  if (restoring) {
    if (!existing) throw new NoteNotFoundError(note.id);
    if (existing.state !== 'forgotten') throw new NoteStateError(note.id, existing.state, 'restore');
  } else if (existing) {
    throw new NoteIdTakenError(note.id);
  }
  if (note.state !== 'live') throw new RangeError(`a new note must be live, not ${note.state}`);
  const slots = note.slots;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (!Number.isInteger(slot) || slot < 0 || slot >= state.slotCount) {
      throw new RangeError(`slot id ${slot} is outside the value table (0..${state.slotCount - 1})`);
    }
    if (i > 0 && slot <= slots[i - 1]!) throw new RangeError('slot ids must be ascending and unique');
  }
  for (const slot of note.footprint ?? []) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= state.slotCount) {
      throw new RangeError(`footprint slot ${slot} is outside the value table (0..${state.slotCount - 1})`);
    }
  }
  const expected = slots.length * state.rowWidth;
  if (prev.length !== expected || next.length !== expected) {
    throw new RangeError(`rows must hold ${slots.length} x ${state.rowWidth} floats, got prev ${prev.length} and next ${next.length}`);
  }
  for (let i = 0; i < next.length; i++) {
    if (!Number.isFinite(next[i]!)) {
      throw new RangeError(
        `new row of slot ${slots[Math.floor(i / state.rowWidth)]} holds ${next[i]}: the write diverged and was not stored`,
      );
    }
  }
  const stale: number[] = [];
  slots.forEach((slot, i) => {
    const current = state.rows.get(slot);
    if (current && !bitsEqual(current, rowOf(prev, i, state.rowWidth))) stale.push(slot);
  });
  if (stale.length > 0) throw new StaleRowsError(stale);
}

export function applyWrite(state: StoreState, data: WriteData): RowUpdate[] {
  const { note, prev, next } = data;
  const d = state.rowWidth;
  const updates: RowUpdate[] = [];
  note.slots.forEach((slot, i) => {
    if (!state.rows.has(slot)) state.base.set(slot, rowOf(prev, i, d).slice());
    const row = rowOf(next, i, d).slice();
    state.rows.set(slot, row);
    updates.push({ slot, row });
  });
  state.contributions.set(note.id, { noteId: note.id, slots: [...note.slots], prev: prev.slice(), next: next.slice() });
  state.notes.set(note.id, note);
  return updates;
}

interface SlotRestore {
  readonly slot: number;
  readonly how: RestoreHow;
  /** The restored row; undefined for 'base' (the base row, looked up at apply time). */
  readonly row?: Float32Array;
}

interface ContributionShift {
  readonly noteId: NoteId;
  readonly index: number;
  readonly prev: Float32Array;
  readonly next: Float32Array;
}

export interface ForgetPlan {
  readonly noteId: NoteId;
  readonly restores: readonly SlotRestore[];
  readonly shifts: readonly ContributionShift[];
}

/** Works out how forgetting `noteId` restores each of its rows; changes nothing. */
export function planForget(state: StoreState, noteId: NoteId, overlap: OverlapPolicy, operation = 'forget'): ForgetPlan {
  const note = state.notes.get(noteId);
  if (!note) throw new NoteNotFoundError(noteId);
  if (note.state !== 'live') throw new NoteStateError(noteId, note.state, operation);
  const own = state.contributions.get(noteId);
  if (!own) return { noteId, restores: [], shifts: [] };
  const d = state.rowWidth;
  const order = [...state.contributions.values()];
  const later = order.slice(order.indexOf(own) + 1);
  const touching = slotTouchers(order, own);

  const restores: SlotRestore[] = [];
  const shifts: ContributionShift[] = [];
  const conflictSlots: number[] = [];
  const conflictNotes = new Set<NoteId>();
  own.slots.forEach((slot, i) => {
    const prev = rowOf(own.prev, i, d);
    const next = rowOf(own.next, i, d);
    if ((touching.get(slot) ?? 0) === 0) {
      restores.push({ slot, how: 'base' });
      return;
    }
    const current = state.rows.get(slot)!;
    const exact = bitsEqual(current, next);
    if (exact) {
      restores.push({ slot, how: 'exact', row: prev.slice() });
    } else {
      restores.push({ slot, how: 'delta', row: subtractContribution(current, next, prev) });
    }
    for (const other of later) {
      const index = indexOfSlot(other.slots, slot);
      if (index < 0) continue;
      if (!exact) conflictNotes.add(other.noteId);
      shifts.push({
        noteId: other.noteId,
        index,
        prev: subtractContribution(rowOf(other.prev, index, d), next, prev),
        next: subtractContribution(rowOf(other.next, index, d), next, prev),
      });
    }
    if (!exact) conflictSlots.push(slot);
  });
  if (overlap === 'refuse' && conflictSlots.length > 0) throw new ForgetConflictError(noteId, [...conflictNotes], conflictSlots);
  return { noteId, restores, shifts };
}

export type ForgetFinalState = { readonly state: 'forgotten' } | { readonly state: 'superseded'; readonly by: NoteId };

export function applyForget(state: StoreState, plan: ForgetPlan, final: ForgetFinalState): ForgetOutcome {
  const d = state.rowWidth;
  const updates: RowUpdate[] = [];
  const byHow: Record<RestoreHow, number[]> = { exact: [], delta: [], base: [] };
  for (const restore of plan.restores) {
    byHow[restore.how].push(restore.slot);
    if (restore.how === 'base') {
      const base = state.base.get(restore.slot)!;
      state.rows.delete(restore.slot);
      state.base.delete(restore.slot);
      updates.push({ slot: restore.slot, row: base });
    } else {
      state.rows.set(restore.slot, restore.row!);
      updates.push({ slot: restore.slot, row: restore.row! });
    }
  }
  for (const shift of plan.shifts) {
    const other = state.contributions.get(shift.noteId)!;
    other.prev.set(shift.prev, shift.index * d);
    other.next.set(shift.next, shift.index * d);
  }
  state.contributions.delete(plan.noteId);
  const note = state.notes.get(plan.noteId)!;
  state.notes.set(
    plan.noteId,
    final.state === 'forgotten'
      ? { ...withoutFootprint(note), text: '', state: 'forgotten' }
      : { ...note, state: 'superseded', supersededBy: final.by },
  );
  return { noteId: plan.noteId, updates, exact: byHow.exact, delta: byHow.delta, base: byHow.base };
}

/** Checks a supersede: both notes live and distinct. */
export function checkSupersede(state: StoreState, oldId: NoteId, newId: NoteId): void {
  if (oldId === newId) throw new RangeError('a note cannot supersede itself');
  const newer = state.notes.get(newId);
  if (!newer) throw new NoteNotFoundError(newId);
  if (newer.state !== 'live') throw new NoteStateError(newId, newer.state, 'supersede with');
}

/** Links `newId` to the note it replaces (after applyForget marked the old one superseded). */
export function linkSupersede(state: StoreState, oldId: NoteId, newId: NoteId): void {
  const newer = state.notes.get(newId)!;
  state.notes.set(newId, { ...newer, supersedes: oldId });
}

/** Row updates that turn a model loaded with `before`'s rows into one with `after`'s. */
export function diffRows(before: StoreState, after: StoreState): RowUpdate[] {
  const updates: RowUpdate[] = [];
  for (const [slot, row] of after.rows) {
    const old = before.rows.get(slot);
    if (!old || !bitsEqual(old, row)) updates.push({ slot, row });
  }
  for (const [slot] of before.rows) {
    if (!after.rows.has(slot)) updates.push({ slot, row: before.base.get(slot)! });
  }
  return updates.sort((a, b) => a.slot - b.slot);
}

/** Which slot ids each live note owns, for the inspector: slot -> note ids in write order. */
export function slotOwners(state: StoreState): Map<number, NoteId[]> {
  const owners = new Map<number, NoteId[]>();
  for (const c of state.contributions.values()) {
    for (const slot of c.slots) {
      const list = owners.get(slot);
      if (list) list.push(c.noteId);
      else owners.set(slot, [c.noteId]);
    }
  }
  return owners;
}

/** A forgotten note keeps nothing derived from its text but the slots whose rows it restored. */
function withoutFootprint(note: NoteRecord): NoteRecord {
  const { footprint: _footprint, ...rest } = note;
  return rest;
}

export function rowOf(packed: Float32Array, index: number, width: number): Float32Array {
  return packed.subarray(index * width, (index + 1) * width);
}

/** Bitwise equality: -0 differs from 0 and NaN payloads count, as a restore must be exact. */
export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** row - (next - prev), each element rounded once to float32. */
function subtractContribution(row: Float32Array, next: Float32Array, prev: Float32Array): Float32Array {
  const out = new Float32Array(row.length);
  for (let j = 0; j < row.length; j++) out[j] = row[j]! - (next[j]! - prev[j]!);
  return out;
}

/** For each slot of `own`: how many other live contributions touch it. */
function slotTouchers(order: readonly Contribution[], own: Contribution): Map<number, number> {
  const ownSlots = new Set(own.slots);
  const counts = new Map<number, number>();
  for (const c of order) {
    if (c === own) continue;
    for (const slot of c.slots) if (ownSlots.has(slot)) counts.set(slot, (counts.get(slot) ?? 0) + 1);
  }
  return counts;
}

function indexOfSlot(slots: readonly number[], slot: number): number {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = slots[mid]!;
    if (value === slot) return mid;
    if (value < slot) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
