import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NoteId } from '../memory/note';
import { noteSlotFile } from '../memory/keyed/slotFiles';
import { slotTargets } from '../memory/keyed/slotWriter';
import { noteVocabulary } from '../memory/keyed/noteVocabulary';
import { PrefixWords } from '../memory/keyed/prefixWords';
import { formatAnswerPrompt } from '../model/chatFormat';
import { MemoryService } from './memoryService';
import { NoteSlotKeeper } from './noteSlotKeeper';
import type { LogEvent } from './protocol';
import { createTinyModelDir, tempStoreDir } from './tinyModelFixture';

const slotWriter = { steps: 4, maxRows: 128 };
const modelDir = createTinyModelDir(7, undefined, { noteSlots: true });

async function open(storeDir: string, logs: LogEvent[] = []): Promise<MemoryService> {
  return MemoryService.open({ storeDir, modelDir, author: 'test', research: { slotWriter }, events: { log: e => logs.push(e) } });
}

test('a remembered note gets its own slots and slot file; answers read it and cite it first; forget removes both', async () => {
  const storeDir = tempStoreDir();
  const service = await open(storeDir);
  const { notes, loss } = await service.remember({
    text: 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.',
    kind: 'decision',
  });
  const id = notes[0]!.id as NoteId;
  // The loss reported is the slot write's (the rows are not trained when the keyed memory learns).
  assert.equal(loss.steps, slotWriter.steps);
  assert.ok(loss.after < loss.before, JSON.stringify(loss));
  const loaded = await service.ensureModel();
  assert.ok(loaded.noteSlots!.has(id));
  assert.ok(loaded.noteSlots!.get(id)!.count > 0);
  assert.ok(fs.existsSync(noteSlotFile(storeDir, id)));

  const answer = await service.ask({ question: 'What builds the Adyen Idempotency-Key?', maxTokens: 4 });
  assert.equal(answer.citations[0]?.noteId, id);
  const baseline = await service.ask({ question: 'What builds the Adyen Idempotency-Key?', maxTokens: 4, mode: 'none' });
  assert.equal(baseline.citations.length, 0);

  await service.forget({ id });
  assert.equal(loaded.noteSlots!.has(id), false);
  assert.equal(fs.existsSync(noteSlotFile(storeDir, id)), false);
  await service.close();
});

test('reopening loads slots from their files; an unusable file is written again, with a warning', async () => {
  const storeDir = tempStoreDir();
  const first = await open(storeDir);
  const { notes } = await first.remember({ text: 'Every PR targets master, which auto-deploys to staging.', kind: 'convention' });
  const id = notes[0]!.id as NoteId;
  await first.ensureModel();
  const saved = fs.readFileSync(noteSlotFile(storeDir, id));
  const values = [...(await first.ensureModel()).noteSlots!.get(id)!.values];
  await first.close();

  const logs: LogEvent[] = [];
  const second = await open(storeDir, logs);
  const reloaded = (await second.ensureModel()).noteSlots!.get(id)!;
  assert.deepEqual([...reloaded.values], values);
  assert.ok(fs.readFileSync(noteSlotFile(storeDir, id)).equals(saved), 'the file was not rewritten');
  assert.equal(logs.length, 0);
  await second.close();

  const damaged = Buffer.from(saved);
  damaged[damaged.length - 40]! ^= 1;
  fs.writeFileSync(noteSlotFile(storeDir, id), damaged);
  const third = await open(storeDir, logs);
  assert.ok((await third.ensureModel()).noteSlots!.has(id));
  assert.ok(
    logs.some(e => e.level === 'warn' && /rewritten.*damaged/.test(e.message)),
    JSON.stringify(logs),
  );
  assert.ok(fs.readFileSync(noteSlotFile(storeDir, id)).equals(saved), 'the rewrite is the same write again');
  await third.close();
});

test('a slot write that fails leaves the note remembered, says so in the log, and is retried by the next sync', async () => {
  const storeDir = tempStoreDir();
  const logs: LogEvent[] = [];
  const service = await open(storeDir, logs);
  fs.writeFileSync(`${storeDir}/note-slots`, 'in the way'); // the slot directory cannot be made
  const { notes } = await service.remember({ text: 'Releases are tagged from main by the release workflow.', kind: 'convention' });
  const id = notes[0]!.id as NoteId;
  assert.ok(
    logs.some(e => e.level === 'error' && /memory slots/.test(e.message)),
    JSON.stringify(logs),
  );
  assert.equal(
    (await service.list({})).notes.some(n => n.id === id),
    true,
  );
  assert.equal((await service.ensureModel()).noteSlots!.has(id), false, 'unsaved slots are not kept');
  fs.rmSync(`${storeDir}/note-slots`);
  await service.remember({ text: 'Staging deploys every night.', kind: 'note' });
  assert.ok(fs.existsSync(noteSlotFile(storeDir, id)), 'the first note was written on the next sync');
  await service.close();
});

test("superseding a note moves the memory to the new note: the old one's slots and file are gone", async () => {
  const storeDir = tempStoreDir();
  const service = await open(storeDir);
  const old = (await service.remember({ text: 'Every PR targets master.', kind: 'convention' })).notes[0]!.id as NoteId;
  const replaced = (await service.remember({ text: 'Every PR targets main since the rename.', kind: 'convention', supersedes: old }))
    .notes[0]!.id as NoteId;
  const memory = (await service.ensureModel()).noteSlots!;
  assert.equal(memory.has(old), false);
  assert.equal(fs.existsSync(noteSlotFile(storeDir, old)), false);
  assert.ok(memory.has(replaced));
  assert.ok(fs.existsSync(noteSlotFile(storeDir, replaced)));
  await service.close();
});

/** A service with the Adyen note, and a second keeper over its memory that loaded the note from the
 *  slot file the service's keeper wrote (as it would at startup); the question's prompt and its words. */
async function adyenKeeper() {
  const storeDir = tempStoreDir();
  const service = await open(storeDir);
  const text = 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.';
  const id = (await service.remember({ text })).notes[0]!.id as NoteId;
  const loaded = await service.ensureModel();
  const memory = loaded.noteSlots!;
  const keeper = new NoteSlotKeeper(storeDir, loaded.description.identity.sha256, loaded.model, loaded.tokenizer, memory);
  memory.delete(id);
  await keeper.sync([{ id, text, kind: 'decision', author: 'test', created: new Date().toISOString(), slots: [], state: 'live' }]);
  const tokens = formatAnswerPrompt(loaded.tokenizer, { notes: [], question: 'What builds the Adyen Idempotency-Key?' });
  const bag = new PrefixWords(loaded.tokenizer, memory.words);
  for (const t of tokens) bag.push(t);
  return { service, text, id, loaded, memory, keeper, tokens, bag };
}

test("a chat answer reads its note at chatReadScale with its copy and pointer biases, starting at the note's first slot", async () => {
  const { service, text, id, loaded, memory, keeper, tokens, bag } = await adyenKeeper();
  const chatScale = memory.readScale('chat');
  assert.ok(chatScale > 1, 'the shipped default amplifies chat reads');
  const states = await loaded.model.finalStates(tokens);
  const C = memory.width;
  const state = states.slice((tokens.length - 1) * C);
  assert.ok(memory.has(id));
  const bias = memory.copyBias('chat');
  const pointer = memory.pointerBias('chat');
  assert.ok(bias > 0 && pointer > 0, "chat answers favour the note's tokens and the token the read slot predicts");
  const vocabulary = noteVocabulary(loaded.tokenizer, text);
  const targets = slotTargets(loaded.tokenizer, { text, kind: 'decision' }, loaded.model.config.contextLength);
  // The answer's first position: each gated note's first slot.
  const read = memory.read(bag.bag(), state, 0, 'chat', true);
  assert.ok(read.reads.some(r => r.note === id));
  assert.ok(read.reads.every(r => r.slot === 0));
  const expected = await loaded.model.logitsOfStates(
    state,
    read.output.map(v => v * chatScale),
  );
  const got = (await keeper.chatReadout(new Map())(state, tokens))!;
  const gate = read.gates.get(id)!;
  const added = (token: number) => (vocabulary.has(token) ? bias * gate : 0) + (token === targets[0] ? pointer * gate : 0);
  assert.ok(got.every((v, i) => Math.abs(v - expected[i]! - added(i)) < 1e-4));
  await service.close();
});

test("a chat answer's first position reads the note's first slot and the next its second, even where the state would pick others", async () => {
  const { service, text, id, loaded, memory, keeper, tokens, bag } = await adyenKeeper();
  // The note's own text: a state inside it picks a slot past the first by its key.
  const noteTokens = [...tokens, ...loaded.tokenizer.encode(text)];
  const states = await loaded.model.finalStates(noteTokens);
  const C = memory.width;
  const topSlot = (state: Float32Array) => [...memory.read(bag.bag(), state, 0, 'chat').reads].sort((a, b) => b.weight - a.weight)[0]?.slot;
  let inside: Float32Array | null = null;
  for (let t = tokens.length + 2; t < noteTokens.length && !inside; t++) {
    const state = states.slice(t * C, (t + 1) * C);
    // One the follow decides: alone it picks a slot past the second; after slot 0 it reads slot 1.
    const followed = memory.read(bag.bag(), state, 0, 'chat', false, new Map([[id, 0]]));
    if ((topSlot(state) ?? 0) > 1 && followed.favoured.get(id) === 1) inside = state;
  }
  assert.ok(inside, 'some state inside the note picks a slot past the second, unless it follows slot 0');
  const readout = keeper.chatReadout(new Map());
  const first = memory.read(bag.bag(), inside, 0, 'chat', true);
  assert.deepEqual(
    first.reads.map(r => [r.note, r.slot]),
    [[id, 0]],
  );
  const scaled = first.output.map(v => v * memory.readScale('chat'));
  const expected = await loaded.model.logitsOfStates(inside, scaled);
  const vocabulary = noteVocabulary(loaded.tokenizer, text);
  const bonus = memory.copyBias('chat') * first.gates.get(id)!;
  const targets = slotTargets(loaded.tokenizer, { text, kind: 'decision' }, loaded.model.config.contextLength);
  const pointed = (read: typeof first, slot: number, token: number) =>
    token === targets[slot] ? memory.pointerBias('chat') * read.reads.find(r => r.note === id && r.slot === slot)!.weight : 0;
  const got = (await readout(inside, tokens))!;
  assert.ok(got.every((v, i) => Math.abs(v - expected[i]! - (vocabulary.has(i) ? bonus : 0) - pointed(first, 0, i)) < 1e-4));
  // The next position follows on to the note's second slot, which its state alone would not pick.
  const nextTokens = [...tokens, noteTokens[tokens.length]!];
  const nextBag = new PrefixWords(loaded.tokenizer, memory.words);
  for (const t of nextTokens) nextBag.push(t);
  const byState = memory.read(nextBag.bag(), inside, 0, 'chat');
  const next = memory.read(nextBag.bag(), inside, 0, 'chat', false, first.favoured);
  assert.equal(next.favoured.get(id), 1);
  assert.notEqual(byState.favoured.get(id), 1, 'the state alone picks another slot');
  const expectedNext = await loaded.model.logitsOfStates(
    inside,
    next.output.map(v => v * memory.readScale('chat')),
  );
  const gotNext = (await readout(inside, nextTokens))!;
  const nextBonus = memory.copyBias('chat') * next.gates.get(id)!;
  assert.ok(gotNext.every((v, i) => Math.abs(v - expectedNext[i]! - (vocabulary.has(i) ? nextBonus : 0) - pointed(next, 1, i)) < 1e-4));
  await service.close();
});
