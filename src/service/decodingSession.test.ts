// Tests of the decoding session: cache reuse gives the same tokens (and probabilities, to float
// precision) as a fresh run; a new memory version empties the cache; stop tokens and rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyConfig } from '../model/config';
import { LanguageModel } from '../model/languageModel';
import { initParameters } from '../model/parameters';
import { DecodingSession, probabilityOf } from './decodingSession';

test('decodingSession: reuse, memory version, stops', async () => {
  const model = new LanguageModel(tinyConfig, initParameters(tinyConfig, 3));
  const none = new Set<number>();
  const fresh = await new DecodingSession(model).decode([1, 2, 3, 4], 0, { maxTokens: 5, stopTokens: none });
  assert.equal(fresh.tokens.length, 5);
  assert.equal(fresh.stop, 'max_tokens');

  const session = new DecodingSession(model);
  await session.decode([1, 2, 9, 9], 0, { maxTokens: 2, stopTokens: none });
  const reused = await session.decode([1, 2, 3, 4], 0, { maxTokens: 5, stopTokens: none });
  assert.equal(reused.reusedTokens, 2);
  assert.deepEqual(reused.tokens, fresh.tokens);
  // Cached positions are computed in other batches, so the probabilities agree to float precision.
  reused.probabilities.forEach((p, i) => assert.ok(Math.abs(p - fresh.probabilities[i]!) < 1e-6, `token ${i}`));
  const afterWrite = await session.decode([1, 2, 3, 4], 1, { maxTokens: 1, stopTokens: none });
  assert.equal(afterWrite.reusedTokens, 0, 'a new memory version empties the cache');

  const stopped = await session.decode([1, 2, 3, 4], 1, { maxTokens: 5, stopTokens: new Set([fresh.tokens[1]!]) });
  assert.deepEqual(stopped.tokens, fresh.tokens.slice(0, 1));
  assert.equal(stopped.stop, 'stop_token');
  const ruled = await session.decode([1, 2, 3, 4], 1, { maxTokens: 5, stopTokens: none, onToken: (_t, all) => all.length === 3 });
  assert.equal(ruled.stop, 'stop_rule');
  assert.equal(ruled.tokens.length, 3);
  const healed = await session.decode([1, 2, 3, 4], 1, { maxTokens: 1, stopTokens: none, allowFirst: t => t === 7 });
  assert.deepEqual(healed.tokens, [7]);
  const forced = await session.decode([1, 2, 3, 4], 1, { maxTokens: 4, stopTokens: none, forced: [11, 12] });
  assert.deepEqual(forced.tokens.slice(0, 2), [11, 12], 'forced tokens come first whatever the logits');
  const after = await new DecodingSession(model).decode([1, 2, 3, 4, 11, 12], 1, { maxTokens: 2, stopTokens: none });
  assert.deepEqual(forced.tokens.slice(2), after.tokens, 'then greedy decoding goes on from them');
  // Each token's probability: 1 for forced ones, within (0, 1] for chosen ones, 1 for the only allowed one.
  assert.deepEqual(forced.probabilities.slice(0, 2), [1, 1]);
  for (const p of fresh.probabilities) assert.ok(p > 0 && p <= 1, String(p));
  assert.deepEqual(healed.probabilities, [1]);
  const floored = await new DecodingSession(model).decode([1, 2, 3, 4], 0, { maxTokens: 5, stopTokens: none, probabilityFloor: 1 });
  assert.deepEqual(floored.tokens, fresh.tokens, 'the floor changes no token');
  assert.equal(floored.probabilities[0], fresh.probabilities[0]);
  assert.deepEqual(floored.probabilities.slice(1), [0, 0, 0, 0], 'below the floor the rest are not computed');
  await model.dispose();
});

test('decodingSession: probabilityOf is the softmax, over the allowed tokens when restricted', () => {
  const logits = new Float32Array([0, Math.log(3), 0, 0]);
  assert.ok(Math.abs(probabilityOf(logits, 1) - 0.5) < 1e-6);
  assert.ok(Math.abs(probabilityOf(logits, 1, t => t <= 1) - 0.75) < 1e-6);
  assert.equal(
    probabilityOf(logits, 1, () => false),
    0,
  );
});
