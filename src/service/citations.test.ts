// Tests of citations: ranking by sqrt(read weight) x idf^2.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackgroundSlotStats } from '../memory/rows/backgroundStats';
import type { NoteId } from '../memory/note';
import { CitationIndex } from '../memory/citations/citationIndex';
import { asCitations, citationsOf, citedNotes, shareCitations } from './citations';

const id = (s: string) => s as NoteId;
/** Ownership of notes that wrote these slots (no footprints). */
function ownershipOf(notes: Record<string, number[]>) {
  const index = new CitationIndex();
  index.sync(Object.entries(notes).map(([note, slots]) => ({ id: id(note), slots })));
  return index.ownership();
}

test('citations: a note is credited by sqrt(read weight) times the slot\'s squared idf; a shared slot credits every owner', () => {
  const ownership = ownershipOf({ a: [1, 3], b: [2, 3] });

  // 100 background batches: slot 1 read by 90 of them (common), slot 2 by 0 (rare), slot 3 by 9.
  const background: BackgroundSlotStats = { batches: 100, documentFrequency: Int32Array.from([0, 90, 0, 9]) };
  const idf = (df: number) => Math.log(101 / (df + 1));
  const reads = [
    { slots: Int32Array.from([1, 0]), weights: Float32Array.from([0.5, 0.5]) },
    { slots: Int32Array.from([2, 3]), weights: Float32Array.from([0.3, 0.1]) },
  ];
  const cited = citationsOf(reads, ownership, 5, background);
  const a = Math.sqrt(0.5) * idf(90) ** 2 + Math.sqrt(0.1) * idf(9) ** 2;
  const b = Math.sqrt(0.3) * idf(0) ** 2 + Math.sqrt(0.1) * idf(9) ** 2;
  // By read weight alone a (0.6) would lead b (0.4); the rare slot b wrote makes b the better evidence.
  assert.deepEqual(cited.map((c) => c.noteId), ['b', 'a']);
  assert.ok(Math.abs(cited[0]!.weight - b / (a + b)) < 1e-6);
  assert.ok(Math.abs(cited[0]!.weight + cited[1]!.weight - 1) < 1e-6);
  assert.deepEqual(citationsOf(reads, ownership, 1, background).map((c) => c.noteId), ['b']);
  assert.deepEqual(citationsOf([{ slots: Int32Array.from([0]), weights: Float32Array.from([1]) }], ownership, 5, background), []);
  assert.deepEqual(citationsOf([], ownership, 5, background), []);
});

test('citations: a slot read again and again counts less each time (sqrt of its summed read weight)', () => {
  const ownership = ownershipOf({ x: [5], y: [6, 7, 8] });
  const background: BackgroundSlotStats = { batches: 100, documentFrequency: new Int32Array(9) };
  const read = (slot: number) => ({ slots: Int32Array.from([slot]), weights: Float32Array.from([1]) });
  // x's one slot is read at four positions (a repeated word), y's three slots once each: linear
  // credit would rank x first (4 vs 3), sqrt ranks y (2 vs 3).
  const cited = citationsOf([read(5), read(5), read(5), read(5), read(6), read(7), read(8)], ownership, 5, background);
  assert.deepEqual(cited.map((c) => c.noteId), ['y', 'x']);
  assert.ok(Math.abs(cited[0]!.weight - 3 / 5) < 1e-9);
});

test("citations: a rendering's reads add to the pass's, slot by slot, before the sqrt", () => {
  const ownership = ownershipOf({ x: [5], y: [6] });
  const background: BackgroundSlotStats = { batches: 100, documentFrequency: new Int32Array(9) };
  const asked = [{ slots: Int32Array.from([5, 6]), weights: Float32Array.from([0.5, 0.4]) }];
  assert.deepEqual(citationsOf(asked, ownership, 5, background).map((c) => c.noteId), ['x', 'y']);
  // The lowercased question reads y's slot again and a slot nobody owns: y overtakes x.
  const lowercased = { positions: 1, heads: 1, topK: 2, slots: Int32Array.from([6, 0]), weights: Float32Array.from([0.4, 0.6]) };
  const cited = asCitations(citedNotes(asked, ownership, background, [lowercased]));
  assert.deepEqual(cited.map((c) => c.noteId), ['y', 'x']);
  assert.ok(Math.abs(cited[0]!.weight - Math.sqrt(0.8) / (Math.sqrt(0.8) + Math.sqrt(0.5))) < 1e-6);
});

test('citations: the weights of the notes kept sum to 1 when more notes were cited', () => {
  const ownership = ownershipOf({ a: [1], b: [2], c: [3] });
  const background: BackgroundSlotStats = { batches: 100, documentFrequency: new Int32Array(4) };
  const reads = [{ slots: Int32Array.from([1, 2, 3]), weights: Float32Array.from([0.64, 0.25, 0.11]) }];
  const two = citationsOf(reads, ownership, 2, background);
  assert.deepEqual(two.map((c) => c.noteId), ['a', 'b']);
  assert.ok(Math.abs(two[0]!.weight - 0.8 / (0.8 + 0.5)) < 1e-6);
  assert.ok(Math.abs(two[0]!.weight + two[1]!.weight - 1) < 1e-9);
});

test('citations: keyed reads cite by share of the read mass, best first; shares under 2% dropped, the rest sum to 1', () => {
  const cited = shareCitations(new Map([[id('a'), 3], [id('b'), 6.5], [id('c'), 0.1], [id('d'), 0], [id('e'), 0.4]]));
  assert.deepEqual(cited.map((c) => c.noteId), ['b', 'a', 'e']);
  const total = cited.reduce((sum, c) => sum + c.weight, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
  assert.ok(Math.abs(cited[0]!.weight - 6.5 / 9.9) < 1e-12);
  assert.ok(cited.every((c) => Math.round(c.weight * 100) >= 1), 'no row shows 0%');
  assert.deepEqual(shareCitations(new Map()), []);
  assert.deepEqual(shareCitations(new Map([[id('a'), 0]])), []);
  assert.deepEqual(shareCitations(new Map([[id('a'), 1], [id('b'), 1], [id('c'), 1]]), 2).map((c) => c.weight), [0.5, 0.5]);
});
