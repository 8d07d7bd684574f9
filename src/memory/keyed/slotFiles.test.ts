import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { toNoteId } from '../note';
import { deleteNoteSlots, loadNoteSlots, noteSlotFile, removeDeadSlotTempFiles, saveNoteSlots } from './slotFiles';
import type { NoteSlots } from './noteSlots';

const id = toNoteId('n1');
const text = 'Every PR targets master.';
const slots: NoteSlots = {
  id,
  bag: new Map([['master', 1]]),
  bagNorm: 4.5,
  count: 2,
  keys: Float32Array.from([1, 0, 0, 1]),
  values: Float32Array.from([0.5, -1.5, 2, 3e-8]),
};
const source = { text, model: 'sha-a', writer: 'v2 steps 40' };
const expected = { id, width: 2, ...source };
const storeDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-slots-'));

test('saved slots load back bit for bit', async () => {
  const dir = storeDir();
  await saveNoteSlots(dir, slots, source);
  const loaded = await loadNoteSlots(dir, expected, slots);
  assert.ok('slots' in loaded);
  assert.deepEqual([...loaded.slots.keys], [...slots.keys]);
  assert.deepEqual([...loaded.slots.values], [...slots.values]);
  assert.equal(loaded.slots.count, 2);
});

test('a missing, damaged, foreign or stale file is not used, and says why', async () => {
  const dir = storeDir();
  assert.deepEqual(await loadNoteSlots(dir, expected, slots), { problem: 'missing' });
  await saveNoteSlots(dir, slots, source);
  assert.match(((await loadNoteSlots(dir, { ...expected, model: 'sha-b' }, slots)) as { problem: string }).problem, /another model/);
  assert.match(
    ((await loadNoteSlots(dir, { ...expected, text: 'Every PR targets main.' }, slots)) as { problem: string }).problem,
    /other text/,
  );
  assert.match(((await loadNoteSlots(dir, { ...expected, width: 3 }, slots)) as { problem: string }).problem, /shape/);
  assert.match(
    ((await loadNoteSlots(dir, { ...expected, writer: 'v2 steps 30' }, slots)) as { problem: string }).problem,
    /other writer settings/,
  );
  const file = noteSlotFile(dir, id);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 40]! ^= 1;
  fs.writeFileSync(file, bytes);
  assert.match(((await loadNoteSlots(dir, expected, slots)) as { problem: string }).problem, /damaged/);
  fs.writeFileSync(file, 'not slots at all');
  assert.match(((await loadNoteSlots(dir, expected, slots)) as { problem: string }).problem, /not a note-slots file/);
});

test('deleting removes the file; deleting a missing one is fine', async () => {
  const dir = storeDir();
  await saveNoteSlots(dir, slots, source);
  await deleteNoteSlots(dir, id);
  assert.equal(fs.existsSync(noteSlotFile(dir, id)), false);
  await deleteNoteSlots(dir, id);
});

test("temp files a crash left are removed; a live or recent save's are kept", async () => {
  const dir = storeDir();
  await saveNoteSlots(dir, slots, source);
  const file = noteSlotFile(dir, id);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(); // a pid now gone
  const old = Date.now() / 1000 - 3600;
  const names = {
    crashed: `${file}.tmp-${dead}-0a1b2c3d`,
    recent: `${file}.tmp-${dead}-0f0f0f0f`,
    ours: `${file}.tmp-${process.pid}-1234abcd`,
  };
  for (const name of Object.values(names)) fs.writeFileSync(name, 'partial');
  fs.utimesSync(names.crashed, old, old);
  fs.utimesSync(names.ours, old, old);
  assert.deepEqual(await removeDeadSlotTempFiles(dir), [path.basename(names.crashed)]);
  assert.ok(!fs.existsSync(names.crashed));
  for (const kept of [names.recent, names.ours, file]) assert.ok(fs.existsSync(kept), path.basename(kept));
  assert.deepEqual(await removeDeadSlotTempFiles(path.join(dir, 'missing')), [], 'no slot folder yet: nothing to do');
  fs.rmSync(dir, { recursive: true, force: true });
});
