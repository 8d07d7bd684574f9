import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryReads } from '../../model/languageModel';
import { formatFile } from '../../model/chatFormat';
import { loadTokenizer } from '../../model/tokenizer';
import type { NoteId } from '../note';
import { CitationIndex } from './citationIndex';
import { citeNotes, ProvenanceIndex } from './provenance';
import { MemoryWriter } from '../rows/rowWriter';
import { writeRows, valueTableOf } from '../rows/valueTable';
import { writerTestBackground, writerTestModel } from '../rows/writerTestModel';

const id = (s: string) => s as NoteId;

/** 2 positions x 1 head x 3 ranks. */
const reads: MemoryReads = {
  positions: 2,
  heads: 1,
  topK: 3,
  slots: Int32Array.from([1, 2, 3, 1, 4, 5]),
  weights: Float32Array.from([0.5, 0.25, 0.25, 0.125, 0.375, 0.5]),
};

function rowsWithChange(slots: number, width: number, sizes: number[]): { prev: Float32Array; next: Float32Array } {
  const prev = new Float32Array(slots * width);
  const next = new Float32Array(slots * width);
  sizes.forEach((size, i) => (next[i * width] = size)); // |next - prev| of row i = size
  return { prev, next };
}

test('notes are ranked by the read weight on their slots times how far they moved those rows', () => {
  const index = new ProvenanceIndex();
  const a = rowsWithChange(2, 2, [1, 1]);
  index.addWrite(id('a'), [1, 2], a.prev, a.next, 2);
  const b = rowsWithChange(2, 2, [4, 1]);
  index.addWrite(id('b'), [4, 5], b.prev, b.next, 2);
  // a: 0.5 + 0.25 + 0.125 on slots 1, 2, 1 (magnitude 1) = 0.875; b: 0.375 * 4 + 0.5 * 1 = 2.
  const cited = citeNotes(reads, index.ownership());
  assert.deepEqual(cited.map((c) => c.note), ['b', 'a']);
  assert.ok(Math.abs(cited[0]!.score - 2) < 1e-6 && Math.abs(cited[1]!.score - 0.875) < 1e-6);
  assert.ok(Math.abs(cited[0]!.share + cited[1]!.share - 1) < 1e-9);
  // Counting read weight alone: a 0.875, b 0.875 -> a tie, broken by id.
  const byReads = citeNotes(reads, index.ownership(), { weighting: 'reads' });
  assert.deepEqual(byReads.map((c) => [c.note, c.score]), [['a', 0.875], ['b', 0.875]]);
  assert.equal(citeNotes(reads, index.ownership(), { limit: 1 }).length, 1);

  index.remove(id('b'));
  assert.deepEqual(citeNotes(reads, index.ownership()).map((c) => c.note), ['a']);
  assert.deepEqual(citeNotes({ ...reads, slots: Int32Array.from([7, 7, 7, 7, 7, 7]) }, index.ownership()), []);
  assert.throws(() => index.addWrite(id('c'), [1], new Float32Array(1), new Float32Array(1), 2), /need 2 floats/);
});

test('shared slots credit every owner; several passes add up; the citation index needs no rows', () => {
  const index = new CitationIndex();
  index.sync([{ id: id('a'), slots: [1] }, { id: id('b'), slots: [1, 5] }]);
  const cited = citeNotes([reads, reads], index.ownership());
  // a: slot 1 read 0.5 + 0.125 per pass; b: the same plus slot 5's 0.5.
  assert.deepEqual(cited.map((c) => [c.note, c.score]), [['b', 2.25], ['a', 1.25]]);
  const rows = rowsWithChange(1, 2, [3]);
  const rebuilt = ProvenanceIndex.fromContributions([{ noteId: id('c'), slots: [5], ...rows }], 2);
  assert.deepEqual(rebuilt.ownership().get(5), [{ note: 'c', magnitude: 3 }]);
});

test('after two writes, reading one note\'s text cites that note first', async () => {
  const tokenizer = loadTokenizer();
  const model = writerTestModel(31);
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings: { slots: 6, learningRate: 100, maxSteps: 2, lossThreshold: 0, maxSequences: 16, rowScaling: 'none', candidateTokens: 0 } });
  const table = valueTableOf(model);
  const index = new ProvenanceIndex();
  const notes = [
    { id: id('pnpm'), text: 'Use pnpm, not npm, in the monorepo: the lockfile is pnpm-lock.yaml.' },
    { id: id('retry'), text: 'Webhooks retry 7 times with exponential backoff capped at 30 minutes.' },
  ];
  for (const note of notes) {
    const write = await writer.train(note);
    writeRows(table, write.slots, write.next);
    index.addWrite(note.id, write.slots, write.prev, write.next, table.rowWidth);
  }
  for (const note of notes) {
    const { reads } = await model.extend(model.newCache(), formatFile(tokenizer, 'NOTES.md', `${note.text}\n`));
    const cited = citeNotes(reads!, index.ownership());
    assert.equal(cited[0]?.note, note.id, JSON.stringify(cited));
  }
  await writer.dispose();
  await model.dispose();
});
