import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bagCosine, countWordFrequencies, inverseDocumentFrequency, wordBag, wordBucket } from './wordBag';

const background = countWordFrequencies(
  [
    'const value = request.body; return value;',
    'function handle(request) { return request.value; }',
    'import express from "express"; const app = express();',
    'the request value is returned to the caller',
  ],
  1 << 10,
);

test('words every background document has weigh less than rare ones', () => {
  assert.equal(background.documents, 4);
  assert.ok(inverseDocumentFrequency(background, 'request') < inverseDocumentFrequency(background, 'idempotency'));
  assert.ok(inverseDocumentFrequency(background, 'value') < inverseDocumentFrequency(background, 'express'));
});

test('a bag is unit length and a text is most like itself', () => {
  const note = wordBag(background, 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id');
  let squares = 0;
  for (const weight of note.values()) squares += weight * weight;
  assert.ok(Math.abs(squares - 1) < 1e-9);
  assert.ok(Math.abs(bagCosine(note, note) - 1) < 1e-9);
});

test("a question sharing the note's rare words is closer to it than to an unrelated note", () => {
  const adyen = wordBag(background, 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id');
  const branches = wordBag(background, 'Every PR targets master, which auto-deploys to staging');
  const question = wordBag(background, 'What goes into the Idempotency-Key header of an Adyen capture request?');
  assert.ok(bagCosine(question, adyen) > 0.3, `cosine ${bagCosine(question, adyen)}`);
  assert.equal(bagCosine(question, branches), 0);
  assert.equal(bagCosine(question, adyen), bagCosine(adyen, question));
});

test('identifier parts match their words (indexTerms splits them)', () => {
  const note = wordBag(background, 'Retries use the idempotencyKey of the payment');
  const prefix = wordBag(background, "headers['idempotency-key'] = payment.");
  assert.ok(bagCosine(note, prefix) > 0.2, `cosine ${bagCosine(note, prefix)}`);
});

test('a text without words has an empty bag, and cosines with it are 0', () => {
  const empty = wordBag(background, ' ;{}() ');
  assert.equal(empty.size, 0);
  assert.equal(bagCosine(empty, wordBag(background, 'Adyen')), 0);
});

test('buckets are stable and in range; a table size that is not a power of two is refused', () => {
  assert.equal(wordBucket('adyen', 1 << 16), wordBucket('adyen', 1 << 16));
  for (const word of ['a', 'adyen', 'idempotency', 'transaction.id']) {
    const bucket = wordBucket(word, 1 << 8);
    assert.ok(bucket >= 0 && bucket < 256);
  }
  assert.throws(() => countWordFrequencies([], 1000), /power of two/);
});
