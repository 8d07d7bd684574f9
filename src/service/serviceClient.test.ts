// End-to-end tests of the service: a real worker thread, a tiny random-init model saved as a real
// checkpoint, real store directories. Random weights answer nonsense, so these check the plumbing
// (rows written and restored, citations, streaming, queueing, errors), not answer quality.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { NoteId } from '../memory/note';
import type { ProgressEvent } from './protocol';
import { ServiceClient } from './serviceClient';
import { ServiceError } from './serviceError';
import { createTinyModelDir, tempStoreDir } from './tinyModelFixture';

let modelDir: string;
let otherModelDir: string;
let client: ServiceClient;
let storeDir: string;

before(async () => {
  modelDir = createTinyModelDir(7);
  otherModelDir = createTinyModelDir(8);
  storeDir = tempStoreDir();
  client = await ServiceClient.start({
    storeDir,
    modelDir,
    defaults: { author: 'tester', research: { slotWriter: { steps: 3, maxRows: 64 } } },
  });
});

after(async () => {
  await client.dispose();
});

/** A worker on the store at `dir` whose slot writes take one step (these tests check plumbing). */
function quickWorker(dir: string): Promise<ServiceClient> {
  return ServiceClient.start({ storeDir: dir, modelDir, defaults: { research: { slotWriter: { steps: 1, maxRows: 64 } } } });
}

/** Two quick workers on one new store, as two windows of one workspace. */
async function twoWindows(): Promise<[ServiceClient, ServiceClient]> {
  const dir = tempStoreDir();
  return [await quickWorker(dir), await quickWorker(dir)];
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

test('service: init reports the model and an empty store', () => {
  assert.equal(client.init.notes, 0);
  assert.match(client.init.model.id, /^mnemo-training-d16/);
  assert.equal(client.init.model.sha256.length, 64);
});

test('service: remember writes rows (with progress), ask streams an answer that cites the note', async () => {
  const progress: ProgressEvent[] = [];
  const changed: string[][] = [];
  const unsubscribe = client.on('memory/changed', event => changed.push([...event.noteIds]));
  const written = await client.request(
    'memory/remember',
    { text: 'We deploy with Helm 3 from the ops/ folder.', kind: 'decision', id: 'n1' },
    { onProgress: e => progress.push(e) },
  );
  unsubscribe();
  assert.equal(written.notes[0]!.id, 'n1');
  assert.equal(written.notes[0]!.author, 'tester');
  assert.ok(written.notes[0]!.slotCount > 0);
  assert.ok(written.loss.steps <= 3);
  const stages = new Set(progress.map(e => e.stage));
  for (const stage of ['checking', 'loading-model', 'augmenting', 'selecting-slots', 'training'])
    assert.ok(stages.has(stage as never), `stage ${stage} missing`);
  assert.deepEqual(changed, [['n1']]);

  const stream = client.ask({ question: 'How do we deploy?', maxTokens: 8 });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.text;
  const result = await stream.result;
  assert.ok(streamed.trim().startsWith(result.answer), 'the answer is what was streamed, less a loop cut off at its end');
  assert.ok(result.tokens > 0 && result.tokens <= 8);
  assert.equal(result.memoryContextTokens, 0);
  assert.equal(result.citations[0]?.noteId, 'n1');
  assert.ok(result.citations[0]!.weight > 0 && result.citations[0]!.weight <= 1);

  const none = await client.request('model/ask', { question: 'How do we deploy?', maxTokens: 8, mode: 'none' });
  assert.deepEqual(none.citations, []);
  const prompt = await client.request('model/ask', { question: 'How do we deploy?', maxTokens: 8, mode: 'prompt' });
  assert.equal(prompt.citations[0]?.noteId, 'n1');
  assert.ok(prompt.memoryContextTokens > 5);
});

test('service: completions cite notes, and a newer completion cancels the older one', async () => {
  const done = await client.request('model/complete', { filePath: 'deploy.sh', prefix: 'helm upgrade --install ', maxTokens: 4 });
  assert.equal(typeof done.completion, 'string');
  assert.ok(!done.completion.includes('\n'), 'a line completion stays on its line');
  assert.equal(done.citations[0]?.noteId, 'n1');

  // A block (the prefix ends on an empty indented line) runs to its token budget, not to the end of
  // a line, so it is still decoding when the newer request arrives.
  const older = client.request('model/complete', { filePath: 'deploy.sh', prefix: 'deploy() {\n  helm lint\n  ', maxTokens: 30 });
  const newer = client.request('model/complete', { filePath: 'deploy.sh', prefix: 'helm u', maxTokens: 2 });
  const [olderResult, newerResult] = await Promise.allSettled([older, newer]);
  assert.equal(olderResult.status, 'rejected');
  assert.equal(((olderResult as PromiseRejectedResult).reason as ServiceError).code, 'cancelled');
  assert.equal(newerResult.status, 'fulfilled');
});

test('service: the host cancels a request with an AbortSignal', async () => {
  const controller = new AbortController();
  const pending = client.request('model/ask', { question: 'Tell me everything.', maxTokens: 60 }, { signal: controller.signal });
  controller.abort();
  assert.equal((await rejection(pending)).code, 'cancelled');
  const status = await client.request('worker/status', {});
  assert.equal(status.state, 'ready');
  assert.equal(status.queued, 0);
});

test('service: refusals say why, with hints, and change nothing', async () => {
  const secret = await rejection(client.request('memory/remember', { text: 'the staging password is hunter2hunter2' }));
  assert.equal(secret.code, 'secret-found');
  assert.doesNotMatch(secret.message, /hunter2/);
  assert.ok(secret.error.code === 'secret-found' && secret.error.findings.length > 0);

  const empty = await rejection(client.request('memory/remember', { text: '   \n\t ' }));
  assert.equal(empty.code, 'note-invalid');
  assert.ok(empty.error.code === 'note-invalid' && empty.error.reason === 'empty');

  const missing = await rejection(client.request('memory/forget', { id: 'nope' as NoteId }));
  assert.equal(missing.code, 'note-not-found');
  assert.match(missing.hint ?? '', /mnemo notes/);

  const badId = await rejection(client.request('memory/remember', { text: 'x', id: 'has space' }));
  assert.equal(badId.code, 'bad-request');

  const taken = await rejection(client.request('memory/remember', { text: 'Another fact.', id: 'n1' }));
  assert.equal(taken.code, 'note-id-taken');

  const listed = await client.request('memory/list', {});
  assert.deepEqual(
    listed.notes.map(n => n.id),
    ['n1'],
  );
});

test('service: redaction stores the note without the secret and says so', async () => {
  const written = await client.request('memory/remember', {
    text: 'CI uses the token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 for releases.',
    secrets: 'redact',
    id: 'n2',
  });
  assert.equal(written.redacted.length, 1);
  assert.match(written.notes[0]!.text, /\[redacted:/);
  assert.doesNotMatch(written.notes[0]!.text, /ghp_/);
  assert.ok(written.warnings.some(w => /redacted/.test(w)));
  const forgotten = await client.request('memory/forget', { id: 'n2' as NoteId });
  assert.equal(forgotten.restored.exact + forgotten.restored.delta + forgotten.restored.base, written.notes[0]!.slotCount);
});

test('service: export, import into a second worker, supersede and inspect', async () => {
  const file = path.join(tempStoreDir('mnemo-export-'), 'team.mnemo-export');
  const exported = await client.request('memory/export', { file });
  assert.equal(exported.notes, 1);
  assert.ok(fs.statSync(file).size === exported.bytes);

  const second = await ServiceClient.start({
    storeDir: tempStoreDir(),
    modelDir,
    defaults: { research: { slotWriter: { steps: 2, maxRows: 64 } } },
  });
  try {
    const imported = await second.request('memory/import', { file });
    assert.equal(imported.imported, 1);
    const newer = await second.request('memory/remember', {
      text: 'We deploy with Helm 4 from the deploy/ folder.',
      kind: 'decision',
      id: 'n1b',
      supersedes: 'n1' as NoteId,
    });
    assert.equal(newer.notes[0]!.supersedes, 'n1');
    const all = await second.request('memory/list', { all: true });
    assert.deepEqual(
      all.notes.map(n => [n.id, n.state]),
      [
        ['n1', 'superseded'],
        ['n1b', 'live'],
      ],
    );
    const inspected = await second.request('memory/inspect', { what: 'note', id: 'n1b' as NoteId });
    assert.ok(inspected.what === 'note' && inspected.slots.length === newer.notes[0]!.slotCount);
  } finally {
    await second.dispose();
  }
});

test("service: two workers on one store (two windows) see each other's writes", async () => {
  const [first, second] = await twoWindows();
  try {
    await second.request('model/ask', { question: 'Warm up?', maxTokens: 1 }); // loads the model before the other write
    // Listening before the write: the second worker may hear of it from its file watch while the
    // first is still learning the note, or at its next request; either way, once.
    const external: string[][] = [];
    second.on('memory/changed', event => external.push([event.reason, ...event.noteIds]));
    await first.request('memory/remember', { text: 'Feature flags live in LaunchDarkly.', id: 'w1' });
    const answer = await second.request('model/ask', { question: 'Where do feature flags live?', maxTokens: 4 });
    assert.deepEqual(external, [['external', 'w1']]);
    assert.equal(answer.citations[0]?.noteId, 'w1');
    await second.request('memory/forget', { id: 'w1' as NoteId });
    assert.deepEqual((await first.request('memory/list', {})).notes, []);
  } finally {
    await Promise.all([first.dispose(), second.dispose()]);
  }
});

test('service: a store written with another model opens with its notes re-learned (not refused)', async () => {
  const dir = tempStoreDir();
  const first = await quickWorker(dir);
  await first.request('memory/remember', { text: 'Feature flags live in LaunchDarkly.', id: 'm1', kind: 'convention' });
  await first.dispose();
  // Its file watch may have been catching up when it was ended: closing waits, so no lock is left.
  assert.equal(fs.existsSync(path.join(dir, 'store.lock')), false);
  const progress: ProgressEvent[] = [];
  const second = await ServiceClient.start({
    storeDir: dir,
    modelDir: otherModelDir,
    defaults: { research: { slotWriter: { steps: 1, maxRows: 64 } } },
    onInitProgress: e => progress.push(e),
  });
  try {
    assert.equal(second.init.model.sha256 !== first.init.model.sha256, true);
    assert.match(second.init.storeMessages.join(' '), /1 live note\(s\) were re-learned/);
    assert.deepEqual(
      progress.filter(e => e.stage === 'upgrading').map(e => e.message),
      ['Re-learning note 1 of 1 with the new model (m1)'],
    );
    const listed = await second.request('memory/list', {});
    assert.deepEqual(
      listed.notes.map(n => [n.id, n.kind]),
      [['m1', 'convention']],
    );
  } finally {
    await second.dispose();
  }
});

test('service: a forget can be undone in the same worker (same id, text, slots), and another worker hears of both without asking', async () => {
  const [first, second] = await twoWindows();
  try {
    const heard: string[] = [];
    second.on('memory/changed', event => heard.push(`${event.reason}:${event.noteIds.join(',')}`));
    const hears = async (count: number) => {
      for (let waited = 0; heard.filter(h => h === 'external:u1').length < count && waited < 10_000; waited += 50)
        await new Promise(r => setTimeout(r, 50));
      assert.equal(heard.filter(h => h === 'external:u1').length, count, `heard ${heard.join(' ')}`);
    };
    const written = await first.request('memory/remember', { text: 'Invoices are rounded half-even.', id: 'u1' });
    await hears(1);
    const inspectedBefore = await first.request('memory/inspect', { what: 'note', id: 'u1' as NoteId });
    const forgotten = await first.request('memory/forget', { id: 'u1' as NoteId });
    assert.deepEqual([forgotten.text, forgotten.undoable], ['Invoices are rounded half-even.', true]);
    const gone = await first.request('memory/inspect', { what: 'note', id: 'u1' as NoteId });
    assert.ok(gone.what === 'note' && gone.slots.length === 0, 'a forgotten note owns no slots');
    // The other window learns of the forget from the store's files, with no request of its own.
    await hears(2);
    const restored = await first.request('memory/restore', { id: 'u1' as NoteId });
    assert.deepEqual(restored.note, written.notes[0]);
    assert.deepEqual(await first.request('memory/inspect', { what: 'note', id: 'u1' as NoteId }), inspectedBefore);
    assert.deepEqual(
      (await second.request('memory/list', {})).notes.map(n => n.text),
      ['Invoices are rounded half-even.'],
    );
    const twice = await rejection(first.request('memory/restore', { id: 'u1' as NoteId }));
    assert.equal(twice.code, 'bad-request');
    const elsewhere = await rejection(second.request('memory/restore', { id: 'u1' as NoteId }));
    assert.match(elsewhere.message, /no forget of u1 to undo in this window/);
  } finally {
    await Promise.all([first.dispose(), second.dispose()]);
  }
});

test('service: a missing model directory is not-ready with a hint', async () => {
  const error = await rejection(ServiceClient.start({ storeDir: tempStoreDir(), modelDir: path.join(tempStoreDir(), 'no-model') }));
  assert.equal(error.code, 'not-ready');
  assert.match(error.hint ?? '', /--model/);
});

test('service: a worker terminated while holding the store lock (its close timed out) does not lock the next worker out', async () => {
  const dir = tempStoreDir();
  const stuck = await ServiceClient.start({ storeDir: dir, modelDir, workerScript: path.join(__dirname, 'testLockHoldingWorker.ts') });
  const lockFile = path.join(dir, 'store.lock');
  assert.equal(fs.existsSync(lockFile), true, 'the stand-in worker holds the lock');
  await stuck.dispose(50);
  assert.equal(fs.existsSync(lockFile), false, 'the host released the lock its terminated worker held');
  const next = await quickWorker(dir);
  await next.dispose();
});
