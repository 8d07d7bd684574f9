import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tinyConfig } from './config';
import { generate, GenerationResult, sharedPrefixLength } from './generate';
import { LanguageModel } from './languageModel';
import { initParameters } from './parameters';
import { argmax, greedySampling } from './sampling';

async function collect(iterator: AsyncGenerator<unknown, GenerationResult>): Promise<GenerationResult> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return next.value;
  }
}

test('greedy generation equals repeated full forwards, and a reused cache changes nothing', async () => {
  const model = new LanguageModel(tinyConfig, initParameters(tinyConfig, 4));
  const prompt = [1, 2, 3, 4, 5];
  const result = await collect(generate(model, model.newCache(), [], prompt, { maxTokens: 6, sampling: greedySampling, seed: 1 }));
  assert.equal(result.reason, 'max_tokens');
  const sequence = [...prompt];
  for (let i = 0; i < 6; i++) {
    const { logits } = await model.extend(model.newCache(), sequence);
    sequence.push(argmax(logits));
  }
  assert.deepEqual(result.tokens, sequence.slice(prompt.length));

  const cache = model.newCache();
  await model.extend(cache, [1, 2, 3, 9, 9]);
  const reused = await collect(generate(model, cache, [1, 2, 3, 9, 9], prompt, { maxTokens: 6, sampling: greedySampling, seed: 1 }));
  assert.deepEqual(reused.tokens, result.tokens);
  await model.dispose();
});

test('stop tokens, stop sequences and the context limit end generation', async () => {
  const model = new LanguageModel(tinyConfig, initParameters(tinyConfig, 4));
  const decode = (tokens: readonly number[]) => tokens.map(t => String.fromCharCode(97 + (t % 26))).join('');
  const free = await collect(generate(model, model.newCache(), [], [1, 2], { maxTokens: 5, sampling: greedySampling, seed: 1, decode }));
  const first = free.tokens[0]!;
  const stopped = await collect(
    generate(model, model.newCache(), [], [1, 2], { maxTokens: 5, sampling: greedySampling, seed: 1, stopTokens: [first] }),
  );
  assert.deepEqual(stopped, { tokens: [], text: '', reason: 'stop_token' });
  const cut = await collect(
    generate(model, model.newCache(), [], [1, 2], {
      maxTokens: 5,
      sampling: greedySampling,
      seed: 1,
      decode,
      stopSequences: [free.text.slice(1, 2)],
    }),
  );
  assert.equal(cut.reason, 'stop_sequence');
  assert.ok(!cut.text.includes(free.text.slice(1, 2)));
  const long = await collect(
    generate(model, model.newCache(), [], [1, 2], { maxTokens: 100, sampling: { temperature: 1, topP: 0.9 }, seed: 3 }),
  );
  assert.equal(long.reason, 'context');
  assert.equal(long.tokens.length, tinyConfig.contextLength - 2 + 1);
  assert.equal(sharedPrefixLength([1, 2, 3], [1, 2, 4]), 2);
  await model.dispose();
});
