// ONNX serialisation: the part of a graph that the requested outputs need, as ModelProto bytes
// (opset 18). Inputs and params become graph inputs (fed each run), constants become initializers,
// static attributes that opset 18 takes as inputs (axes, shapes, pads, k) become int64 initializers.

import { createHash } from 'node:crypto';
import { onnx } from 'onnx-proto';
import { DataTypeMap, DType } from './dtype';
import { Node, Tensor } from './graph';
import { Dim, Op, Shape } from './ops';

export const OPSET = 18;
const IR_VERSION = 8;

export interface TensorSignature {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** A serialised model and what it takes and returns. `hash` identifies it (sessions are cached by it). */
export interface OnnxModel {
  readonly bytes: Uint8Array;
  readonly hash: string;
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
}

/** A number is an INT when whole, else a FLOAT; `{ float }` is always a FLOAT. */
type Attr = number | boolean | string | readonly number[] | { readonly float: number } | onnx.ITensorProto;

/** Collects nodes and initializers while the graph is walked. */
class Emitter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers = new Map<string, onnx.ITensorProto>();
  private readonly names = new Map<number, string>();

  nameOf(t: Tensor): string {
    let name = this.names.get(t.id);
    if (name === undefined) {
      if (t.kind === 'input' || t.kind === 'param') name = t.name as string;
      else if (t.kind === 'constant') name = `#c${t.id}${t.name ? `:${t.name}` : ''}`;
      else name = `#${t.id}`;
      this.names.set(t.id, name);
      if (t.kind === 'constant') this.initializers.set(name, tensorProto(name, t.dtype, t.shape as number[], t.data as ArrayBufferView));
    }
    return name;
  }

  rename(t: Tensor, name: string): void {
    this.names.set(t.id, name);
  }

  /** A shared int64 initializer holding `values` (an attribute opset 18 wants as an input). */
  ints(values: readonly number[]): string {
    const name = `#i[${values.join(',')}]`;
    if (!this.initializers.has(name)) {
      const data = BigInt64Array.from(values, v => BigInt(v));
      this.initializers.set(name, tensorProto(name, 'int64', [values.length], data));
    }
    return name;
  }

  push(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, Attr> = {}): void {
    const attribute = Object.entries(attrs).map(([name, value]) => attributeProto(name, value));
    this.nodes.push({ opType, input: [...inputs], output: [...outputs], attribute, name: `n${this.nodes.length}` });
  }
}

function tensorProto(name: string, dtype: DType, dims: readonly number[], data: ArrayBufferView): onnx.ITensorProto {
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dataType: DataTypeMap[dtype].onnx, dims: [...dims], rawData };
}

function attributeProto(name: string, value: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'boolean') return { name, type: T.INT, i: value ? 1 : 0 };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: [...value] };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.TENSOR, t: value as onnx.ITensorProto };
}

/**
 * Reshape targets with symbolic dims: a symbol at the same position in the input is copied (0),
 * one other symbolic dim is inferred (-1).
 */
function reshapeTarget(input: Shape, target: readonly Dim[]): number[] {
  let inferred = false;
  return target.map((d, i) => {
    if (typeof d === 'number') return d;
    if (input[i] === d) return 0;
    if (inferred) throw new Error(`Reshape to [${target.join(',')}]: more than one symbolic dim moves`);
    inferred = true;
    return -1;
  });
}

/** Expand targets with symbolic dims: the symbol must come from the input, so 1 broadcasts to it. */
function expandTarget(input: Shape, target: readonly Dim[]): number[] {
  const offset = target.length - input.length;
  return target.map((d, i) => {
    if (typeof d === 'number') return d;
    if (input[i - offset] === d) return 1;
    throw new Error(`Expand to [${target.join(',')}]: symbolic dim ${d} is not a dim of the input`);
  });
}

type EmitRule<O extends Op> = (e: Emitter, node: Node<O>, ins: string[], outs: string[]) => void;

const plain =
  <O extends Op>(opType: string): EmitRule<O> =>
  (e, _node, ins, outs) =>
    e.push(opType, ins, outs);

const reduceRule =
  <O extends 'ReduceSum' | 'ReduceMean' | 'ReduceMax'>(opType: O): EmitRule<O> =>
  (e, node, ins, outs) =>
    e.push(opType, [ins[0], e.ints(node.attrs.axes)], outs, { keepdims: node.attrs.keepdims });

const emitRules: { [O in Op]: EmitRule<O> } = {
  Add: plain('Add'),
  Sub: plain('Sub'),
  Mul: plain('Mul'),
  Div: plain('Div'),
  Pow: plain('Pow'),
  Equal: plain('Equal'),
  Less: plain('Less'),
  Greater: plain('Greater'),
  Where: plain('Where'),
  Neg: plain('Neg'),
  Exp: plain('Exp'),
  Log: plain('Log'),
  Sqrt: plain('Sqrt'),
  Reciprocal: plain('Reciprocal'),
  Relu: plain('Relu'),
  Sigmoid: plain('Sigmoid'),
  Tanh: plain('Tanh'),
  Erf: plain('Erf'),
  Identity: plain('Identity'),
  Cast: (e, node, ins, outs) => e.push('Cast', ins, outs, { to: DataTypeMap[node.attrs.to].onnx }),
  ReduceSum: reduceRule('ReduceSum'),
  ReduceMean: reduceRule('ReduceMean'),
  ReduceMax: reduceRule('ReduceMax'),
  Softmax: (e, node, ins, outs) => e.push('Softmax', ins, outs, { axis: node.attrs.axis }),
  LogSoftmax: (e, node, ins, outs) => e.push('LogSoftmax', ins, outs, { axis: node.attrs.axis }),
  MatMul: plain('MatMul'),
  Gemm: (e, node, ins, outs) => {
    const { transA, transB, alpha } = node.attrs;
    // alpha is written as a float even when it is a whole number.
    const attrs: Record<string, Attr> = { transA, transB };
    if (alpha !== undefined && alpha !== 1) attrs.alpha = { float: alpha };
    e.push('Gemm', ins, outs, attrs);
  },
  Transpose: (e, node, ins, outs) => e.push('Transpose', ins, outs, { perm: node.attrs.perm }),
  Reshape: (e, node, ins, outs) => e.push('Reshape', [ins[0], e.ints(reshapeTarget(node.inputs[0].shape, node.attrs.shape))], outs),
  Expand: (e, node, ins, outs) => e.push('Expand', [ins[0], e.ints(expandTarget(node.inputs[0].shape, node.attrs.shape))], outs),
  Squeeze: (e, node, ins, outs) => e.push('Squeeze', [ins[0], e.ints(node.attrs.axes)], outs),
  Unsqueeze: (e, node, ins, outs) => e.push('Unsqueeze', [ins[0], e.ints(node.attrs.axes)], outs),
  Concat: (e, node, ins, outs) => e.push('Concat', ins, outs, { axis: node.attrs.axis }),
  Split: (e, node, ins, outs) => e.push('Split', [ins[0], e.ints(node.attrs.sizes)], outs, { axis: node.attrs.axis }),
  Slice: (e, node, ins, outs) =>
    e.push('Slice', [ins[0], e.ints(node.attrs.starts), e.ints(node.attrs.ends), e.ints(node.attrs.axes)], outs),
  Pad: (e, node, ins, outs) => e.push('Pad', [ins[0], e.ints(node.attrs.pads)], outs),
  Gather: (e, node, ins, outs) => e.push('Gather', ins, outs, { axis: node.attrs.axis }),
  GatherElements: (e, node, ins, outs) => e.push('GatherElements', ins, outs, { axis: node.attrs.axis }),
  GatherND: plain('GatherND'),
  ScatterND: (e, node, ins, outs) => e.push('ScatterND', ins, outs, { reduction: node.attrs.reduction }),
  ScatterElements: (e, node, ins, outs) => e.push('ScatterElements', ins, outs, { axis: node.attrs.axis, reduction: node.attrs.reduction }),
  TopK: (e, node, ins, outs) =>
    e.push('TopK', [ins[0], e.ints([node.attrs.k])], outs, { axis: node.attrs.axis, largest: node.attrs.largest, sorted: true }),
  ConstantOfShape: (e, node, _ins, outs) => {
    const { shape, value, dtype } = node.attrs;
    const one = new DataTypeMap[dtype].array(1);
    one[0] = (dtype === 'int64' ? BigInt(value) : value) as never;
    e.push('ConstantOfShape', [e.ints(shape)], outs, { value: tensorProto('value', dtype, [1], one) });
  },
};

function valueInfo(sig: TensorSignature): onnx.IValueInfoProto {
  const dim = sig.shape.map(d => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: sig.name, type: { tensorType: { elemType: DataTypeMap[sig.dtype].onnx, shape: { dim } } } };
}

/** The nodes needed to compute `targets`, in graph order (dead code is left out). */
export function liveNodes(targets: readonly Tensor[]): Node[] {
  if (targets.length === 0) return [];
  const graph = targets[0].graph;
  const needed = new Set(targets.map(t => t.id));
  const live: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.outputs.some(t => needed.has(t.id))) continue;
    live.push(node);
    for (const t of node.inputs) needed.add(t.id);
  }
  return live.reverse();
}

/** Serialises what `outputs` (fetch name -> tensor) need. Feeds keep their declared names. */
export function exportOnnx(outputs: Readonly<Record<string, Tensor>>, options: { graphName?: string } = {}): OnnxModel {
  const entries = Object.entries(outputs);
  if (entries.length === 0) throw new Error('exportOnnx: no outputs');
  const graph = entries[0][1].graph;
  for (const [name, t] of entries) {
    if (t.graph !== graph) throw new Error(`exportOnnx: output '${name}' belongs to another graph`);
    if (graph.feeds.some(f => f.name === name)) throw new Error(`exportOnnx: output name '${name}' is also an input name`);
  }
  const nodes = liveNodes(entries.map(([, t]) => t));
  const e = new Emitter();

  // An output takes over its tensor's name when it can; otherwise (a feed, a constant, a tensor
  // fetched twice) an Identity node gives it its own name.
  const renamed = new Set<number>();
  const identities: [string, Tensor][] = [];
  for (const [name, t] of entries) {
    if (t.kind === 'node' && !renamed.has(t.id)) {
      e.rename(t, name);
      renamed.add(t.id);
    } else {
      identities.push([name, t]);
    }
  }

  const usedFeeds = new Set<number>();
  for (const node of nodes) {
    for (const t of node.inputs) if (t.kind === 'input' || t.kind === 'param') usedFeeds.add(t.id);
    const ins = node.inputs.map(t => e.nameOf(t));
    const outs = node.outputs.map(t => e.nameOf(t));
    (emitRules[node.op] as EmitRule<Op>)(e, node, ins, outs);
  }
  for (const [name, t] of identities) {
    if (t.kind === 'input' || t.kind === 'param') usedFeeds.add(t.id);
    e.push('Identity', [e.nameOf(t)], [name]);
  }

  const inputs: TensorSignature[] = graph.feeds
    .filter(t => usedFeeds.has(t.id))
    .map(t => ({ name: t.name as string, dtype: t.dtype, shape: t.shape }));
  const outputSigs: TensorSignature[] = entries.map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));

  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'mnemo-engine',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: options.graphName ?? 'mnemo',
      node: e.nodes,
      initializer: [...e.initializers.values()],
      input: inputs.map(valueInfo),
      output: outputSigs.map(valueInfo),
    },
  };
  const bytes = onnx.ModelProto.encode(model).finish();
  const hash = createHash('sha256').update(bytes).digest('hex');
  return { bytes, hash, inputs, outputs: outputSigs };
}
