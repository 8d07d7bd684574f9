// The reference GPT's parameters as named Float32Arrays with a fixed seed, and one random token batch.
// Both engines load these, so their first losses must agree: that is the check that they run the same model.
//
// Layout (no biases; matrices are [in, out] so y = x W):
//   wte [vocab, d]  token embedding, tied with the output projection (logits = h wte^T)
//   wpe [context, d] learned positional embedding
//   h{i}.ln1 [d], h{i}.wqkv [d, 3d], h{i}.wo [d, d], h{i}.ln2 [d], h{i}.w1 [d, 4d], h{i}.w2 [4d, d]
//   lnf [d]

import { ReferenceGptConfig, tokensPerBatch } from './referenceGptConfig';
import { gaussianArray, mulberry32 } from './seededRandom';

export interface NamedParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface TokenBatch {
  /** [batch, context] input token ids. */
  readonly inputs: Int32Array;
  /** [batch, context] next-token targets (inputs shifted left by one). */
  readonly targets: Int32Array;
}

const initStd = 0.02;

export function referenceGptParameters(config: ReferenceGptConfig, seed: number): NamedParameter[] {
  const random = mulberry32(seed);
  const d = config.dModel;
  const matrix = (name: string, rows: number, cols: number): NamedParameter => ({
    name,
    shape: [rows, cols],
    values: gaussianArray(random, rows * cols, initStd),
  });
  const gain = (name: string): NamedParameter => ({ name, shape: [d], values: new Float32Array(d).fill(1) });

  const params: NamedParameter[] = [matrix('wte', config.vocabSize, d), matrix('wpe', config.contextLength, d)];
  for (let i = 0; i < config.nLayers; i++) {
    params.push(
      gain(`h${i}.ln1`),
      matrix(`h${i}.wqkv`, d, 3 * d),
      matrix(`h${i}.wo`, d, d),
      gain(`h${i}.ln2`),
      matrix(`h${i}.w1`, d, config.mlpHidden),
      matrix(`h${i}.w2`, config.mlpHidden, d),
    );
  }
  params.push(gain('lnf'));
  return params;
}

export function parameterCount(params: readonly NamedParameter[]): number {
  return params.reduce((sum, p) => sum + p.values.length, 0);
}

export function randomTokenBatch(config: ReferenceGptConfig, seed: number): TokenBatch {
  const random = mulberry32(seed);
  const { batchSize, contextLength, vocabSize } = config;
  const inputs = new Int32Array(tokensPerBatch(config));
  const targets = new Int32Array(tokensPerBatch(config));
  for (let b = 0; b < batchSize; b++) {
    // One sequence of context+1 tokens per row; targets are the inputs shifted by one.
    const sequence = Array.from({ length: contextLength + 1 }, () => Math.floor(random() * vocabSize));
    for (let t = 0; t < contextLength; t++) {
      inputs[b * contextLength + t] = sequence[t];
      targets[b * contextLength + t] = sequence[t + 1];
    }
  }
  return { inputs, targets };
}
