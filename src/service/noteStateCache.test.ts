import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoteId } from '../memory/note';
import { NoteStateCache } from './noteStateCache';

const id = (s: string) => s as NoteId;

test('a note is computed once, and the least recently used note leaves first', async () => {
  const cache = new NoteStateCache(2);
  let computed: string[] = [];
  const get = (note: string) => cache.get(id(note), async () => (computed.push(note), { rows: 1, width: 1, data: Float32Array.from([note.length]) }));
  await get('a');
  await get('bb');
  await get('a'); // cached; a is now the most recent
  assert.deepEqual(computed, ['a', 'bb']);
  await get('ccc'); // evicts bb
  assert.equal(cache.size, 2);
  computed = [];
  await get('a');
  await get('bb');
  assert.deepEqual(computed, ['bb']);
  assert.deepEqual(Array.from((await get('bb')).data), [2]);
});
