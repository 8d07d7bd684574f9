import test from 'node:test';
import assert from 'node:assert/strict';
import { CitationIndex } from './citationIndex';
import type { NoteId } from '../note';

type Live = { id: NoteId; slots: number[]; footprint?: number[] };

/** Slot -> sorted note ids, as a plain object, from the index or rebuilt from scratch. */
function snapshot(ownership: ReadonlyMap<number, readonly { note: NoteId }[]>): Record<number, string> {
  return Object.fromEntries([...ownership].sort(([a], [b]) => a - b).map(([slot, claims]) => [slot, claims.map((c) => c.note).sort().join()]));
}
function fromScratch(notes: readonly Live[]): Record<number, string> {
  const owners = new Map<number, { note: NoteId }[]>();
  for (const n of notes) for (const slot of new Set([...n.slots, ...(n.footprint ?? [])])) owners.set(slot, [...(owners.get(slot) ?? []), { note: n.id }]);
  return snapshot(owners);
}

test('citation index: written and footprint slots, each note once per slot; a note without footprint cites its written slots', () => {
  const index = new CitationIndex();
  const a: Live = { id: 'a' as NoteId, slots: [1, 2], footprint: [1, 7, 9] };
  const b: Live = { id: 'b' as NoteId, slots: [2, 3] };
  assert.deepEqual(index.sync([a, b]), { added: 2, removed: 0 });
  assert.deepEqual(snapshot(index.ownership()), { 1: 'a', 2: 'a,b', 3: 'b', 7: 'a', 9: 'a' });
  assert.deepEqual(index.sync([b]), { added: 0, removed: 1 });
  assert.deepEqual(snapshot(index.ownership()), { 2: 'b', 3: 'b' });
  assert.deepEqual(index.sync([]), { added: 0, removed: 1 });
  assert.equal(index.ownership().size, 0);
});

test('citation index: after any sequence of syncs it equals the map rebuilt from the live notes', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const slotsOf = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 40));
  const index = new CitationIndex();
  const live: Live[] = [];
  let next = 0;
  for (let round = 0; round < 200; round++) {
    if (live.length > 0 && random() < 0.4) live.splice(Math.floor(random() * live.length), 1);
    else live.push({ id: `n${next++}` as NoteId, slots: [...new Set(slotsOf(3))].sort((x, y) => x - y), ...(random() < 0.8 ? { footprint: slotsOf(6) } : {}) });
    if (random() < 0.7) index.sync(live);
    else continue;
    assert.deepEqual(snapshot(index.ownership()), fromScratch(live), `round ${round}`);
  }
  index.sync(live);
  assert.deepEqual(snapshot(index.ownership()), fromScratch(live));
});
