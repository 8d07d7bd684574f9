import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSpecialToken, SpecialToken } from '../../model/specialTokens';
import { loadTokenizer } from '../../model/tokenizer';
import { prefixBags, PrefixWords } from './prefixWords';
import { countWordFrequencies, WordBag, wordBag } from './wordBag';

const tokenizer = loadTokenizer();
const words = countWordFrequencies(['const value = request.body;', 'import fs from "fs"', 'the value is returned'], 1 << 12);
const text = `async function makeCaptureRequest(transaction, captureRequest) {
  const headers = { 'Idempotency-Key': transaction.id, "x-api_key": cfg.apiKey };
  // The Adyen integration builds the key itself.
  return post(headers);
}`;

function close(a: WordBag, b: WordBag): boolean {
  if (a.size !== b.size) return false;
  for (const [word, weight] of a) if (Math.abs((b.get(word) ?? NaN) - weight) > 1e-12) return false;
  return true;
}

test("the bag of every prefix, kept as tokens arrive, is the bag of that prefix's whole text", () => {
  const ids = [SpecialToken.file, ...tokenizer.encode(`src/pay.js\n${text}`), SpecialToken.endOfText];
  const bags = prefixBags(tokenizer, words, ids);
  assert.equal(bags.length, ids.length);
  for (let t = 0; t < ids.length; t++) {
    const prefixText = ids
      .slice(0, t + 1)
      .map(id => (isSpecialToken(id) ? ' ' : tokenizer.decode([id])))
      .join('');
    assert.ok(close(bags[t]!, wordBag(words, prefixText)), `position ${t}: ${JSON.stringify(prefixText.slice(-30))}`);
  }
  assert.ok(bags[ids.length - 1]!.has('idempotency'));
});

test('a word split over tokens counts once, whole, and nothing is counted twice across pushes', () => {
  const prefix = new PrefixWords(tokenizer, words);
  for (const id of tokenizer.encode('captureRequest captureRequest')) prefix.push(id);
  assert.equal(prefix.length, tokenizer.encode('captureRequest captureRequest').length);
  assert.ok(close(prefix.bag(), wordBag(words, 'captureRequest captureRequest')));
});
