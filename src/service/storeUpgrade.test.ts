// Opening a store written with another model re-learns its notes (storeUpgrade.ts), with two tiny
// models of different configurations and seeds: what carries over, progress, cancelling half-way
// and resuming, and an export from another model imported the same way.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import { MemoryStore } from '../memory/store/memoryStore';
import { UPGRADE_DIR } from '../memory/store/upgrade';
import { peekStore, storePaths } from '../memory/store/load';
import { encodeJournalHeader } from '../memory/store/journal';
import { encodeSnapshot } from '../memory/store/snapshot';
import { MemoryService } from './memoryService';
import type { ProgressEvent } from './protocol';
import { ServiceClient } from './serviceClient';
import { createTinyModelDir, tempStoreDir, tinyServiceConfig } from './tinyModelFixture';

const slotWriter = { steps: 2, maxRows: 64 };
const oldModelDir = createTinyModelDir(7, undefined, { noteSlots: true });
// Another width and another value table: the old rows could not even be read by this model.
const newModelDir = createTinyModelDir(
  11,
  { ...tinyServiceConfig, dModel: 24, ffnHidden: 48, pkm: { ...tinyServiceConfig.pkm, nKeys: 10 } },
  { noteSlots: true },
);

const TEXTS = [
  'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.',
  'Feature flags live in LaunchDarkly, one project per product.',
  'Retries on the payment webhook use exponential backoff capped at five minutes.',
  'The old cache TTL was ten minutes.',
  'The cache TTL is thirty seconds since the incident of March.',
];

function open(
  storeDir: string,
  modelDir: string,
  progress: ProgressEvent[] = [],
  options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void } = {},
): Promise<MemoryService> {
  return MemoryService.open(
    { storeDir, modelDir, author: 'alice', research: { slotWriter } },
    {
      signal: options.signal,
      progress: event => {
        progress.push({ ...event });
        options.onProgress?.(event);
      },
    },
  );
}

/** A store with five notes by the old model: one forgotten, one superseded by a later note. */
async function oldStore(): Promise<string> {
  const storeDir = tempStoreDir();
  const service = await open(storeDir, oldModelDir);
  await service.remember({ text: TEXTS[0]!, id: 'adyen', kind: 'decision' });
  await service.remember({ text: TEXTS[1]!, id: 'flags', kind: 'convention', author: 'bob' });
  await service.remember({ text: TEXTS[2]!, id: 'retries', kind: 'note' });
  await service.remember({ text: TEXTS[3]!, id: 'ttl-old', kind: 'decision' });
  await service.remember({ text: TEXTS[4]!, id: 'ttl', kind: 'decision', supersedes: 'ttl-old' as NoteId });
  await service.forget({ id: 'retries' as NoteId });
  await service.close();
  return storeDir;
}

const comparable = (
  notes: readonly {
    id: string;
    text: string;
    kind: string;
    author: string;
    created: string;
    state: string;
    supersedes?: string;
    supersededBy?: string;
  }[],
) =>
  notes.map(({ id, text, kind, author, created, state, supersedes, supersededBy }) => ({
    id,
    text,
    kind,
    author,
    created,
    state,
    supersedes,
    supersededBy,
  }));

test('a store of another model is re-learned on open: every note, its id, kind, author, date, links and tombstones carry over', async () => {
  const storeDir = await oldStore();
  const before = await MemoryStore.peek(storeDir);
  const progress: ProgressEvent[] = [];
  const service = await open(storeDir, newModelDir, progress);
  try {
    const after = await MemoryStore.peek(storeDir);
    assert.equal(after.header.model.sha256, service.model.identity.sha256);
    assert.equal(after.header.rowWidth, 24);
    assert.equal(after.header.storeId, before.header.storeId);
    assert.deepEqual(comparable(after.notes), comparable(before.notes));
    assert.deepEqual(
      after.notes.filter(n => n.state !== 'live').map(n => [n.id, n.slots.length]),
      [
        ['retries', 0],
        ['ttl-old', 0],
      ],
    );
    for (const note of after.notes.filter(n => n.state === 'live'))
      assert.ok(note.slots.length > 0 && note.slots.every(s => s < 100), note.id);
    // One progress event per live note, then the keyed slots are written.
    const upgrading = progress.filter(e => e.stage === 'upgrading').map(e => e.message);
    assert.equal(upgrading.length, 3);
    assert.match(upgrading[0]!, /note 1 of 3/);
    assert.ok(progress.some(e => e.stage === 'training' && /memory slots/.test(e.message)));
    assert.match(service.initResponse().storeMessages.join(' '), /3 live note\(s\) were re-learned/);
    assert.equal(fs.existsSync(path.join(storeDir, UPGRADE_DIR)), false);
    // The upgraded store works: an answer cites the note it asks about, a forget restores the base rows.
    const answer = await service.ask({ question: 'What builds the Adyen Idempotency-Key?', maxTokens: 2 });
    assert.equal(answer.citations[0]?.noteId, 'adyen');
    await service.forget({ id: 'adyen' as NoteId });
    await service.forget({ id: 'flags' as NoteId });
    await service.forget({ id: 'ttl' as NoteId });
    assert.equal((await MemoryStore.peek(storeDir)).notes.filter(n => n.state === 'live').length, 0);
  } finally {
    await service.close();
  }
  // And opens again with the new model without re-learning anything.
  const again = await open(storeDir, newModelDir, []);
  assert.deepEqual(again.initResponse().storeMessages, []);
  await again.close();
});

test('an upgrade cancelled half-way leaves the old store whole and the next open continues where it stopped', async () => {
  const storeDir = await oldStore();
  const oldSnapshot = fs.readFileSync(storePaths(storeDir).snapshot);
  const controller = new AbortController();
  const progress: ProgressEvent[] = [];
  const first = open(storeDir, newModelDir, progress, {
    signal: controller.signal,
    onProgress: e => {
      if (e.stage === 'upgrading' && /note 2 of/.test(e.message)) controller.abort(new Error('Ctrl-C'));
    },
  });
  await assert.rejects(first, /Ctrl-C/);
  // Nothing of the old store changed (the old model still opens it); the staging store holds the
  // notes learned so far.
  assert.deepEqual(fs.readFileSync(storePaths(storeDir).snapshot), oldSnapshot);
  const stillOld = await open(storeDir, oldModelDir);
  assert.deepEqual(
    (await stillOld.list({})).notes.map(n => n.id),
    ['adyen', 'flags', 'ttl'],
  );
  await stillOld.close();
  const staged = await MemoryStore.peek(path.join(storeDir, UPGRADE_DIR));
  assert.ok(staged.notes.length >= 1 && staged.notes.length < 3, `staged ${staged.notes.length}`);

  const service = await open(storeDir, newModelDir);
  try {
    assert.match(service.initResponse().storeMessages.join(' '), /by an interrupted earlier run/);
    const notes = (await service.list({})).notes.map(n => n.id);
    assert.deepEqual(notes, ['adyen', 'flags', 'ttl']);
  } finally {
    await service.close();
  }
});

test('an export written with another model imports the same way: re-learned, ids and links kept', async () => {
  const storeDir = await oldStore();
  const file = path.join(tempStoreDir(), 'team.mnemo-export');
  const old = await open(storeDir, oldModelDir);
  await old.exportTo({ file });
  await old.close();

  const target = tempStoreDir();
  const service = await open(target, newModelDir);
  try {
    await service.remember({ text: 'Logs go to Loki with a 14 day retention.', id: 'logs', kind: 'convention' });
    const progress: ProgressEvent[] = [];
    const result = await service.importFrom({ file }, { progress: e => progress.push({ ...e }) });
    assert.equal(result.mode, 'merge');
    assert.equal(result.imported, 3);
    assert.equal(progress.filter(e => e.stage === 'upgrading').length, 3);
    const notes = (await service.list({})).notes;
    assert.deepEqual(
      notes.map(n => [n.id, n.author, n.supersedes]),
      [
        ['logs', 'alice', undefined],
        ['adyen', 'alice', undefined],
        ['flags', 'bob', undefined],
        ['ttl', 'alice', undefined],
      ],
    );
    assert.deepEqual(
      fs.readdirSync(target).filter(name => name.startsWith('import-staging')),
      [],
    );
    const answer = await service.ask({ question: 'Where do feature flags live?', maxTokens: 2 });
    assert.equal(answer.citations[0]?.noteId, 'flags');
  } finally {
    await service.close();
  }
});

test('the worker re-learns at init and sends the progress to the client', async () => {
  const storeDir = await oldStore();
  const progress: ProgressEvent[] = [];
  const client = await ServiceClient.start({
    storeDir,
    modelDir: newModelDir,
    defaults: { research: { slotWriter } },
    onInitProgress: e => progress.push(e),
  });
  try {
    assert.equal(client.init.notes, 3);
    assert.ok(progress.some(e => e.stage === 'upgrading'));
    assert.match(client.init.storeMessages.join(' '), /re-learned/);
  } finally {
    await client.dispose();
  }
});

test('a note that a newer secret rule flags does not block the upgrade: learned redacted, its text kept, the user told', async () => {
  const storeDir = await oldStore();
  // As if an older version had stored it: put a key in p 'flags' text straight into the snapshot.
  const paths = storePaths(storeDir);
  const { header, state } = await peekStore(paths);
  const text = `Feature flags live in LaunchDarkly; the deploy user's aws key id is AKIA${'QX7RZ2MB4NW5KD3J'}.`;
  state.notes.set('flags' as NoteId, { ...state.notes.get('flags' as NoteId)!, text });
  const next = { ...header, generation: header.generation + 1, lastSeq: state.lastSeq };
  fs.writeFileSync(paths.snapshot, encodeSnapshot(next, state));
  fs.writeFileSync(paths.journal, encodeJournalHeader({ kind: 'journal', storeId: next.storeId, generation: next.generation }));

  const service = await open(storeDir, newModelDir);
  try {
    assert.match(service.initResponse().storeMessages.join(' '), /Note\(s\) flags hold what this version reads as a secret/);
    const notes = (await service.list({})).notes;
    assert.deepEqual(
      notes.map(n => n.id),
      ['adyen', 'flags', 'ttl'],
    );
    assert.equal(notes.find(n => n.id === 'flags')!.text, text);
  } finally {
    await service.close();
  }
});
