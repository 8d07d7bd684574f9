// Forget and supersede on a real model's value table through a real store (os.tmpdir()): the
// table after forgetting the latest note equals the table before it bit for bit; an earlier note
// forgotten under a later one follows the store's delta rule; forgetting everything gives back the
// base table bit for bit. The writer no longer moves rows, but stores written by earlier versions
// hold writes that did and must still be undone exactly: RowMovingWriter records such writes.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadTokenizer } from '../../model/tokenizer';
import { forgetNote, supersedeNote } from './forget';
import { MemoryStore } from '../store/memoryStore';
import { SecretFoundError } from '../intake/secrets';
import { ForgetConflictError } from '../store/errors';
import { bitsEqual } from '../store/state';
import { valueTableOf } from './valueTable';
import { MemoryWriter, NoteWrite, NoteWriteInput, rememberNote, TrainOptions } from './rowWriter';
import { writerTestBackground, writerTestConfig, writerTestModel } from './writerTestModel';

const tokenizer = loadTokenizer();
const C = writerTestConfig.dModel;
const binding = { id: 'writer-test-model', sha256: '0'.repeat(64), rowWidth: C, slotCount: writerTestConfig.pkm.nKeys ** 2 };
const settings = { slots: 20, maxSequences: 16 };

/** A write as an earlier version's trained rows left it: every chosen row moved, by an amount
 *  fixed by the write's order (deterministic, different per write). */
class RowMovingWriter extends MemoryWriter {
  private writes = 0;
  override async train(note: NoteWriteInput, options: TrainOptions = {}): Promise<NoteWrite> {
    const write = await super.train(note, options);
    const seed = ++this.writes;
    return { ...write, next: write.prev.map((v, i) => v + 0.01 * Math.sin(seed * 7.1 + i * 0.37)) };
  }
}
const noteA = {
  text: 'The billing service retries webhooks with the RETRY_BUDGET of 7 attempts, since Stripe drops them after an hour.',
  kind: 'decision' as const,
  author: 'test',
};
const noteB = {
  text: 'Use pnpm, not npm, in the monorepo: the lockfile is pnpm-lock.yaml and CI runs pnpm install --frozen-lockfile.',
  kind: 'convention' as const,
  author: 'test',
};
const noteC = {
  text: 'The billing service retries webhooks up to 12 times now, with exponential backoff capped at 30 minutes.',
  kind: 'decision' as const,
  author: 'test',
};

async function setup() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mnemo-forget-'));
  const store = await MemoryStore.open(dir, { model: binding });
  const model = writerTestModel(21);
  const writer = new RowMovingWriter(model, tokenizer, writerTestBackground(), { settings });
  const table = valueTableOf(model);
  const close = async () => {
    await writer.dispose();
    await model.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  };
  return { store, model, writer, table, close };
}

function rowOf(data: Float32Array, slot: number): Float32Array {
  return data.subarray(slot * C, (slot + 1) * C);
}

test('write A, write B, forget B: the table equals the table after A bit for bit; forget A: the base table', async () => {
  const { store, model, writer, table, close } = await setup();
  const base = table.data.slice();
  const a = await rememberNote(store, writer, { ...noteA, id: 'a' });
  const afterA = table.data.slice();
  assert.ok(!bitsEqual(afterA, base), 'writing A changed the table');
  a.write.slots.forEach((slot, i) => assert.ok(bitsEqual(rowOf(table.data, slot), a.write.next.subarray(i * C, (i + 1) * C))));
  const b = await rememberNote(store, writer, { ...noteB, id: 'b' });
  assert.ok(!bitsEqual(table.data, afterA));
  assert.ok(
    b.write.slots.some(slot => a.write.slots.includes(slot)),
    'the test needs overlapping notes',
  );

  const outcome = await forgetNote(store, model, 'b');
  assert.equal(outcome.delta.length, 0);
  assert.ok(bitsEqual(table.data, afterA), 'forgetting the latest note restores the table bit for bit');
  await forgetNote(store, model, 'a');
  assert.ok(bitsEqual(table.data, base));
  assert.equal(store.getNote('b')!.state, 'forgotten');
  await close();
});

test('forgetting an earlier note under a later one removes only its own change (delta rule), or refuses', async () => {
  const { store, model, writer, table, close } = await setup();
  const base = table.data.slice();
  const a = await rememberNote(store, writer, { ...noteA, id: 'a' });
  await rememberNote(store, writer, { ...noteB, id: 'b' });
  const afterB = table.data.slice();

  await assert.rejects(forgetNote(store, model, 'a', { overlap: 'refuse' }), ForgetConflictError);
  assert.ok(bitsEqual(table.data, afterB), 'a refused forget changes nothing');

  const outcome = await forgetNote(store, model, 'a');
  assert.ok(outcome.delta.length > 0);
  const b = store.getNote('b')!;
  a.write.slots.forEach((slot, i) => {
    const row = rowOf(table.data, slot);
    if (b.slots.includes(slot)) {
      // row - (next - prev), rounded once to float32: B's change stays, A's goes.
      const expected = Float32Array.from(rowOf(afterB, slot), (v, c) => v - (a.write.next[i * C + c]! - a.write.prev[i * C + c]!));
      assert.ok(bitsEqual(row, expected), `slot ${slot} follows the delta rule`);
    } else {
      assert.ok(bitsEqual(row, rowOf(base, slot)), `slot ${slot} only A wrote goes back to the base row`);
    }
  });
  for (const slot of b.slots.filter(s => !a.write.slots.includes(s))) assert.ok(bitsEqual(rowOf(table.data, slot), rowOf(afterB, slot)));
  await forgetNote(store, model, 'b');
  assert.ok(bitsEqual(table.data, base), 'forgetting every note, in any order, gives back the base table');
  await close();
});

test("supersede writes the new note, then restores the old note's rows; the new one keeps its change", async () => {
  const { store, model, writer, table, close } = await setup();
  const base = table.data.slice();
  const a = await rememberNote(store, writer, { ...noteA, id: 'a' });
  const afterA = table.data.slice();
  const { written, restored } = await supersedeNote(store, writer, 'a', { ...noteC, id: 'c' });
  assert.equal(store.getNote('a')!.state, 'superseded');
  assert.equal(store.getNote('a')!.supersededBy, 'c');
  assert.equal(store.getNote('c')!.supersedes, 'a');
  assert.equal(store.getNote('a')!.text, noteA.text, 'a superseded note keeps its text');
  const c = written.write;
  a.write.slots.forEach((slot, i) => {
    const j = c.slots.indexOf(slot);
    const expected =
      j < 0
        ? rowOf(base, slot)
        : Float32Array.from(c.next.subarray(j * C, (j + 1) * C), (v, k) => v - (a.write.next[i * C + k]! - a.write.prev[i * C + k]!));
    assert.ok(bitsEqual(rowOf(table.data, slot), expected), `slot ${slot}`);
  });
  assert.equal(restored.exact.length + restored.delta.length + restored.base.length, a.write.slots.length);
  // C was written on top of A's rows: its prev on shared slots is A's next.
  c.slots.forEach((slot, j) => assert.ok(bitsEqual(c.prev.subarray(j * C, (j + 1) * C), rowOf(afterA, slot))));
  await assert.rejects(supersedeNote(store, writer, 'a', { ...noteB, id: 'd' }), /not a live note/);
  await forgetNote(store, model, 'c');
  assert.ok(bitsEqual(table.data, base));
  await close();
});

test('a note with a secret is refused before training; a cancelled write leaves store and table as they were', async () => {
  const { store, writer, table, close } = await setup();
  const base = table.data.slice();
  const secret = { ...noteA, text: `deploy with AWS key ${'AKIA' + 'QWERTYUIOPASDFGH'} from the vault` };
  await assert.rejects(rememberNote(store, writer, secret), SecretFoundError);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(rememberNote(store, writer, noteA, { signal: controller.signal }), { name: 'AbortError' });
  assert.equal(store.notes().length, 0);
  assert.ok(bitsEqual(table.data, base));
  await close();
});
