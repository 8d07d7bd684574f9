// The model's parameter tensors: names, shapes, initialisation and optimiser groups, in one table.
// Parameter names are also the ONNX initializer/input names, so a checkpoint, a graph and an
// optimiser state all line up by name.
//
// Dimension letters (used in shape comments throughout src/model):
//   V vocabulary, C model width (dModel), L layers, F FFN hidden, H memory heads,
//   K memory key size per head, N key count per half (slots = N*N), S slots.

import { ModelConfig, denseBaselineHidden, memorySlots } from './config';
import { SeededRandom, seededRandom } from './seededRandom';

export type Parameters = Map<string, ParameterTensor>;

export interface ParameterTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Optimiser groups: the memory values get their own AdamW settings (lr 1e-3, no decay, PKM paper). */
export type ParameterGroup = 'decay' | 'no_decay' | 'memory_values';

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly group: ParameterGroup;
  readonly init: (random: SeededRandom, size: number) => Float32Array;
}

export const parameterNames = {
  tokenEmbedding: 'tok_emb', // (V, C), tied with the output projection
  finalNorm: 'final_norm', // (C)
  attnNorm: (layer: number) => `blocks.${layer}.attn_norm`, // (C)
  attnQkv: (layer: number) => `blocks.${layer}.attn.w_qkv`, // (C, 3C)
  attnOut: (layer: number) => `blocks.${layer}.attn.w_out`, // (C, C)
  ffnNorm: (layer: number) => `blocks.${layer}.ffn_norm`, // (C)
  ffnIn: (layer: number) => `blocks.${layer}.ffn.w_in`, // (C, 2F): gate and up halves
  ffnOut: (layer: number) => `blocks.${layer}.ffn.w_out`, // (F, C)
  pkmQuery: (layer: number) => `blocks.${layer}.pkm.w_query`, // (C, H*K)
  pkmQueryNorm: (layer: number) => `blocks.${layer}.pkm.query_norm`, // (H, K)
  pkmSubKeys: (layer: number) => `blocks.${layer}.pkm.sub_keys`, // (H, 2, N, K/2)
  pkmValues: (layer: number) => `blocks.${layer}.pkm.values`, // (S, C)
} as const;

/** The memory layer's value table (the rows the row writer changes). */
export function memoryValuesName(config: ModelConfig): string {
  return parameterNames.pkmValues(config.memoryLayer);
}

const normal = (std: number) => (random: SeededRandom, size: number) => {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random.normal() * std;
  return out;
};
const uniform = (bound: number) => (random: SeededRandom, size: number) => {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (random.next() * 2 - 1) * bound;
  return out;
};
const ones = (_random: SeededRandom, size: number) => new Float32Array(size).fill(1);

/** Every parameter of the model in a fixed order (the order initialisation consumes random numbers). */
export function parameterSpecs(config: ModelConfig): ParameterSpec[] {
  const C = config.dModel;
  const residualStd = 0.02 / Math.sqrt(2 * config.nLayers); // GPT-2: scale projections into the residual
  const specs: ParameterSpec[] = [
    { name: parameterNames.tokenEmbedding, shape: [config.vocabSize, C], group: 'decay', init: normal(0.02) },
  ];
  for (let layer = 0; layer < config.nLayers; layer++) {
    specs.push(
      { name: parameterNames.attnNorm(layer), shape: [C], group: 'no_decay', init: ones },
      { name: parameterNames.attnQkv(layer), shape: [C, 3 * C], group: 'decay', init: normal(0.02) },
      { name: parameterNames.attnOut(layer), shape: [C, C], group: 'decay', init: normal(residualStd) },
      { name: parameterNames.ffnNorm(layer), shape: [C], group: 'no_decay', init: ones },
    );
    if (layer === config.memoryLayer && config.memoryKind === 'pkm') {
      const { heads: H, keyDim: K, nKeys: N } = config.pkm;
      specs.push(
        { name: parameterNames.pkmQuery(layer), shape: [C, H * K], group: 'decay', init: normal(1 / Math.sqrt(C)) },
        { name: parameterNames.pkmQueryNorm(layer), shape: [H, K], group: 'no_decay', init: ones },
        { name: parameterNames.pkmSubKeys(layer), shape: [H, 2, N, K / 2], group: 'no_decay', init: uniform(1 / Math.sqrt(K / 2)) },
        { name: parameterNames.pkmValues(layer), shape: [memorySlots(config), C], group: 'memory_values', init: normal(1 / Math.sqrt(C)) },
      );
    } else {
      const F = layer === config.memoryLayer ? denseBaselineHidden(config) : config.ffnHidden;
      specs.push(
        { name: parameterNames.ffnIn(layer), shape: [C, 2 * F], group: 'decay', init: normal(0.02) },
        { name: parameterNames.ffnOut(layer), shape: [F, C], group: 'decay', init: normal(residualStd) },
      );
    }
  }
  specs.push({ name: parameterNames.finalNorm, shape: [C], group: 'no_decay', init: ones });
  return specs;
}

export function initParameters(config: ModelConfig, seed: number): Parameters {
  const random = seededRandom(seed);
  const parameters: Parameters = new Map();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    parameters.set(spec.name, { shape: spec.shape, data: spec.init(random, size) });
  }
  return parameters;
}

export function countParameters(parameters: Parameters): number {
  let total = 0;
  for (const tensor of parameters.values()) total += tensor.data.length;
  return total;
}

/** Throws unless `parameters` holds exactly the config's tensors with the config's shapes. */
export function checkParametersMatchConfig(parameters: Parameters, config: ModelConfig): void {
  const specs = parameterSpecs(config);
  for (const spec of specs) {
    const tensor = parameters.get(spec.name);
    if (!tensor) throw new Error(`parameter ${spec.name} is missing`);
    if (tensor.shape.join(',') !== spec.shape.join(',')) {
      throw new Error(`parameter ${spec.name} has shape [${tensor.shape}], the config needs [${spec.shape}]`);
    }
  }
  if (parameters.size !== specs.length) {
    const known = new Set(specs.map(spec => spec.name));
    const extra = [...parameters.keys()].filter(name => !known.has(name));
    throw new Error(`unexpected parameters: ${extra.join(', ')}`);
  }
}
