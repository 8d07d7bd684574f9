// The reference model of DESIGN.md §3 (a small GPT, ~4.2M parameters) and the benchmark batch shape.
// Both sides of the engine benchmark build exactly this model from these numbers.

export interface ReferenceGptConfig {
  readonly vocabSize: number;
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly headDim: number;
  readonly contextLength: number;
  readonly mlpHidden: number;
  readonly batchSize: number;
  readonly rmsNormEps: number;
}

export const referenceGptConfig: ReferenceGptConfig = {
  vocabSize: 4096,
  dModel: 256,
  nLayers: 4,
  nHeads: 4,
  headDim: 64,
  contextLength: 128,
  mlpHidden: 4 * 256,
  batchSize: 8,
  rmsNormEps: 1e-5,
};

/** Tokens in one benchmark batch (batch x context). */
export function tokensPerBatch(config: ReferenceGptConfig): number {
  return config.batchSize * config.contextLength;
}
