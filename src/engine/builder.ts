// GraphBuilder: the graph plus one method per primitive op, written to read like the math:
//   const g = new GraphBuilder();
//   const x = g.input('x', 'float32', [B, T, C]);
//   const w = g.param('w', [C, C]);
//   const y = g.matmul(x, w);
// Shapes and dtypes are inferred (and checked) as each op is added. Numbers given where a tensor is
// expected become scalar constants of the other operand's dtype. A few peepholes keep graphs lean:
// a transpose of a transpose is one transpose, a reshape of a reshape is one reshape, and no-op
// reshapes/expands/transposes vanish, and an op already applied to the same inputs is not added again.

import { AnyTypedArray, DataTypeMap, DType } from './dtype';
import { Graph, Tensor } from './graph';
import { broadcastShapes, Dim, Op, OpAttrs, opSpecs, Reduction, sameShape, Shape, ShapeError } from './ops';

export type TensorOrNumber = Tensor | number;

/**
 * A composite's own vector-Jacobian product: from the gradient of its output, one gradient per input
 * (null where none flows). It may use any tensor the composite made in its forward pass.
 */
export type CustomVjp = (g: GraphBuilder, dy: Tensor) => (Tensor | null)[];

export interface CustomGradient {
  readonly inputs: readonly Tensor[];
  readonly vjp: CustomVjp;
}

function normaliseAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ShapeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

function normaliseAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map(a => normaliseAxis(a, rank)))].sort((p, q) => p - q);
}

function dtypeOfArray(data: AnyTypedArray): DType {
  for (const [name, entry] of Object.entries(DataTypeMap)) {
    if (data instanceof entry.array) return name as DType;
  }
  throw new Error('unsupported constant array type');
}

export class GraphBuilder extends Graph {
  private readonly scalars = new Map<string, Tensor>();
  /** Nodes by op, inputs and attributes: asking twice for the same computation reuses the first. */
  private readonly made = new Map<string, Tensor[]>();
  private readonly customGradients = new Map<number, CustomGradient>();

  /**
   * Gives `output`, computed from `inputs` by a chain of primitives, its own gradient rule: autodiff
   * then sends the output's gradient through `vjp` straight to `inputs` instead of back through each
   * primitive. For composites whose chained rules make many passes where a few will do (GELU, SiLU).
   * Tensors made inside the chain that are also used elsewhere still get their gradients as usual.
   */
  withGradient(output: Tensor, inputs: readonly Tensor[], vjp: CustomVjp): Tensor {
    if (output.graph !== this || inputs.some(t => t.graph !== this)) throw new Error('withGradient: tensors of another graph');
    if (output.producer === undefined || output.producer.node.outputs.length !== 1)
      throw new Error(`withGradient: ${output} is not the one output of a node`);
    this.customGradients.set(output.id, { inputs: [...inputs], vjp });
    return output;
  }

  /** The custom gradient rule of a tensor, if it has one. */
  customGradient(t: Tensor): CustomGradient | undefined {
    return this.customGradients.get(t.id);
  }

  /**
   * Every op is a pure function of its inputs and attributes, so an identical node is never added
   * twice. This matters for gradients, which re-derive layouts the forward pass already made
   * (a head-split q in attention's backward pass, reductions of the same tensor in two rules).
   */
  override addNode<O extends Op>(op: O, inputs: readonly Tensor[], attrs: OpAttrs[O]): Tensor[] {
    const key = `${op}|${inputs.map(t => t.id).join(',')}|${JSON.stringify(attrs, (_k, v: unknown) => (typeof v === 'number' ? String(v) : v))}`;
    const existing = this.made.get(key);
    if (existing && existing.every(t => t.graph === this)) return existing;
    const outputs = super.addNode(op, inputs, attrs);
    this.made.set(key, outputs);
    return outputs;
  }

  // ---- Leaves -------------------------------------------------------------------------------------

  /** A fed tensor (tokens, masks, cos/sin tables...). */
  input(name: string, dtype: DType, shape: Shape): Tensor {
    return this.declareFeed('input', name, dtype, shape);
  }

  /** A trainable parameter: fed each run, so optimisers update it in place between runs. */
  param(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.declareFeed('param', name, dtype, shape);
  }

  /** A constant stored in the model; the dtype follows the array type (Uint8Array = bool). */
  constant(data: AnyTypedArray, shape: Shape, name?: string): Tensor {
    return this.declareConstant(dtypeOfArray(data), shape, data, name);
  }

  /** A rank-0 constant, shared between uses. */
  scalar(value: number, dtype: DType = 'float32'): Tensor {
    const key = `${dtype}:${value}`;
    let t = this.scalars.get(key);
    if (!t) {
      if (dtype === 'float16') throw new Error('float16 scalars are not supported: compute in float32 and cast');
      const data = new DataTypeMap[dtype].array(1) as AnyTypedArray;
      data[0] = (dtype === 'int64' ? BigInt(value) : value) as never;
      t = this.declareConstant(dtype, [], data);
      this.scalars.set(key, t);
    }
    return t;
  }

  /** A tensor of one repeated value, made at run time (not stored in the model). */
  full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
    return this.addNode('ConstantOfShape', [], { shape: [...shape], value, dtype })[0];
  }

  zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return this.full(shape, 0, dtype);
  }

  private lift(value: TensorOrNumber, like: TensorOrNumber): Tensor {
    if (typeof value !== 'number') return value;
    if (typeof like === 'number') throw new Error('at least one operand must be a tensor');
    return this.scalar(value, like.dtype);
  }

  private binary(op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Equal' | 'Less' | 'Greater', a: TensorOrNumber, b: TensorOrNumber): Tensor {
    const [x, y] = this.withoutExpands(op, [this.lift(a, b), this.lift(b, a)]);
    // x * 1, 1 * x, x + 0, 0 + x, x - 0, x / 1 are x when the constant does not broadcast x.
    const identity = op === 'Mul' || op === 'Div' ? 1 : op === 'Add' || op === 'Sub' ? 0 : undefined;
    if (identity !== undefined) {
      if (scalarValue(y) === identity && y.size === 1 && y.rank <= x.rank) return x;
      if ((op === 'Mul' || op === 'Add') && scalarValue(x) === identity && x.size === 1 && x.rank <= y.rank) return y;
    }
    return this.addNode(op, [x, y], {})[0];
  }

  /**
   * Elementwise ops broadcast by themselves, so an Expand feeding one is dropped when the other
   * operands already give the result its shape (gradients of reductions are such Expands).
   */
  private withoutExpands(op: string, operands: Tensor[]): Tensor[] {
    const out = broadcastShapes(op, operands);
    return operands.map((t, i) => {
      const node = t.producer?.node;
      if (node?.op !== 'Expand') return t;
      const rest = operands.filter((_, j) => j !== i);
      return sameShape(broadcastShapes(op, [...rest, node.inputs[0]]), out) ? node.inputs[0] : t;
    });
  }

  // ---- Elementwise --------------------------------------------------------------------------------

  add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.binary('Add', a, b);
  }

  sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.binary('Sub', a, b);
  }

  mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    // Rank-0 constants take part in the folds below like numbers.
    if (typeof b !== 'number' && b.rank === 0 && typeof a !== 'number' && a.dtype === b.dtype) b = scalarValue(b) ?? b;
    if (typeof a !== 'number' && a.rank === 0 && typeof b !== 'number' && a.dtype === b.dtype) a = scalarValue(a) ?? a;
    if (typeof a === 'number' && typeof b !== 'number') return this.mul(b, a);
    if (typeof b === 'number' && typeof a !== 'number') {
      if (b === 1) return a;
      const node = a.producer?.node;
      // Scale before broadcasting: (expand s) * b = expand(s * b).
      if (node?.op === 'Expand') return this.expand(this.mul(node.inputs[0], b), a.shape);
      // Fold chained scalings: (s * c) * b = s * (c * b). Never more nodes: the inner product
      // survives only if something else uses it.
      const inner = node?.op === 'Mul' ? scalarValue(node.inputs[1]) : undefined;
      if (node && inner !== undefined && node.inputs[1].dtype === 'float32') return this.mul(node.inputs[0], inner * b);
    }
    return this.binary('Mul', a, b);
  }

  /** Division; dividing by a number multiplies by its reciprocal. */
  div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    if (typeof b === 'number') return this.mul(a, 1 / b);
    return this.binary('Div', a, b);
  }

  /** x ** p for a constant exponent p. */
  pow(x: Tensor, p: number): Tensor {
    if (p === 1) return x;
    return this.addNode('Pow', [x, this.scalar(p, x.dtype)], {})[0];
  }

  equal(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.binary('Equal', a, b);
  }

  less(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.binary('Less', a, b);
  }

  greater(a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.binary('Greater', a, b);
  }

  where(cond: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
    return this.addNode('Where', this.withoutExpands('Where', [cond, this.lift(a, b), this.lift(b, a)]), {})[0];
  }

  neg(x: Tensor): Tensor {
    return this.addNode('Neg', [x], {})[0];
  }

  exp(x: Tensor): Tensor {
    return this.addNode('Exp', [x], {})[0];
  }

  log(x: Tensor): Tensor {
    return this.addNode('Log', [x], {})[0];
  }

  sqrt(x: Tensor): Tensor {
    return this.addNode('Sqrt', [x], {})[0];
  }

  reciprocal(x: Tensor): Tensor {
    return this.addNode('Reciprocal', [x], {})[0];
  }

  relu(x: Tensor): Tensor {
    return this.addNode('Relu', [x], {})[0];
  }

  sigmoid(x: Tensor): Tensor {
    return this.addNode('Sigmoid', [x], {})[0];
  }

  tanh(x: Tensor): Tensor {
    return this.addNode('Tanh', [x], {})[0];
  }

  erf(x: Tensor): Tensor {
    return this.addNode('Erf', [x], {})[0];
  }

  identity(x: Tensor): Tensor {
    return this.addNode('Identity', [x], {})[0];
  }

  cast(x: Tensor, to: DType): Tensor {
    if (x.dtype === to) return x;
    return this.addNode('Cast', [x], { to })[0];
  }

  // ---- Reductions (axes default to all; negative axes count from the end) ------------------------

  sum(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
    return this.reduce('ReduceSum', x, axes, keepdims);
  }

  mean(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
    return this.reduce('ReduceMean', x, axes, keepdims);
  }

  max(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
    return this.reduce('ReduceMax', x, axes, keepdims);
  }

  /** Reducing only size-1 axes moves no data: that is a reshape. */
  private reduce(
    op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax',
    x: Tensor,
    axes: number | readonly number[] | undefined,
    keepdims: boolean,
  ): Tensor {
    if (x.rank === 0) return x;
    const list = normaliseAxes(axes, x.rank);
    if (list.every(a => x.shape[a] === 1))
      return this.reshape(
        x,
        x.shape.filter((_, i) => keepdims || !list.includes(i)),
      );
    return this.addNode(op, [x], { axes: list, keepdims })[0];
  }

  softmax(x: Tensor, axis = -1): Tensor {
    return this.addNode('Softmax', [x], { axis: normaliseAxis(axis, x.rank) })[0];
  }

  logSoftmax(x: Tensor, axis = -1): Tensor {
    return this.addNode('LogSoftmax', [x], { axis: normaliseAxis(axis, x.rank) })[0];
  }

  // ---- Matrix products ----------------------------------------------------------------------------

  /** a @ b over the last two axes, broadcasting batch axes. */
  matmul(a: Tensor, b: Tensor): Tensor {
    return this.addNode('MatMul', [a, b], {})[0];
  }

  /** alpha op(a) @ op(b) for 2-D a and b, where op transposes when asked (no copy is made). */
  gemm(a: Tensor, b: Tensor, options: { transA?: boolean; transB?: boolean; alpha?: number } = {}): Tensor {
    // A transposed operand becomes a flag on the Gemm instead of a copy, and an operand scaled by a
    // constant becomes alpha (the scaling pass over the operand is then dead unless used elsewhere).
    let alpha = options.alpha ?? 1;
    const unwrapped = (t: Tensor, trans: boolean): [Tensor, boolean] => {
      for (;;) {
        const node = t.producer?.node;
        const scale = node?.op === 'Mul' && t.dtype === 'float32' ? scalarValue(node.inputs[1]) : undefined;
        if (node?.op === 'Transpose' && t.rank === 2) [t, trans] = [node.inputs[0], !trans];
        else if (node && scale !== undefined && node.inputs[1].rank === 0) [t, alpha] = [node.inputs[0], alpha * scale];
        else return [t, trans];
      }
    };
    const [a2, transA] = unwrapped(a, options.transA ?? false);
    const [b2, transB] = unwrapped(b, options.transB ?? false);
    return this.addNode('Gemm', [a2, b2], alpha === 1 ? { transA, transB } : { transA, transB, alpha })[0];
  }

  // ---- Layout -------------------------------------------------------------------------------------

  transpose(x: Tensor, perm: readonly number[]): Tensor {
    const p = perm.map(a => normaliseAxis(a, x.rank));
    const producer = x.producer?.node;
    if (producer?.op === 'Transpose') {
      const inner = (producer.attrs as { perm: number[] }).perm;
      return this.transpose(
        producer.inputs[0],
        p.map(a => inner[a]),
      );
    }
    if (p.every((a, i) => a === i)) return x;
    return this.addNode('Transpose', [x], { perm: p })[0];
  }

  /** Swaps the last two axes (k -> k^T). */
  transposeLast2(x: Tensor): Tensor {
    const perm = Array.from({ length: x.rank }, (_, i) => i);
    [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
    return this.transpose(x, perm);
  }

  /**
   * Reshape; one dim may be -1 (inferred). Symbolic dims pass through by name:
   * (B, 'T', C) -> (B, 'T', H, D) is fine; the exporter emits 0 ("copy") or -1 for them.
   */
  reshape(x: Tensor, shape: readonly Dim[]): Tensor {
    const target = [...shape];
    const unknown = target.indexOf(-1);
    if (unknown >= 0) {
      const known = target.reduce<number>((p, d, i) => (i !== unknown && typeof d === 'number' ? p * d : p), 1);
      const have = x.shape.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
      if (have % known !== 0) throw new ShapeError(`Reshape(${x}): cannot infer -1 in [${shape.join(',')}]`);
      target[unknown] = have / known;
    }
    const producer = x.producer?.node;
    if (producer?.op === 'Reshape') return this.reshape(producer.inputs[0], target);
    if (sameShape(x.shape, target)) return x;
    if (x.kind === 'constant' && x.data) {
      opSpecs.Reshape.infer([x], { shape: target }); // checks the target
      return this.declareConstant(x.dtype, target, x.data);
    }
    return this.addNode('Reshape', [x], { shape: target })[0];
  }

  expand(x: Tensor, shape: readonly Dim[]): Tensor {
    if (sameShape(x.shape, shape)) return x;
    return this.addNode('Expand', [x], { shape: [...shape] })[0];
  }

  squeeze(x: Tensor, axes: number | readonly number[]): Tensor {
    return this.addNode('Squeeze', [x], { axes: normaliseAxes(axes, x.rank) })[0];
  }

  /** Inserts size-1 axes at the given positions of the output. */
  unsqueeze(x: Tensor, axes: number | readonly number[]): Tensor {
    const list = typeof axes === 'number' ? [axes] : axes;
    return this.addNode('Unsqueeze', [x], { axes: normaliseAxes(list, x.rank + list.length) })[0];
  }

  concat(xs: readonly Tensor[], axis: number): Tensor {
    if (xs.length === 1) return xs[0];
    return this.addNode('Concat', xs, { axis: normaliseAxis(axis, xs[0].rank) })[0];
  }

  /** Splits along an axis into pieces of the given sizes, or into `count` equal pieces. */
  split(x: Tensor, sizesOrCount: number | readonly number[], axis: number): Tensor[] {
    const a = normaliseAxis(axis, x.rank);
    let sizes: number[];
    if (typeof sizesOrCount === 'number') {
      const d = x.shape[a];
      if (typeof d !== 'number' || d % sizesOrCount !== 0)
        throw new ShapeError(`Split(${x}): axis ${a} does not divide into ${sizesOrCount}`);
      sizes = Array.from({ length: sizesOrCount }, () => d / sizesOrCount);
    } else {
      sizes = [...sizesOrCount];
    }
    return this.addNode('Split', [x], { axis: a, sizes });
  }

  /** x[start:end] along one axis (step 1; negative indices count from the end, python style). */
  slice(x: Tensor, axis: number, start: number, end: number): Tensor {
    const a = normaliseAxis(axis, x.rank);
    const d = x.shape[a];
    if (typeof d !== 'number') throw new ShapeError(`Slice(${x}): axis ${a} is symbolic`);
    const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + d : i, 0), d);
    const [s, e] = [clamp(start), clamp(end)];
    if (s === 0 && e === d) return x;
    return this.addNode('Slice', [x], { starts: [s], ends: [Math.max(s, e)], axes: [a] })[0];
  }

  /** Zero padding: `before[i]` and `after[i]` elements on axis i. */
  pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
    if (before.length !== x.rank || after.length !== x.rank) throw new ShapeError(`Pad(${x}): give one pad per axis`);
    if ([...before, ...after].every(p => p === 0)) return x;
    return this.addNode('Pad', [x], { pads: [...before, ...after] })[0];
  }

  // ---- Indexing -----------------------------------------------------------------------------------

  /** Rows (or slices along `axis`) of data picked by integer indices: the embedding lookup. */
  gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
    return this.addNode('Gather', [data, indices], { axis: normaliseAxis(axis, data.rank) })[0];
  }

  gatherElements(data: Tensor, indices: Tensor, axis: number): Tensor {
    return this.addNode('GatherElements', [data, indices], { axis: normaliseAxis(axis, data.rank) })[0];
  }

  gatherND(data: Tensor, indices: Tensor): Tensor {
    return this.addNode('GatherND', [data, indices], {})[0];
  }

  scatterND(data: Tensor, indices: Tensor, updates: Tensor, reduction: Reduction = 'none'): Tensor {
    return this.addNode('ScatterND', [data, indices, updates], { reduction })[0];
  }

  scatterElements(data: Tensor, indices: Tensor, updates: Tensor, axis: number, reduction: Reduction = 'none'): Tensor {
    return this.addNode('ScatterElements', [data, indices, updates], { axis: normaliseAxis(axis, data.rank), reduction })[0];
  }

  /** The k largest (or smallest) entries along an axis, sorted; indices are int64. */
  topk(x: Tensor, k: number, axis = -1, largest = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.addNode('TopK', [x], { k, axis: normaliseAxis(axis, x.rank), largest });
    return { values, indices };
  }
}

/** A constant's single value, or undefined when t is not a one-element constant. */
export function scalarValue(t: Tensor): number | undefined {
  if (t.kind !== 'constant' || !t.data || t.data.length !== 1) return undefined;
  return Number(t.data[0]);
}
