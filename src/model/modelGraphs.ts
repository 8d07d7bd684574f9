// The graphs the model runs, each built from transformer.ts and exported to ONNX:
// - training: loss and the gradients of every parameter in one run (batch and length fixed);
// - evaluation: loss, argmax accuracy and the slots read, no gradients;
// - prefill / extend: incremental decoding with a KV cache, reporting the slots each position read;
// - memoryAddress / memoryUpper: the write path's two halves. The lower half runs once per write
//   (everything below the memory lookup is frozen); the upper half takes the memory layer's output
//   as an input and returns d(loss)/d(that output), backpropagating only through the blocks above.
//
// Feed names: parameters by their own names; "tokens", "targets", "loss_weights";
// "rope.cos", "rope.sin", "mask"; "past.{layer}.key"/"past.{layer}.value"; "memory.residual",
// "memory.output". Output names: "loss", "correct", "logits", "present.{layer}.key"/".value",
// "memory.slots", "memory.weights", "grad.{parameter}", "grad.memory.output".

import { GraphBuilder, OnnxModel, Tensor, exportOnnx, grad } from '../engine';
import { ModelConfig, headSize } from './config';
import { parameterNames, parameterSpecs } from './parameters';
import { pkmUsageLoss } from './pkm';
import {
  KeyValue,
  PositionTensors,
  causalMask,
  crossEntropy,
  declareParameters,
  embed,
  ParameterTensors,
  logitsOf,
  rmsNorm,
  rotaryTables,
  runFromMemory,
  runModel,
  runToMemory,
} from './transformer';

export const feedNames = {
  tokens: 'tokens',
  targets: 'targets',
  lossWeights: 'loss_weights',
  cos: 'rope.cos',
  sin: 'rope.sin',
  mask: 'mask',
  pastKey: (layer: number) => `past.${layer}.key`,
  pastValue: (layer: number) => `past.${layer}.value`,
  memoryResidual: 'memory.residual',
  memoryOutput: 'memory.output',
  finalStates: 'final.states',
  noteSlotOutput: 'note_slots.output',
  /** (K): token ids of a candidate vocabulary. */
  candidateIds: 'candidates.ids',
  /** (K): 0 for a real candidate, MASKED for padding. */
  candidateBias: 'candidates.bias',
} as const;

export const outputNames = {
  loss: 'loss',
  correct: 'correct',
  logits: 'logits',
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
  memorySlots: 'memory.slots',
  memoryWeights: 'memory.weights',
  memoryUsageLoss: 'memory.usage_loss',
  memoryResidual: 'memory.residual',
  memoryOutput: 'memory.output',
  /** The last block's output (before the final norm): what the keyed note memory reads and adds to. */
  finalState: 'final.state',
  finalStates: 'final.states',
  predicted: 'predicted',
  gradient: (name: string) => `grad.${name}`,
} as const;

/** Rotary tables and the causal mask for a fixed length, stored in the graph as constants. */
function constantPositions(g: GraphBuilder, config: ModelConfig, T: number): PositionTensors {
  const half = headSize(config) / 2;
  const { cos, sin } = rotaryTables(config, 0, T);
  return {
    cos: g.constant(cos, [T, 1, half], 'rope.cos'),
    sin: g.constant(sin, [T, 1, half], 'rope.sin'),
    mask: g.constant(causalMask(T), [T, T], 'mask'),
  };
}

/** Rotary tables and mask fed per run, for a symbolic number of new positions "T". */
function fedPositions(g: GraphBuilder, config: ModelConfig): PositionTensors {
  const half = headSize(config) / 2;
  return {
    cos: g.input(feedNames.cos, 'float32', ['T', 1, half]),
    sin: g.input(feedNames.sin, 'float32', ['T', 1, half]),
    mask: g.input(feedNames.mask, 'float32', ['T', 'T']),
  };
}

function memoryOutputs(memory: { slots: Tensor; weights: Tensor } | null): Record<string, Tensor> {
  return memory ? { [outputNames.memorySlots]: memory.slots, [outputNames.memoryWeights]: memory.weights } : {};
}

/** Loss over all B*T next-token targets, in a graph with constant positions. */
function lossGraph(config: ModelConfig, batch: number, length: number) {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [batch, length]);
  const targets = g.input(feedNames.targets, 'int64', [batch, length]);
  const stack = runModel(g, config, w, embed(g, w, tokens), constantPositions(g, config, length), null);
  const logits = logitsOf(g, config, w, g.reshape(stack.x, [batch * length, config.dModel])); // (B*T, V)
  const { loss, correct } = crossEntropy(g, logits, g.reshape(targets, [batch * length]), null);
  return { g, w, loss, correct, memory: stack.memory };
}

export interface TrainingGraphOptions {
  /** Weight of the memory usage loss (pkm.ts, pkmUsageLoss) added to the cross-entropy; 0 = none. */
  readonly memoryUsageWeight: number;
}

/** Cross-entropy ("loss"), the memory usage loss, and the gradient of cross-entropy + weight * usage
 *  loss for every parameter, in one run; also the slots read (for the slot-usage figure). */
export function buildTrainingGraph(
  config: ModelConfig,
  batch: number,
  length: number,
  options: TrainingGraphOptions = { memoryUsageWeight: 0 },
): OnnxModel {
  const { g, w, loss, memory } = lossGraph(config, batch, length);
  const names = parameterSpecs(config).map(spec => spec.name);
  const usageLoss = memory ? pkmUsageLoss(g, memory) : null;
  const objective = usageLoss && options.memoryUsageWeight > 0 ? g.add(loss, g.mul(usageLoss, options.memoryUsageWeight)) : loss;
  const gradients = grad(
    objective,
    names.map(name => w.get(name)!),
  );
  const outputs: Record<string, Tensor> = { [outputNames.loss]: loss, ...memoryOutputs(memory) };
  if (usageLoss) outputs[outputNames.memoryUsageLoss] = usageLoss;
  names.forEach((name, i) => (outputs[outputNames.gradient(name)] = gradients[i]!));
  return exportOnnx(outputs, { graphName: 'mnemo_train' });
}

/** Held-out loss and per-target argmax correctness, and the slots read. */
export function buildEvaluationGraph(config: ModelConfig, batch: number, length: number): OnnxModel {
  const { loss, correct, memory } = lossGraph(config, batch, length);
  return exportOnnx({ [outputNames.loss]: loss, [outputNames.correct]: correct, ...memoryOutputs(memory) }, { graphName: 'mnemo_eval' });
}

/**
 * Incremental decoding for one sequence. Without past: the prompt's T tokens. With past: T more
 * tokens after P cached ones (T = 1 is a decode step). Outputs the last position's logits (1, V),
 * the new positions' keys/values per layer (1, T, nh, hs), and the slots/weights each new position
 * read (1, T, H, k).
 */
export function buildInferenceGraph(config: ModelConfig, withPast: boolean): OnnxModel {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const [nh, hs] = [config.nHeads, headSize(config)];
  const tokens = g.input(feedNames.tokens, 'int64', [1, 'T']);
  const positions = fedPositions(g, config);
  let past: KeyValue[] | null = null;
  if (withPast) {
    past = [];
    for (let layer = 0; layer < config.nLayers; layer++) {
      past.push({
        key: g.input(feedNames.pastKey(layer), 'float32', [1, 'P', nh, hs]),
        value: g.input(feedNames.pastValue(layer), 'float32', [1, 'P', nh, hs]),
      });
    }
  }
  const stack = runModel(g, config, w, embed(g, w, tokens), positions, past);
  const last = g.gather(stack.x, g.constant(new BigInt64Array([-1n]), [], 'last_position'), 1); // (1, C)
  const outputs: Record<string, Tensor> = {
    [outputNames.logits]: logitsOf(g, config, w, last),
    [outputNames.finalState]: last,
    ...memoryOutputs(stack.memory),
  };
  stack.present.forEach((kv, layer) => {
    outputs[outputNames.presentKey(layer)] = kv.key;
    outputs[outputNames.presentValue(layer)] = kv.value;
  });
  return exportOnnx(outputs, { graphName: withPast ? 'mnemo_extend' : 'mnemo_prefill' });
}

/** The write path's lower half: everything up to the memory lookup, for a batch of sequences.
 *  Outputs the residual entering the memory FFN half, the slots and weights chosen, and the memory
 *  layer's output (which the writer changes only through the value rows). */
export function buildMemoryAddressGraph(config: ModelConfig, batch: number, length: number): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [batch, length]);
  const lower = runToMemory(g, config, w, embed(g, w, tokens), constantPositions(g, config, length));
  return exportOnnx(
    { [outputNames.memoryResidual]: lower.residual, [outputNames.memoryOutput]: lower.output, ...memoryOutputs(lower.address) },
    { graphName: 'mnemo_memory_address' },
  );
}

/** One sequence of any length up to the memory lookup: the residual entering the memory FFN half and
 *  the slots and weights chosen, without the memory's output or anything above it. What citations
 *  compare (the states the memory's queries come from) and read (the slots). */
export function buildMemoryStatesGraph(config: ModelConfig): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [1, 'T']);
  const lower = runToMemory(g, config, w, embed(g, w, tokens), fedPositions(g, config));
  return exportOnnx(
    { [outputNames.memoryResidual]: lower.residual, ...memoryOutputs(lower.address) },
    { graphName: 'mnemo_memory_states' },
  );
}

/** The write path's upper half: from the memory layer's residual and output (fed) through the
 *  blocks above to a weighted next-token loss, and d(loss)/d(memory.output). The value-row
 *  gradient follows by the chain rule: for each read (position, slot, weight), weight * dOutput. */
export function buildMemoryUpperGraph(config: ModelConfig, batch: number, length: number): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const C = config.dModel;
  const residual = g.input(feedNames.memoryResidual, 'float32', [batch, length, C]);
  const memoryOutput = g.input(feedNames.memoryOutput, 'float32', [batch, length, C]);
  const targets = g.input(feedNames.targets, 'int64', [batch, length]);
  const lossWeights = g.input(feedNames.lossWeights, 'float32', [batch, length]);
  const top = runFromMemory(g, config, w, residual, memoryOutput, constantPositions(g, config, length));
  const logits = logitsOf(g, config, w, g.reshape(top, [batch * length, C])); // (B*T, V)
  const { loss } = crossEntropy(g, logits, g.reshape(targets, [batch * length]), g.reshape(lossWeights, [batch * length]));
  const [dOutput] = grad(loss, [memoryOutput]);
  return exportOnnx(
    { [outputNames.loss]: loss, [outputNames.gradient(outputNames.memoryOutput)]: dOutput! },
    { graphName: 'mnemo_memory_upper' },
  );
}

/** One sequence of any length through every block: the last block's output at each position
 *  (1, T, C), before the final norm. The keyed note memory's write path starts from these. */
export function buildFinalStatesGraph(config: ModelConfig): OnnxModel {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [1, 'T']);
  const stack = runModel(g, config, w, embed(g, w, tokens), fedPositions(g, config), null);
  return exportOnnx({ [outputNames.finalStates]: stack.x }, { graphName: 'mnemo_final_states' });
}

/** Logits of final states plus what the keyed note memory read for them: (M, C) + (M, C) -> (M, V). */
export function buildStateLogitsGraph(config: ModelConfig): OnnxModel {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const states = g.input(feedNames.finalStates, 'float32', ['M', config.dModel]);
  const output = g.input(feedNames.noteSlotOutput, 'float32', ['M', config.dModel]);
  return exportOnnx({ [outputNames.logits]: logitsOf(g, config, w, g.add(states, output)) }, { graphName: 'mnemo_state_logits' });
}

/** How a write objective normalises the next-token distribution: over every token (optionally
 *  returning each row's top predictions), or over K fed candidate ids (a sampled softmax at K/V of
 *  the cost; targets are then indices into the candidates). Both write paths use it. */
export type OutputVocabulary =
  { readonly kind: 'full'; readonly predictions: number } | { readonly kind: 'candidates'; readonly count: number };

/** Logits of rows of final states x (M, C) over `vocabulary`, and the top predictions when asked
 *  (declares the candidate feeds for a candidate vocabulary). */
export function vocabularyLogits(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  x: Tensor,
  vocabulary: OutputVocabulary,
): { logits: Tensor; predicted: Tensor | null } {
  if (vocabulary.kind === 'full') {
    const logits = logitsOf(g, config, w, x); // (M, V)
    return { logits, predicted: vocabulary.predictions > 0 ? g.topk(logits, vocabulary.predictions, -1).indices : null }; // (M, k)
  }
  const ids = g.input(feedNames.candidateIds, 'int64', [vocabulary.count]);
  const bias = g.input(feedNames.candidateBias, 'float32', [vocabulary.count]);
  const normed = rmsNorm(g, x, w.get(parameterNames.finalNorm)!, config.normEps); // (M, C)
  const embeddings = g.gather(w.get(parameterNames.tokenEmbedding)!, ids); // (K, C)
  return { logits: g.add(g.gemm(normed, embeddings, { transB: true }), bias), predicted: null }; // (M, K)
}

/** The keyed note memory's write objective for M rows (fixed): weighted next-token loss of final
 *  states plus the memory's output, and d(loss)/d(that output). */
export function buildStateUpperGraph(
  config: ModelConfig,
  rows: number,
  vocabulary: OutputVocabulary = { kind: 'full', predictions: 0 },
): OnnxModel {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const C = config.dModel;
  const states = g.input(feedNames.finalStates, 'float32', [rows, C]);
  const output = g.input(feedNames.noteSlotOutput, 'float32', [rows, C]);
  const targets = g.input(feedNames.targets, 'int64', [rows]);
  const lossWeights = g.input(feedNames.lossWeights, 'float32', [rows]);
  const { logits, predicted } = vocabularyLogits(g, config, w, g.add(states, output), vocabulary);
  const { loss } = crossEntropy(g, logits, targets, lossWeights);
  const [dOutput] = grad(loss, [output]);
  const outputs: Record<string, Tensor> = predicted ? { [outputNames.predicted]: predicted } : {};
  outputs[outputNames.loss] = loss;
  outputs[outputNames.gradient(feedNames.noteSlotOutput)] = dOutput!;
  return exportOnnx(outputs, { graphName: vocabulary.kind === 'full' ? 'mnemo_state_upper' : 'mnemo_state_upper_candidates' });
}

function requireMemory(config: ModelConfig): void {
  if (config.memoryKind !== 'pkm') throw new Error('the write path needs a model with a memory layer (memoryKind pkm)');
}
