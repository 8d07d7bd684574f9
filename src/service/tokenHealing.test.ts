// Tests of token healing with the real tokenizer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCompletionPrompt } from '../model/chatFormat';
import { loadTokenizer } from '../model/tokenizer';
import { healPrompt } from './tokenHealing';

const tokenizer = loadTokenizer();

test('tokenHealing: a trailing space is taken back and the first token must start with it', () => {
  const header = formatCompletionPrompt(tokenizer, 'a.js', '');
  const prompt = formatCompletionPrompt(tokenizer, 'a.js', "headers['Idempotency-Key'] = ");
  const healed = healPrompt(tokenizer, prompt, header.length);
  assert.equal(healed.prompt.length, prompt.length - 1);
  assert.equal(healed.removedText, ' ');
  const [transaction] = tokenizer.encode(' transaction');
  const [plain] = tokenizer.encode('transaction');
  assert.equal(healed.allowFirst!(transaction!), true);
  assert.equal(healed.allowFirst!(plain!), false);
  assert.equal(healed.allowFirst!(prompt[prompt.length - 1]!), true, 'the removed token itself stays allowed');
});

test('tokenHealing: the header, special ids and non-ASCII tokens are left alone', () => {
  const header = formatCompletionPrompt(tokenizer, 'a.js', '');
  assert.equal(healPrompt(tokenizer, header, header.length).removedText, '');
  const accented = formatCompletionPrompt(tokenizer, 'a.md', 'café');
  const last = tokenizer.tokenBytes(accented[accented.length - 1]!);
  if (last.some(b => b >= 0x80)) assert.equal(healPrompt(tokenizer, accented, header.length).removedText, '');
  assert.equal(healPrompt(tokenizer, [...header, 16384], header.length).removedText, '');
});
