// The chat's abstention and its citations through the service, on the tiny model with a keyed note
// memory: a question no note is gated for gets the sentence and no citations (nothing streamed); a
// question about a note is answered citing the notes its positions read, shares summing to 1; a
// forgotten note is never cited; the threshold is the service's setting; a question sharing only
// common words with its note abstains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoteId } from '../memory/note';
import { MemoryService } from './memoryService';
import type { AskResult } from './protocol';
import { createTinyModelDir, tempStoreDir } from './tinyModelFixture';

const slotWriter = { steps: 4, maxRows: 128 };
const modelDir = createTinyModelDir(7, undefined, { noteSlots: true });
const ADYEN = 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.';
const MASTER = 'Every PR targets master, which auto-deploys to staging.';

async function ask(service: MemoryService, question: string): Promise<{ result: AskResult; streamed: string }> {
  let streamed = '';
  const result = await service.ask({ question, maxTokens: 4 }, { onChunk: chunk => (streamed += chunk.text) });
  return { result, streamed };
}

test('chat: abstains with nothing remembered and on a question no note covers; answers and cites by read mass otherwise', async () => {
  const service = await MemoryService.open({ storeDir: tempStoreDir(), modelDir, author: 'test', research: { slotWriter } });
  const empty = await ask(service, 'How do I reverse a string in JavaScript?');
  assert.deepEqual(empty.result.outcome, { kind: 'abstained', reason: 'no-notes', related: [] });
  assert.deepEqual([empty.result.citations, empty.result.tokens, empty.streamed], [[], 0, '']);

  const adyen = (await service.remember({ text: ADYEN, kind: 'decision' })).notes[0]!.id as NoteId;
  await service.remember({ text: MASTER, kind: 'convention' });

  const unrelated = await ask(service, 'How do I center a div with CSS?');
  assert.equal(unrelated.result.outcome.kind, 'abstained');
  assert.equal(unrelated.result.answer, 'No remembered note covers this question.');
  assert.deepEqual([unrelated.result.citations, unrelated.streamed], [[], ''], 'no model text and no citation');

  const about = await ask(service, 'What builds the Adyen Idempotency-Key?');
  assert.deepEqual(about.result.outcome, { kind: 'answered' });
  assert.equal(about.result.citations[0]?.noteId, adyen);
  const total = about.result.citations.reduce((sum, c) => sum + c.weight, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `shares sum to ${total}`);
  assert.ok(
    about.result.citations.every(c => c.weight >= 0.02),
    JSON.stringify(about.result.citations),
  );

  await service.forget({ id: adyen });
  const after = await ask(service, 'What builds the Adyen Idempotency-Key?');
  assert.ok(!after.result.citations.some(c => c.noteId === adyen), 'a forgotten note is never cited');
  if (after.result.outcome.kind === 'abstained') assert.ok(!after.result.outcome.related.some(r => r.noteId === adyen));
  await service.close();
});

test('chat: the answer threshold is a setting; an abstention lists nearby notes as related, not as citations', async () => {
  const service = await MemoryService.open({
    storeDir: tempStoreDir(),
    modelDir,
    author: 'test',
    research: { slotWriter },
    answerSupport: { answerGate: 1.01 },
  });
  const adyen = (await service.remember({ text: ADYEN, kind: 'decision' })).notes[0]!.id as NoteId;
  const { result, streamed } = await ask(service, 'What builds the Adyen Idempotency-Key?');
  assert.equal(result.outcome.kind, 'abstained');
  assert.deepEqual([result.citations, streamed], [[], '']);
  if (result.outcome.kind === 'abstained') {
    assert.equal(result.outcome.reason, 'no-note-fits');
    assert.equal(result.outcome.related[0]?.noteId, adyen);
    assert.ok(result.outcome.related[0]!.gate < 1.01);
  }
  await service.close();
});

test('chat: a question that shares only common words with its best note abstains (shared idf mass), unless the setting is off', async () => {
  // The tiny model's background has "value", "returned" and "caller" (fixture documents); "cents"
  // and "invoice" are in none of them, so they are as rare as a word can be.
  const note = 'The value returned to the caller is the invoice total in cents.';
  for (const [sharedIdfMass, expected] of [
    [undefined, 'abstained'],
    [0, 'answered'],
  ] as const) {
    const service = await MemoryService.open({
      storeDir: tempStoreDir(),
      modelDir,
      author: 'test',
      research: { slotWriter },
      ...(sharedIdfMass === undefined ? {} : { answerSupport: { sharedIdfMass } }),
    });
    const id = (await service.remember({ text: note, kind: 'convention' })).notes[0]!.id as NoteId;
    const common = await ask(service, 'What is the value returned to the caller?');
    assert.equal(common.result.outcome.kind, expected, `sharedIdfMass ${sharedIdfMass ?? 'default'}`);
    if (common.result.outcome.kind === 'abstained') {
      assert.equal(common.result.outcome.related[0]?.noteId, id, 'the note is near, so listed as related');
      assert.deepEqual([common.result.citations, common.streamed], [[], '']);
    }
    const rare = await ask(service, 'Are invoice totals in cents?');
    assert.equal(rare.result.outcome.kind, 'answered');
    assert.equal(rare.result.citations[0]?.noteId, id);
    await service.close();
  }
});
