// The engine's public API: build graphs, differentiate them, export them to ONNX, run them, optimise.

export { DataTypeMap, isFloatType } from './dtype';
export type { AnyTypedArray, DType, TypedArrayOf } from './dtype';
export { ShapeError, sizeOf } from './ops';
export type { Dim, Op, OpAttrs, Shape } from './ops';
export { Graph, Tensor, validateGraph } from './graph';
export type { Node, TensorKind } from './graph';
export { GraphBuilder } from './builder';
export type { TensorOrNumber } from './builder';
export { grad } from './autodiff';
export { vjpRules } from './gradients';
export { causalBias, causalMask, crossEntropy, gelu, layerNorm, MASKED, rmsNorm, rope, ropeTables, silu } from './composites';
export { exportOnnx } from './onnxExport';
export type { OnnxModel, TensorSignature } from './onnxExport';
export type { SessionOptions } from './runtime/runtime';
export { defaultSessionOptions } from './runtime/runtime';
export type { ExecutionProvider, Feed, Fetches, HostTensor, Runtime, Session } from './runtime/runtime';
export { createOrtRuntime, ortRuntime } from './runtime/ort';
export { AdamW, adamWDefaults } from './optim/adamw';
export type { AdamWGroup, AdamWHyperparameters, AdamWState } from './optim/adamw';
export { clipGradNorm, globalNorm } from './optim/clip';
export { warmupCosine } from './optim/schedule';
export type { Schedule } from './optim/schedule';
export { sgdRows, sgdRowsFromTableGradient } from './optim/rowSgd';
export { createRandom } from './random';
export type { Random } from './random';
