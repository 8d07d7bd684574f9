// The write path's two graphs for a packed batch (writerBatch.ts): the model's own
// buildMemoryAddressGraph / buildMemoryUpperGraph, with the attention mask fed per run
// (block-diagonal, (B, 1, T, T)) instead of one causal mask, so several training sequences share a
// row without seeing each other. The test holds both against the model's graphs.
//
//   lower (once per write): tokens -> blocks below the memory -> residual, slots, weights, memory output
//   upper (once per step):  residual + memory output -> blocks above -> weighted loss on the loss
//                           positions only, d(loss)/d(memory output)
//
// Dimension letters: B rows, T row length, C model width.

import { GraphBuilder, OnnxModel, Tensor, exportOnnx, grad } from '../../engine';
import { ModelConfig, headSize } from '../../model/config';
import { feedNames, OutputVocabulary, outputNames, vocabularyLogits } from '../../model/modelGraphs';
import { PositionTensors, crossEntropy, declareParameters, embed, rotaryTables, runFromMemory, runToMemory } from '../../model/transformer';

/** Output names of the upper graph besides the model's (loss, grad.memory.output). */
export const writerOutputNames = { correct: outputNames.correct } as const;

function packedPositions(g: GraphBuilder, config: ModelConfig, B: number, T: number): PositionTensors {
  const half = headSize(config) / 2;
  const { cos, sin } = rotaryTables(config, 0, T);
  return {
    cos: g.constant(cos, [T, 1, half], 'rope.cos'),
    sin: g.constant(sin, [T, 1, half], 'rope.sin'),
    mask: g.input(feedNames.mask, 'float32', [B, 1, T, T]),
  };
}

function requireMemory(config: ModelConfig): void {
  if (config.memoryKind !== 'pkm') throw new Error('the memory writer needs a model with a memory layer (memoryKind pkm)');
}

/** Blocks below the memory and its lookup: residual, chosen slots and weights, and the memory's output. */
export function buildPackedAddressGraph(config: ModelConfig, B: number, T: number): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [B, T]);
  const positions = packedPositions(g, config, B, T);
  const lower = runToMemory(g, config, w, embed(g, w, tokens), positions);
  return exportOnnx(
    {
      [outputNames.memoryResidual]: lower.residual,
      [outputNames.memoryOutput]: lower.output, // (B, T, C)
      [outputNames.memorySlots]: lower.address.slots,
      [outputNames.memoryWeights]: lower.address.weights,
    },
    { graphName: 'mnemo_write_address' },
  );
}

/** Feed names of the upper graph besides the model's. */
export const writerFeedNames = {
  /** (M): indices into the flattened B * T positions where the loss counts. */
  lossPositions: 'loss_positions',
  candidateIds: feedNames.candidateIds,
  candidateBias: feedNames.candidateBias,
} as const;

/** Output of the full-vocabulary upper graph: each loss position's most likely tokens (M, k). */
export const predictedOutput = outputNames.predicted;

/** How the upper graph normalises the next-token distribution (the model's OutputVocabulary). */
export type UpperVocabulary = OutputVocabulary;

/**
 * From the memory block's residual and (fed) memory output through the blocks above to the
 * weighted next-token loss at M chosen positions (the answer/fact tokens; padded entries carry
 * weight 0), so the vocabulary projection, the largest cost of a step, runs only where the loss
 * counts. Returns the loss, d(loss)/d(memory output) and per-position argmax correctness (M).
 *
 * vocabulary 'full': the softmax over all V tokens; also outputs each position's top predictions.
 * vocabulary 'candidates': the softmax over K fed token ids (targets are indices into them), a
 * sampled softmax that costs K/V of the full projection; the writer fills it with every target
 * and the tokens the model itself finds likely at each position.
 */
export function buildPackedUpperGraph(config: ModelConfig, B: number, T: number, M: number, vocabulary: UpperVocabulary = { kind: 'full', predictions: 0 }): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const C = config.dModel;
  const residual = g.input(feedNames.memoryResidual, 'float32', [B, T, C]);
  const memoryOutput = g.input(feedNames.memoryOutput, 'float32', [B, T, C]);
  const lossPositions = g.input(writerFeedNames.lossPositions, 'int64', [M]);
  const targets = g.input(feedNames.targets, 'int64', [M]);
  const lossWeights = g.input(feedNames.lossWeights, 'float32', [M]);
  const positions = packedPositions(g, config, B, T);
  const top = runFromMemory(g, config, w, residual, memoryOutput, positions);
  const picked = g.gather(g.reshape(top, [B * T, C]), lossPositions); // (M, C)
  const { logits, predicted } = vocabularyLogits(g, config, w, picked, vocabulary);
  const outputs: Record<string, Tensor> = predicted ? { [predictedOutput]: predicted } : {};
  const { loss, correct } = crossEntropy(g, logits, targets, lossWeights);
  const [dOutput] = grad(loss, [memoryOutput]);
  outputs[outputNames.loss] = loss;
  outputs[outputNames.gradient(outputNames.memoryOutput)] = dOutput!;
  outputs[writerOutputNames.correct] = correct;
  return exportOnnx(outputs, { graphName: vocabulary.kind === 'full' ? 'mnemo_write_upper' : 'mnemo_write_upper_candidates' });
}
