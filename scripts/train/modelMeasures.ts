// Measures of a model shared by bench:model and the size comparison: held-out loss and token
// accuracy on fixed batches, and prefill/decode latency on this machine.

import type { LanguageModel } from '../../src/model/languageModel';
import { evaluationBatches } from './tokenBatches';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Mean loss and token accuracy over `batches` fixed (B, T) batches of the held-out tokens. */
export async function heldOutLossOf(
  model: LanguageModel,
  heldoutTokens: Uint16Array,
  shape: { readonly batch: number; readonly length: number; readonly batches: number },
): Promise<{ loss: number; accuracy: number }> {
  let loss = 0;
  let correct = 0;
  let targets = 0;
  const batches = evaluationBatches(heldoutTokens, shape.batch, shape.length, shape.batches);
  for (const batch of batches) {
    const result = await model.evaluate(batch.tokens, batch.targets, shape.batch, shape.length);
    loss += result.loss;
    for (const c of result.correct) correct += c;
    targets += result.correct.length;
  }
  return { loss: loss / batches.length, accuracy: correct / targets };
}

/** Median ms of a 512-token prefill (after one warm-up) and of one decoded token after 128. */
export async function latencyOf(model: LanguageModel, tokens: Uint16Array, repeats: number): Promise<{ prefill: number; decode: number }> {
  const context = model.config.contextLength; // 512 for every real size; smaller only in smoke tests
  const prompt = Array.from(tokens.subarray(0, Math.min(512, context)));
  const prefillTimes: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const started = process.hrtime.bigint();
    await model.extend(model.newCache(), prompt);
    if (r > 0) prefillTimes.push(Number(process.hrtime.bigint() - started) / 1e6); // the first run warms up
  }
  const decodeTimes: number[] = [];
  const cache = model.newCache();
  const prefix = Math.min(128, Math.floor(context / 4));
  await model.extend(cache, prompt.slice(0, prefix));
  for (let i = 0; i < Math.min(65, context - prefix); i++) {
    const started = process.hrtime.bigint();
    await model.extend(cache, [tokens[prefix + i]!]);
    if (i > 0) decodeTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { prefill: median(prefillTimes), decode: median(decodeTimes) };
}
