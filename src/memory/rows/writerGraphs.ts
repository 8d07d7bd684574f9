// The row writer's address graph for a packed batch (intake/trainingBatch.ts): the model's own
// memory address graph, with the attention mask fed per run (block-diagonal, (B, 1, T, T)) instead
// of one causal mask, so several training sequences share a row without seeing each other. The
// test holds it against the model's graph.
//
//   tokens -> blocks below the memory -> the memory's chosen slots and read weights
//
// Dimension letters: B rows, T row length.

import { GraphBuilder, OnnxModel, exportOnnx } from '../../engine';
import { ModelConfig, headSize } from '../../model/config';
import { feedNames, outputNames } from '../../model/modelGraphs';
import { PositionTensors, declareParameters, embed, rotaryTables, runToMemory } from '../../model/transformer';

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

/** Blocks below the memory and its lookup: the chosen slots and their weights. */
export function buildPackedAddressGraph(config: ModelConfig, B: number, T: number): OnnxModel {
  requireMemory(config);
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const tokens = g.input(feedNames.tokens, 'int64', [B, T]);
  const positions = packedPositions(g, config, B, T);
  const lower = runToMemory(g, config, w, embed(g, w, tokens), positions);
  return exportOnnx(
    {
      [outputNames.memorySlots]: lower.address.slots,
      [outputNames.memoryWeights]: lower.address.weights,
    },
    { graphName: 'mnemo_write_address' },
  );
}
