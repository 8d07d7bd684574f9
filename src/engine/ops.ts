// The primitive op set: what each op means, its attributes, its arity and its shape/dtype inference.
// Every node of a graph is one of these ops; composites (SiLU, RMSNorm, cross-entropy...) are built
// from them. Attributes are static (axes, shapes, k); the ONNX exporter turns the ones opset 18 wants
// as inputs into int64 initializers.

import { DType, isFloatType, isIndexType } from './dtype';

/** A dimension: a static size, or a symbolic name (ONNX dim_param) for forward-only graphs. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** What shape inference needs to know about a tensor. */
export interface TensorType {
  readonly dtype: DType;
  readonly shape: Shape;
}

export type Reduction = 'none' | 'add';

/** Each op with its attributes. Axes are stored non-negative (the builder normalises them). */
export interface OpAttrs {
  // Elementwise, numpy broadcasting, same dtype in and out.
  Add: {};
  Sub: {};
  Mul: {};
  Div: {};
  Pow: {}; // the exponent (input 1) is a constant: its gradient is never needed
  // Comparisons: broadcasting, bool out, no gradient.
  Equal: {};
  Less: {};
  Greater: {};
  // where(cond, a, b), broadcasting over all three.
  Where: {};
  // Unary elementwise.
  Neg: {};
  Exp: {};
  Log: {};
  Sqrt: {};
  Reciprocal: {};
  Relu: {};
  Sigmoid: {};
  Tanh: {};
  Erf: {};
  Identity: {};
  Cast: { to: DType };
  // Reductions over the listed axes (sorted, non-empty).
  ReduceSum: { axes: number[]; keepdims: boolean };
  ReduceMean: { axes: number[]; keepdims: boolean };
  ReduceMax: { axes: number[]; keepdims: boolean };
  Softmax: { axis: number };
  LogSoftmax: { axis: number };
  // Matrix products. MatMul: rank >= 2, batch dims broadcast. Gemm: rank 2, optional transposes, no bias,
  // alpha * op(A) op(B) (alpha absent = 1).
  MatMul: {};
  Gemm: { transA: boolean; transB: boolean; alpha?: number };
  // Layout.
  Transpose: { perm: number[] };
  Reshape: { shape: Dim[] }; // the exact output shape (no -1 or 0 here; the builder resolves them)
  Expand: { shape: Dim[] }; // the exact output shape, reached by broadcasting the input
  Squeeze: { axes: number[] };
  Unsqueeze: { axes: number[] }; // axes of the output
  Concat: { axis: number };
  Split: { axis: number; sizes: number[] };
  Slice: { starts: number[]; ends: number[]; axes: number[] }; // step 1, 0 <= start <= end <= dim
  Pad: { pads: number[] }; // zero padding, ONNX layout [begin_0..begin_n-1, end_0..end_n-1]
  // Indexing.
  Gather: { axis: number }; // data, indices -> data.shape[:axis] + indices.shape + data.shape[axis+1:]
  GatherElements: { axis: number };
  GatherND: {};
  ScatterND: { reduction: Reduction };
  ScatterElements: { axis: number; reduction: Reduction };
  TopK: { k: number; axis: number; largest: boolean }; // outputs: values, int64 indices
  // A tensor filled with one value; no inputs.
  ConstantOfShape: { shape: number[]; value: number; dtype: DType };
}

export type Op = keyof OpAttrs;

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export function describeType(t: TensorType): string {
  return `${t.dtype}[${t.shape.join(',')}]`;
}

interface OpSpec<O extends Op> {
  /** Number of tensor inputs: exact, or [min, max]. */
  arity: number | readonly [number, number];
  infer(inputs: readonly TensorType[], attrs: OpAttrs[O]): TensorType[];
}

type OpSpecTable = { [O in Op]: OpSpec<O> };

function fail(op: string, inputs: readonly TensorType[], why: string): never {
  throw new ShapeError(`${op}(${inputs.map(describeType).join(', ')}): ${why}`);
}

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw new ShapeError(`shape [${shape.join(',')}] is symbolic, its size is unknown`);
    size *= d;
  }
  return size;
}

export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every(d => typeof d === 'number');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Numpy broadcasting; a symbolic dim only matches itself or 1. */
export function broadcastShapes(op: string, inputs: readonly TensorType[]): Dim[] {
  const rank = Math.max(...inputs.map(t => t.shape.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const t of inputs) {
      const d = t.shape[t.shape.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim !== 1) fail(op, inputs, `cannot broadcast dim ${String(d)} against ${String(dim)}`);
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

function sameDtypes(op: string, inputs: readonly TensorType[]): DType {
  const dtype = inputs[0].dtype;
  if (inputs.some(t => t.dtype !== dtype)) fail(op, inputs, 'dtypes differ');
  return dtype;
}

function requireFloat(op: string, inputs: readonly TensorType[], index = 0): void {
  if (!isFloatType(inputs[index].dtype)) fail(op, inputs, `input ${index} must be a float tensor`);
}

function requireIndex(op: string, inputs: readonly TensorType[], index: number): void {
  if (!isIndexType(inputs[index].dtype)) fail(op, inputs, `input ${index} must be int32 or int64 indices`);
}

function checkAxis(op: string, inputs: readonly TensorType[], axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) fail(op, inputs, `axis ${axis} out of range for rank ${rank}`);
}

const binary = <O extends Op>(op: O, floatOnly: boolean): OpSpec<O> => ({
  arity: 2,
  infer(inputs) {
    const dtype = sameDtypes(op, inputs);
    if (floatOnly) requireFloat(op, inputs);
    if (dtype === 'bool') fail(op, inputs, 'arithmetic on bool');
    return [{ dtype, shape: broadcastShapes(op, inputs) }];
  },
});

const comparison = <O extends Op>(op: O): OpSpec<O> => ({
  arity: 2,
  infer(inputs) {
    sameDtypes(op, inputs);
    return [{ dtype: 'bool', shape: broadcastShapes(op, inputs) }];
  },
});

const unaryFloat = <O extends Op>(op: O): OpSpec<O> => ({
  arity: 1,
  infer(inputs) {
    requireFloat(op, inputs);
    return [{ dtype: inputs[0].dtype, shape: inputs[0].shape }];
  },
});

const reduce = <O extends 'ReduceSum' | 'ReduceMean' | 'ReduceMax'>(op: O): OpSpec<O> => ({
  arity: 1,
  infer(inputs, { axes, keepdims }) {
    const x = inputs[0];
    if (axes.length === 0) fail(op, inputs, 'no axes');
    axes.forEach((a, i) => {
      checkAxis(op, inputs, a, x.shape.length);
      if (i > 0 && a <= axes[i - 1]) fail(op, inputs, `axes [${axes.join(',')}] must be sorted and unique`);
    });
    if (op !== 'ReduceMax') requireFloat(op, inputs);
    const shape: Dim[] = [];
    x.shape.forEach((d, i) => {
      if (!axes.includes(i)) shape.push(d);
      else if (keepdims) shape.push(1);
    });
    return [{ dtype: x.dtype, shape }];
  },
});

const softmaxLike = <O extends 'Softmax' | 'LogSoftmax'>(op: O): OpSpec<O> => ({
  arity: 1,
  infer(inputs, { axis }) {
    requireFloat(op, inputs);
    checkAxis(op, inputs, axis, inputs[0].shape.length);
    return [{ dtype: inputs[0].dtype, shape: inputs[0].shape }];
  },
});

function symbolsOf(shape: Shape): string[] {
  return shape.filter((d): d is string => typeof d === 'string').sort();
}

function staticProduct(shape: Shape): number {
  return shape.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
}

export const opSpecs: OpSpecTable = {
  Add: binary('Add', false),
  Sub: binary('Sub', false),
  Mul: binary('Mul', false),
  Div: binary('Div', false),
  Pow: binary('Pow', true),
  Equal: comparison('Equal'),
  Less: comparison('Less'),
  Greater: comparison('Greater'),
  Where: {
    arity: 3,
    infer(inputs) {
      if (inputs[0].dtype !== 'bool') fail('Where', inputs, 'condition must be bool');
      const dtype = sameDtypes('Where', inputs.slice(1));
      return [{ dtype, shape: broadcastShapes('Where', inputs) }];
    },
  },
  Neg: {
    arity: 1,
    infer(inputs) {
      if (inputs[0].dtype === 'bool') fail('Neg', inputs, 'negating bool');
      return [{ dtype: inputs[0].dtype, shape: inputs[0].shape }];
    },
  },
  Exp: unaryFloat('Exp'),
  Log: unaryFloat('Log'),
  Sqrt: unaryFloat('Sqrt'),
  Reciprocal: unaryFloat('Reciprocal'),
  Relu: unaryFloat('Relu'),
  Sigmoid: unaryFloat('Sigmoid'),
  Tanh: unaryFloat('Tanh'),
  Erf: unaryFloat('Erf'),
  Identity: { arity: 1, infer: inputs => [inputs[0]] },
  Cast: { arity: 1, infer: (inputs, { to }) => [{ dtype: to, shape: inputs[0].shape }] },
  ReduceSum: reduce('ReduceSum'),
  ReduceMean: reduce('ReduceMean'),
  ReduceMax: reduce('ReduceMax'),
  Softmax: softmaxLike('Softmax'),
  LogSoftmax: softmaxLike('LogSoftmax'),
  MatMul: {
    arity: 2,
    infer(inputs) {
      const [a, b] = inputs;
      const dtype = sameDtypes('MatMul', inputs);
      requireFloat('MatMul', inputs);
      if (a.shape.length < 2 || b.shape.length < 2) fail('MatMul', inputs, 'inputs must have rank >= 2');
      const [m, k] = a.shape.slice(-2);
      const [k2, n] = b.shape.slice(-2);
      if (k !== k2) fail('MatMul', inputs, `inner dims differ (${String(k)} vs ${String(k2)})`);
      const batch = broadcastShapes('MatMul', [
        { dtype, shape: a.shape.slice(0, -2) },
        { dtype, shape: b.shape.slice(0, -2) },
      ]);
      return [{ dtype, shape: [...batch, m, n] }];
    },
  },
  Gemm: {
    arity: 2,
    infer(inputs, { transA, transB }) {
      const [a, b] = inputs;
      const dtype = sameDtypes('Gemm', inputs);
      requireFloat('Gemm', inputs);
      if (a.shape.length !== 2 || b.shape.length !== 2) fail('Gemm', inputs, 'inputs must have rank 2');
      const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
      const [k2, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
      if (k !== k2) fail('Gemm', inputs, `inner dims differ (${String(k)} vs ${String(k2)})`);
      return [{ dtype, shape: [m, n] }];
    },
  },
  Transpose: {
    arity: 1,
    infer(inputs, { perm }) {
      const x = inputs[0];
      const sorted = [...perm].sort((p, q) => p - q);
      if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
        fail('Transpose', inputs, `perm [${perm.join(',')}] is not a permutation of the axes`);
      }
      return [{ dtype: x.dtype, shape: perm.map(p => x.shape[p]) }];
    },
  },
  Reshape: {
    arity: 1,
    infer(inputs, { shape }) {
      const x = inputs[0];
      if (shape.some(d => typeof d === 'number' && (!Number.isInteger(d) || d < 1))) {
        fail('Reshape', inputs, `target [${shape.join(',')}] must have positive dims`);
      }
      const sameSymbols = symbolsOf(x.shape).join() === symbolsOf(shape).join();
      if (!sameSymbols || staticProduct(x.shape) !== staticProduct(shape)) {
        fail('Reshape', inputs, `cannot reshape to [${shape.join(',')}]`);
      }
      return [{ dtype: x.dtype, shape }];
    },
  },
  Expand: {
    arity: 1,
    infer(inputs, { shape }) {
      const x = inputs[0];
      const out = broadcastShapes('Expand', [x, { dtype: x.dtype, shape }]);
      if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
        fail('Expand', inputs, `cannot expand to [${shape.join(',')}]`);
      }
      return [{ dtype: x.dtype, shape }];
    },
  },
  Squeeze: {
    arity: 1,
    infer(inputs, { axes }) {
      const x = inputs[0];
      for (const a of axes) {
        checkAxis('Squeeze', inputs, a, x.shape.length);
        if (x.shape[a] !== 1) fail('Squeeze', inputs, `axis ${a} has size ${String(x.shape[a])}, not 1`);
      }
      return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) }];
    },
  },
  Unsqueeze: {
    arity: 1,
    infer(inputs, { axes }) {
      const x = inputs[0];
      const rank = x.shape.length + axes.length;
      const shape: Dim[] = [];
      let next = 0;
      for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[next++]);
      for (const a of axes) checkAxis('Unsqueeze', inputs, a, rank);
      if (new Set(axes).size !== axes.length) fail('Unsqueeze', inputs, 'repeated axes');
      return [{ dtype: x.dtype, shape }];
    },
  },
  Concat: {
    arity: [1, Infinity],
    infer(inputs, { axis }) {
      const dtype = sameDtypes('Concat', inputs);
      const first = inputs[0].shape;
      checkAxis('Concat', inputs, axis, first.length);
      let total = 0;
      const symbols: string[] = [];
      for (const t of inputs) {
        if (t.shape.length !== first.length) fail('Concat', inputs, 'ranks differ');
        t.shape.forEach((d, i) => {
          if (i !== axis && d !== first[i]) fail('Concat', inputs, `dim ${i} differs`);
        });
        const d = t.shape[axis];
        if (typeof d === 'number') total += d;
        else symbols.push(d);
      }
      // Along a symbolic axis (a KV cache growing by T) the result is a new symbol such as 'P+T'.
      const joined: Dim = symbols.length === 0 ? total : [...symbols, ...(total > 0 ? [String(total)] : [])].join('+');
      return [{ dtype, shape: first.map((d, i) => (i === axis ? joined : d)) }];
    },
  },
  Split: {
    arity: 1,
    infer(inputs, { axis, sizes }) {
      const x = inputs[0];
      checkAxis('Split', inputs, axis, x.shape.length);
      const sum = sizes.reduce((p, s) => p + s, 0);
      if (sizes.some(s => !Number.isInteger(s) || s < 1) || sum !== x.shape[axis]) {
        fail('Split', inputs, `sizes [${sizes.join(',')}] do not add up to dim ${String(x.shape[axis])}`);
      }
      return sizes.map(s => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
    },
  },
  Slice: {
    arity: 1,
    infer(inputs, { starts, ends, axes }) {
      const x = inputs[0];
      if (starts.length !== axes.length || ends.length !== axes.length) fail('Slice', inputs, 'starts/ends/axes lengths differ');
      const shape = [...x.shape];
      axes.forEach((a, i) => {
        checkAxis('Slice', inputs, a, x.shape.length);
        const d = x.shape[a];
        if (typeof d !== 'number') fail('Slice', inputs, `cannot slice symbolic axis ${a}`);
        if (!(0 <= starts[i] && starts[i] <= ends[i] && ends[i] <= d)) {
          fail('Slice', inputs, `range ${starts[i]}:${ends[i]} outside 0:${d} on axis ${a}`);
        }
        shape[a] = ends[i] - starts[i];
      });
      return [{ dtype: x.dtype, shape }];
    },
  },
  Pad: {
    arity: 1,
    infer(inputs, { pads }) {
      const x = inputs[0];
      const rank = x.shape.length;
      if (pads.length !== 2 * rank || pads.some(p => !Number.isInteger(p) || p < 0)) {
        fail('Pad', inputs, `pads [${pads.join(',')}] must be 2*rank non-negative integers`);
      }
      const shape = x.shape.map((d, i) => {
        const extra = pads[i] + pads[i + rank];
        if (extra === 0) return d;
        if (typeof d !== 'number') fail('Pad', inputs, `cannot pad symbolic axis ${i}`);
        return d + extra;
      });
      return [{ dtype: x.dtype, shape }];
    },
  },
  Gather: {
    arity: 2,
    infer(inputs, { axis }) {
      const [data, indices] = inputs;
      requireIndex('Gather', inputs, 1);
      checkAxis('Gather', inputs, axis, data.shape.length);
      return [{ dtype: data.dtype, shape: [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)] }];
    },
  },
  GatherElements: {
    arity: 2,
    infer(inputs, { axis }) {
      const [data, indices] = inputs;
      requireIndex('GatherElements', inputs, 1);
      checkAxis('GatherElements', inputs, axis, data.shape.length);
      if (indices.shape.length !== data.shape.length) fail('GatherElements', inputs, 'ranks differ');
      indices.shape.forEach((d, i) => {
        if (i !== axis && d !== data.shape[i]) fail('GatherElements', inputs, `dim ${i} differs`);
      });
      return [{ dtype: data.dtype, shape: indices.shape }];
    },
  },
  GatherND: {
    arity: 2,
    infer(inputs) {
      const [data, indices] = inputs;
      if (indices.dtype !== 'int64') fail('GatherND', inputs, 'indices must be int64');
      const k = indices.shape[indices.shape.length - 1];
      if (typeof k !== 'number' || k > data.shape.length) fail('GatherND', inputs, 'bad index depth');
      return [{ dtype: data.dtype, shape: [...indices.shape.slice(0, -1), ...data.shape.slice(k)] }];
    },
  },
  ScatterND: {
    arity: 3,
    infer(inputs) {
      const [data, indices, updates] = inputs;
      if (indices.dtype !== 'int64') fail('ScatterND', inputs, 'indices must be int64');
      if (updates.dtype !== data.dtype) fail('ScatterND', inputs, 'updates dtype differs from data');
      const k = indices.shape[indices.shape.length - 1];
      if (typeof k !== 'number' || k > data.shape.length) fail('ScatterND', inputs, 'bad index depth');
      const expected = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
      if (!sameShape(expected, updates.shape)) fail('ScatterND', inputs, `updates must have shape [${expected.join(',')}]`);
      return [data];
    },
  },
  ScatterElements: {
    arity: 3,
    infer(inputs, { axis }) {
      const [data, indices, updates] = inputs;
      requireIndex('ScatterElements', inputs, 1);
      checkAxis('ScatterElements', inputs, axis, data.shape.length);
      if (updates.dtype !== data.dtype) fail('ScatterElements', inputs, 'updates dtype differs from data');
      if (!sameShape(indices.shape, updates.shape)) fail('ScatterElements', inputs, 'indices and updates shapes differ');
      if (indices.shape.length !== data.shape.length) fail('ScatterElements', inputs, 'ranks differ');
      return [data];
    },
  },
  TopK: {
    arity: 1,
    infer(inputs, { k, axis }) {
      const x = inputs[0];
      checkAxis('TopK', inputs, axis, x.shape.length);
      const d = x.shape[axis];
      if (typeof d !== 'number' || k < 1 || k > d) fail('TopK', inputs, `k=${k} not within the static axis size`);
      const shape = x.shape.map((s, i) => (i === axis ? k : s));
      return [
        { dtype: x.dtype, shape },
        { dtype: 'int64', shape },
      ];
    },
  },
  ConstantOfShape: {
    arity: 0,
    infer(_inputs, { shape, dtype }) {
      return [{ dtype, shape }];
    },
  },
};

/** The arity check shared by the graph and the validator. */
export function checkArity(op: Op, count: number): void {
  const arity = opSpecs[op].arity;
  const [min, max] = typeof arity === 'number' ? [arity, arity] : arity;
  if (count < min || count > max) throw new ShapeError(`${op}: expected ${min === max ? min : `${min}..${max}`} inputs, got ${count}`);
}
