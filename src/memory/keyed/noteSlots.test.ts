import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../model/tokenizer';
import { parameterNames } from '../../model/parameters';
import { toNoteId } from '../note';
import { defaultNoteSlotSettings, NoteSlotMemory, NoteSlots, outputOfReads } from './noteSlots';
import { prefixBags } from './prefixWords';
import { slotTargets, writeNoteSlots } from './slotWriter';
import { SpecialToken } from '../../model/specialTokens';
import { countWordFrequencies, inverseDocumentFrequency, noteBag, wordBag } from './wordBag';
import { writerTestConfig, writerTestModel } from '../rows/writerTestModel';

const C = 4;
const words = countWordFrequencies(
  ['const value = request.body;', 'function handle(request) { return value; }', 'the value of the request'],
  1 << 10,
);
const basis = { finalNormWeight: new Float32Array(C).fill(1), normEps: 1e-5, stateCentre: new Float32Array(C) };

/** A note with two slots keyed on the first two axes, values 1 and 2 on the last axis. */
function noteOf(id: string, text: string, memory: NoteSlotMemory): NoteSlots {
  return {
    id: toNoteId(id),
    ...noteBag(memory.words, text),
    count: 2,
    keys: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    values: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 2]),
  };
}

test("a text that shares a note's rare words gates it; unrelated text reads nothing", () => {
  const memory = new NoteSlotMemory(words, basis);
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key from the transaction id', memory));
  memory.set(noteOf('branches', 'Every pull request targets master, which deploys to staging', memory));
  const gates = memory.gates(wordBag(words, 'What goes into the Adyen Idempotency-Key?'));
  assert.ok(gates.get(toNoteId('adyen'))! > 0.9, `gate ${gates.get(toNoteId('adyen'))}`);
  assert.equal(gates.has(toNoteId('branches')), false);
  const none = memory.read(wordBag(words, 'const value = request.body;'), Float32Array.from([1, 0, 0, 0]));
  assert.equal(none.reads.length, 0);
  assert.deepEqual([...none.output], [0, 0, 0, 0]);
});

test('sharedIdfMass sums the idfs of the words the text and the note both have; a word no background text has is Infinity', () => {
  const memory = new NoteSlotMemory(words, basis);
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key; handle the function value', memory));
  const idf = (word: string) => inverseDocumentFrequency(words, word);
  assert.ok(idf('handle') > 0 && idf('handle') < Math.log(words.documents + 1));
  assert.equal(memory.sharedIdfMass(wordBag(words, 'Which value does Adyen take?'), toNoteId('adyen')), Infinity);
  assert.equal(
    memory.sharedIdfMass(wordBag(words, 'handle the function value'), toNoteId('adyen')),
    idf('handle') + idf('function') + idf('value'),
  );
  assert.equal(memory.sharedIdfMass(wordBag(words, 'reverse a string'), toNoteId('adyen')), 0);
  assert.equal(memory.sharedIdfMass(wordBag(words, 'Adyen'), toNoteId('missing')), 0);
});

test('within a gated note the state picks the slot, and the output is the weighted values', () => {
  const memory = new NoteSlotMemory(words, basis);
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key', memory));
  const bag = wordBag(words, 'Adyen Idempotency-Key');
  const first = memory.read(bag, Float32Array.from([3, 0, 0, 0]));
  const second = memory.read(bag, Float32Array.from([0, 3, 0, 0]));
  const top = (r: typeof first) => [...r.reads].sort((a, b) => b.weight - a.weight)[0]!.slot;
  assert.equal(top(first), 0);
  assert.equal(top(second), 1);
  const gate = first.gates.get(toNoteId('adyen'))!;
  assert.ok(
    Math.abs(first.output[3]! - gate * 1) < 1e-3 && Math.abs(second.output[3]! - gate * 2) < 1e-3,
    `${first.output[3]} ${second.output[3]} gate ${gate}`,
  );
  assert.deepEqual([...outputOfReads(memory, first.reads)], [...first.output]);
  assert.ok(memory.delete(toNoteId('adyen')));
  assert.equal(memory.read(bag, Float32Array.from([3, 0, 0, 0])).reads.length, 0);
});

test("at an answer's first position a gated note reads its first slot, whatever the state matches", () => {
  const memory = new NoteSlotMemory(words, basis);
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key', memory));
  const bag = wordBag(words, 'Adyen Idempotency-Key');
  const secondState = Float32Array.from([0, 3, 0, 0]);
  const start = memory.read(bag, secondState, 0, 'chat', true);
  const gate = start.gates.get(toNoteId('adyen'))!;
  assert.deepEqual(start.reads, [{ note: toNoteId('adyen'), slot: 0, weight: gate }]);
  assert.ok(Math.abs(start.output[3]! - gate * 1) < 1e-6);
  // Later positions pick by the state again.
  assert.equal([...memory.read(bag, secondState, 0, 'chat').reads].sort((a, b) => b.weight - a.weight)[0]!.slot, 1);
});

test("a chat answer's position favours the slot after the one each note's read favoured before; code and the bonus at 0 do not", () => {
  const memory = new NoteSlotMemory(words, basis, { ...defaultNoteSlotSettings, chatFollowBonus: 6 });
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key', memory));
  const bag = wordBag(words, 'Adyen Idempotency-Key');
  const id = toNoteId('adyen');
  // A state nearer the first slot's key than the second's.
  const state = Float32Array.from([1, 0.8, 0, 0]);
  const top = (r: ReturnType<NoteSlotMemory['read']>) => [...r.reads].sort((a, b) => b.weight - a.weight)[0]!.slot;
  const byState = memory.read(bag, state, 0, 'chat');
  assert.equal(top(byState), 0);
  assert.equal(byState.favoured.get(id), 0);
  const followed = memory.read(bag, state, 0, 'chat', false, new Map([[id, 0]]));
  assert.equal(top(followed), 1, 'the slot after the one favoured before');
  assert.equal(followed.favoured.get(id), 1);
  // The last slot has no next one: the state picks.
  assert.equal(top(memory.read(bag, state, 0, 'chat', false, new Map([[id, 1]]))), 0);
  assert.equal(top(memory.read(bag, state, 0, 'code', false, new Map([[id, 0]]))), 0, 'code reads by the state alone');
  const off = new NoteSlotMemory(words, basis, { ...defaultNoteSlotSettings, chatFollowBonus: 0 });
  off.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key', off));
  assert.equal(top(off.read(bag, state, 0, 'chat', false, new Map([[id, 0]]))), 0);
});

test('state keys are final-normed, centred and unit length; a note of the wrong width is refused', () => {
  const memory = new NoteSlotMemory(words, { ...basis, stateCentre: Float32Array.from([0.5, 0, 0, 0]) });
  const key = memory.stateKey(Float32Array.from([2, 2, 2, 2]));
  assert.ok(Math.abs(Math.hypot(...key) - 1) < 1e-6);
  assert.ok(key[0]! < key[1]!); // the centre's axis was taken away
  assert.throws(() => memory.set({ ...noteOf('x', 'x', memory), count: 3 }), /3 slots/);
});

test("a write fits the note's own slots (loss falls), moves nothing of other notes, and its answer positions read it", async () => {
  const model = writerTestModel(3);
  const tokenizer = loadTokenizer();
  const corpus = ['const value = request.body;', 'import fs from "fs"; fs.readFileSync(file)', 'the value is returned to the caller'];
  const memory = new NoteSlotMemory(countWordFrequencies(corpus, 1 << 12), {
    finalNormWeight: model.parameters.get(parameterNames.finalNorm)!.data,
    normEps: writerTestConfig.normEps,
    stateCentre: new Float32Array(writerTestConfig.dModel),
  });
  const settings = { steps: 12, learningRate: 0.5, lossTarget: 0.01, forms: ['note', 'qa'] as const, refreshEvery: 15, maxRows: 256 };
  const write = (id: string, text: string) => writeNoteSlots(model, tokenizer, memory, { id: toNoteId(id), text }, settings);
  const other = await write('deploy', 'Staging deploys from the Bazel pipeline every night at 02:00.');
  const otherValues = other.slots.values.slice();
  const result = await write('adyen', 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.');
  assert.ok(result.rows > 0 && result.slots.count > 0);
  // One slot per token of the canonical answer (the note itself), the end marker last.
  const targets = slotTargets(
    tokenizer,
    { text: 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.' },
    512,
  );
  assert.equal(targets.length, result.slots.count);
  assert.deepEqual(
    targets.slice(0, -1),
    tokenizer.encode('The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.'),
  );
  assert.equal(targets.at(-1), SpecialToken.endOfText);
  // Written with file forms only, the slots key on the first file: the targets follow the writer.
  const fileOnly = await writeNoteSlots(
    model,
    tokenizer,
    memory,
    { id: toNoteId('files'), text: 'Staging deploys nightly.' },
    { ...settings, forms: ['note'] },
  );
  assert.equal(slotTargets(tokenizer, { text: 'Staging deploys nightly.' }, 512, ['note']).length, fileOnly.slots.count);
  // A random tiny model's logits are nearly flat whatever is added (its embedding is small), so the fall is small.
  assert.ok(result.losses[result.losses.length - 1]! < result.losses[0]! - 0.2, `losses ${result.losses.map(l => l.toFixed(2)).join(' ')}`);
  assert.deepEqual(memory.get(toNoteId('deploy'))!.values, otherValues);
  const ids = [...tokenizer.encode('What builds the Adyen Idempotency-Key?')];
  const bags = prefixBags(tokenizer, memory.words, ids);
  const states = await model.finalStates(ids);
  assert.ok(memory.read(bags[ids.length - 1]!, states, ids.length - 1).reads.some(r => r.note === 'adyen'));
  await model.dispose();
});

test('a chat question needs a weaker match than code to read a note (its own, lower gate)', () => {
  const memory = new NoteSlotMemory(words, basis, {
    gateSharpness: 20,
    gateThreshold: 0.5,
    gateFloor: 0.4,
    chatGateThreshold: 0.05,
    chatGateFloor: 0.02,
    slotSharpness: 40,
    chatNormPower: 1,
    chatReferenceNorm: 25,
    chatReadScale: 1,
    chatBm25Weight: 0,
    chatCopyBias: 0,
    chatFollowBonus: 0,
    chatPointerBias: 0,
  });
  memory.set(noteOf('adyen', 'The Adyen integration builds the Idempotency-Key from the commercetools transaction id', memory));
  const bag = wordBag(words, 'Which request header keeps an Adyen capture from running twice, and what value does it carry?');
  const gate = [...memory.gates(bag, 'chat').values()][0];
  assert.ok(gate !== undefined && gate > 0, 'the chat gate reads the note');
  assert.equal(memory.gates(bag, 'code').size, 0);
  assert.ok(memory.read(bag, Float32Array.from([1, 0, 0, 0]), 0, 'chat').reads.length > 0);
  assert.equal(memory.read(bag, Float32Array.from([1, 0, 0, 0]), 0, 'code').reads.length, 0);
});

test("BM25 over the notes re-ranks a chat question's notes: it only lowers scores, and follows set and delete", () => {
  const notes = {
    a: 'Adyen refunds use the Adyen refund endpoint with Adyen keys',
    b: 'Adyen webhooks verify the HMAC signature',
    c: 'Stripe webhooks retry for three days',
  };
  const question = wordBag(words, 'How are Adyen webhooks verified?');
  const memoryWith = (weight: number, ids = Object.keys(notes)) => {
    const memory = new NoteSlotMemory(words, basis, { ...defaultNoteSlotSettings, chatNormPower: 1, chatBm25Weight: weight });
    for (const id of ids)
      memory.set({
        ...noteOf(id, notes[id as keyof typeof notes], memory),
        count: 0,
        keys: new Float32Array(0),
        values: new Float32Array(0),
      });
    return memory;
  };
  const plain = memoryWith(0).gates(question, 'chat');
  const ranked = memoryWith(0.3).gates(question, 'chat');
  for (const id of ranked.keys()) assert.ok(plain.has(id), 'no note is read that was not read without BM25');
  assert.ok(ranked.get(toNoteId('b'))! >= plain.get(toNoteId('b'))!, 'the note with the rarest shared words keeps its score');
  assert.ok(
    ranked.get(toNoteId('a'))! < plain.get(toNoteId('a'))! / 4,
    `Adyen alone counts for little among Adyen notes: ${plain.get(toNoteId('a'))} -> ${ranked.get(toNoteId('a'))}`,
  );
  assert.equal(
    memoryWith(0.3).gates(question, 'code').get(toNoteId('a')),
    memoryWith(0).gates(question, 'code').get(toNoteId('a')),
    'code is not re-ranked',
  );

  // Word counts over the notes follow replacing and deleting a note.
  const changed = memoryWith(0.3);
  changed.set({
    ...noteOf('c', 'Stripe charges retry for three days', changed),
    count: 0,
    keys: new Float32Array(0),
    values: new Float32Array(0),
  });
  changed.set({ ...noteOf('c', notes.c, changed), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
  assert.deepEqual([...changed.gates(question, 'chat')], [...ranked]);
  changed.delete(toNoteId('c'));
  assert.deepEqual([...changed.gates(question, 'chat')], [...memoryWith(0.3, ['a', 'b']).gates(question, 'chat')]);
});
