// All vector-Jacobian products in one table (tinygrad's pm_gradient idea): for each primitive op, a
// rule that takes the gradients of the node's outputs and returns one gradient per input (null where
// none flows: indices, conditions, constant exponents). Ops whose entry is null are not
// differentiable. Composites (SiLU, RMSNorm, cross-entropy...) have no rules: autodiff goes through
// their primitives. Rules reuse forward activations (a node's outputs) rather than recomputing.

import { GraphBuilder, scalarValue } from './builder';
import { isFloatType } from './dtype';
import { Node, Tensor } from './graph';
import { Op, sameShape, Shape, sizeOf } from './ops';

export type Gradients = (Tensor | null)[];

/** dOuts has one entry per node output; at least one is non-null when a rule is called. */
export type VjpRule<O extends Op> = (g: GraphBuilder, node: Node<O>, dOuts: readonly (Tensor | null)[]) => Gradients;

export type VjpTable = { readonly [O in Op]: VjpRule<O> | null };

/** Sums a broadcast gradient back to the shape of the operand that was broadcast. */
export function unbroadcast(g: GraphBuilder, dy: Tensor, shape: Shape): Tensor {
  if (sameShape(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  dy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length > 0 ? g.sum(dy, axes, true) : dy;
  return g.reshape(summed, shape);
}

/** The reduced tensor with its reduced axes kept as size 1 (so it broadcasts against the input). */
function keepDims(g: GraphBuilder, y: Tensor, input: Shape, axes: readonly number[]): Tensor {
  return g.reshape(
    y,
    input.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

/** True when t is a ScatterND/ScatterElements with reduction add into a run-time zeros tensor. */
export function isScatterIntoZeros(t: Tensor): boolean {
  const node = t.producer?.node;
  if (!node || (node.op !== 'ScatterND' && node.op !== 'ScatterElements')) return false;
  const zeros = node.inputs[0].producer?.node;
  const attrs = node.attrs as { reduction: string };
  return attrs.reduction === 'add' && zeros?.op === 'ConstantOfShape' && (zeros.attrs as { value: number }).value === 0;
}

const int64 = (g: GraphBuilder, t: Tensor): Tensor => g.cast(t, 'int64');

/**
 * The one value every element of t has, when that is known from constants alone (a scalar constant
 * negated, scaled, reshaped or broadcast), as for the gradient a mean sends back; else undefined.
 */
export function uniformValue(t: Tensor): number | undefined {
  if (t.kind === 'constant') return t.data && t.data.length === 1 ? Number(t.data[0]) : undefined;
  const node = t.producer?.node;
  if (!node || !isFloatType(t.dtype)) return undefined;
  switch (node.op) {
    case 'Reshape':
    case 'Expand':
    case 'Squeeze':
    case 'Unsqueeze':
    case 'Identity':
      return uniformValue(node.inputs[0]);
    case 'Neg': {
      const v = uniformValue(node.inputs[0]);
      return v === undefined ? undefined : -v;
    }
    case 'Mul': {
      const [a, b] = node.inputs.map(uniformValue);
      return a === undefined || b === undefined ? undefined : a * b;
    }
    default:
      return undefined;
  }
}

/**
 * dy * t * c for a constant c, ordered so the scaling costs least: inside dy's broadcast when dy is
 * an Expand (the scalar then multiplies the small tensor), else last, where the builder folds it
 * into the next rule's scaling.
 */
function scaledProduct(g: GraphBuilder, dy: Tensor, t: Tensor, c: number): Tensor {
  if (dy.producer?.node.op === 'Expand') return g.mul(g.mul(dy, c), t);
  return g.mul(g.mul(dy, t), c);
}

const one = (dy: Tensor | null): Tensor => dy as Tensor;

export const vjpRules: VjpTable = {
  Add: (g, { inputs: [a, b] }, [dy]) => [unbroadcast(g, one(dy), a.shape), unbroadcast(g, one(dy), b.shape)],
  Sub: (g, { inputs: [a, b] }, [dy]) => [unbroadcast(g, one(dy), a.shape), g.neg(unbroadcast(g, one(dy), b.shape))],
  Mul: (g, { inputs: [a, b] }, [dy]) => [unbroadcast(g, g.mul(one(dy), b), a.shape), unbroadcast(g, g.mul(one(dy), a), b.shape)],
  // y = a / b: da = dy / b, db = -dy * y / b.
  Div: (g, { inputs: [a, b], outputs: [y] }, [dy]) => [
    unbroadcast(g, g.div(one(dy), b), a.shape),
    g.neg(unbroadcast(g, g.div(g.mul(one(dy), y), b), b.shape)),
  ],
  // y = x ** p with a scalar constant p.
  Pow: (g, { inputs: [x, p] }, [dy]) => {
    const exponent = scalarValue(p);
    if (exponent === undefined) throw new Error('Pow: the exponent must be a scalar constant');
    return [scaledProduct(g, one(dy), g.pow(x, exponent - 1), exponent), null];
  },
  Equal: null,
  Less: null,
  Greater: null,
  Where: (g, { inputs: [cond, a, b] }, [dy]) => [
    null,
    unbroadcast(g, g.where(cond, one(dy), 0), a.shape),
    unbroadcast(g, g.where(cond, 0, one(dy)), b.shape),
  ],
  Neg: (g, _node, [dy]) => [g.neg(one(dy))],
  Exp: (g, { outputs: [y] }, [dy]) => [g.mul(one(dy), y)],
  Log: (g, { inputs: [x] }, [dy]) => [g.div(one(dy), x)],
  Sqrt: (g, { outputs: [y] }, [dy]) => [g.mul(g.div(one(dy), y), 0.5)],
  Reciprocal: (g, { outputs: [y] }, [dy]) => [g.neg(g.mul(one(dy), g.mul(y, y)))],
  Relu: (g, { outputs: [y] }, [dy]) => [g.where(g.greater(y, 0), one(dy), 0)],
  Sigmoid: (g, { outputs: [y] }, [dy]) => [g.mul(one(dy), g.mul(y, g.sub(1, y)))],
  Tanh: (g, { outputs: [y] }, [dy]) => [g.mul(one(dy), g.sub(1, g.mul(y, y)))],
  Erf: (g, { inputs: [x] }, [dy]) => [scaledProduct(g, one(dy), g.exp(g.neg(g.mul(x, x))), 2 / Math.sqrt(Math.PI))],
  Identity: (_g, _node, [dy]) => [one(dy)],
  Cast: (g, { inputs: [x], outputs: [y] }, [dy]) => (isFloatType(x.dtype) && isFloatType(y.dtype) ? [g.cast(one(dy), x.dtype)] : [null]),
  ReduceSum: (g, { inputs: [x], attrs }, [dy]) => [g.expand(keepDims(g, one(dy), x.shape, attrs.axes), x.shape)],
  ReduceMean: (g, { inputs: [x], attrs }, [dy]) => {
    const count = sizeOf(attrs.axes.map(a => x.shape[a]));
    return [g.expand(keepDims(g, g.mul(one(dy), 1 / count), x.shape, attrs.axes), x.shape)];
  },
  // The gradient goes to the maxima, shared equally between ties.
  ReduceMax: (g, { inputs: [x], outputs: [y], attrs }, [dy]) => {
    const mask = g.cast(g.equal(x, keepDims(g, y, x.shape, attrs.axes)), x.dtype);
    const count = g.sum(mask, attrs.axes, true);
    return [g.mul(mask, g.div(keepDims(g, one(dy), x.shape, attrs.axes), count))];
  },
  // dx = y * (dy - sum(dy * y)).
  Softmax: (g, { outputs: [y], attrs }, [dy]) => [g.mul(y, g.sub(one(dy), g.sum(g.mul(one(dy), y), attrs.axis, true)))],
  // dx = dy - softmax * sum(dy). When dy is one-hot-sparse (a scatter into zeros along the same axis,
  // as cross-entropy makes it), the dense zeros are never built: scatter dy onto -softmax * sum.
  LogSoftmax: (g, { outputs: [y], attrs }, [dy]) => {
    const d = one(dy);
    const scatter = d.producer?.node;
    if (isScatterIntoZeros(d) && scatter?.op === 'ScatterElements' && (scatter.attrs as { axis: number }).axis === attrs.axis) {
      const [, indices, updates] = scatter.inputs;
      const sameOtherDims = updates.shape.every((s, i) => i === attrs.axis || s === y.shape[i]);
      // With the same gradient c at every position (a plain mean), dx = c (onehot - softmax) is
      // c * scatter-add(softmax, -1): the scaling is left for the consumer (a Gemm takes it as alpha)
      // instead of being a pass over the (..., V) tensor.
      const c = uniformValue(updates);
      const pickedOnce = updates.shape[attrs.axis] === 1;
      if (sameOtherDims && pickedOnce && c !== undefined && c !== 0) {
        const unit = g.scatterElements(g.exp(y), indices, g.full(updates.shape as number[], -1, updates.dtype), attrs.axis, 'add');
        return [g.mul(unit, -c)];
      }
      if (sameOtherDims) {
        const base = g.mul(g.exp(y), g.neg(g.sum(updates, attrs.axis, true)));
        return [g.scatterElements(base, indices, updates, attrs.axis, 'add')];
      }
    }
    return [g.sub(d, g.mul(g.exp(y), g.sum(d, attrs.axis, true)))];
  },
  // With a 2-D right operand (x @ W, the common case) both gradients are single Gemms on the flattened
  // batch: dx = dy W^T and dW = x^T dy (which also sums over the batch). Otherwise batched MatMuls.
  MatMul: (g, { inputs: [a, b] }, [dy]) => {
    const d = one(dy);
    if (b.rank === 2) {
      const [k, n] = b.shape as number[];
      const dy2 = g.reshape(d, [-1, n]); // (P, N)
      const a2 = g.reshape(a, [-1, k]); // (P, K)
      return [g.reshape(g.gemm(dy2, b, { transB: true }), a.shape), g.gemm(a2, dy2, { transA: true })];
    }
    return [unbroadcast(g, g.matmul(d, g.transposeLast2(b)), a.shape), unbroadcast(g, g.matmul(g.transposeLast2(a), d), b.shape)];
  },
  // y = op(A) op(B).
  Gemm: (g, { inputs: [a, b], attrs: { transA, transB, alpha = 1 } }, [dy]) => {
    const d = one(dy);
    const da = transA ? g.gemm(b, d, { transA: transB, transB: true, alpha }) : g.gemm(d, b, { transB: !transB, alpha });
    const db = transB ? g.gemm(d, a, { transA: true, transB: transA, alpha }) : g.gemm(a, d, { transA: !transA, alpha });
    return [da, db];
  },
  // When dy is a fresh product a @ b and the transpose swaps the last two axes (k^T in attention, the
  // tied embedding's wte^T), (a b)^T = b^T a^T: the transposes fold into the product, no copy is made.
  // More generally a product's transpose may be taken as b^T a^T transposed the other way, which is
  // preferred when that keeps the last axis in place (rows move as whole runs: a cheaper copy), as for
  // the gradient of attention's k^T (B,T,H,D -> B,H,D,T).
  Transpose: (g, { attrs: { perm } }, [dy]) => {
    const inverse = perm.map((_, i) => perm.indexOf(i));
    const product = one(dy).producer?.node;
    const last = perm.length - 1;
    const swap = (i: number): number => (i === last ? last - 1 : i === last - 1 ? last : i);
    const swapsLastTwo = inverse.every((p, i) => p === swap(i));
    const swappedKeepsLast = swap(inverse[last]) === last;
    if (product?.op === 'MatMul' && (swapsLastTwo || (inverse[last] !== last && swappedKeepsLast))) {
      const [a, b] = product.inputs;
      const swappedProduct = g.matmul(g.transposeLast2(b), g.transposeLast2(a));
      return [g.transpose(swappedProduct, inverse.map(swap))];
    }
    if (product?.op === 'Gemm') {
      const [a, b] = product.inputs;
      const { transA, transB, alpha } = product.attrs as { transA: boolean; transB: boolean; alpha?: number };
      return [g.gemm(b, a, { transA: !transB, transB: !transA, alpha })];
    }
    return [g.transpose(one(dy), inverse)];
  },
  Reshape: (g, { inputs: [x] }, [dy]) => [g.reshape(one(dy), x.shape)],
  Expand: (g, { inputs: [x] }, [dy]) => [unbroadcast(g, one(dy), x.shape)],
  Squeeze: (g, { inputs: [x] }, [dy]) => [g.reshape(one(dy), x.shape)],
  Unsqueeze: (g, { inputs: [x] }, [dy]) => [g.reshape(one(dy), x.shape)],
  Concat: (g, { inputs, attrs: { axis } }, [dy]) =>
    g.split(
      one(dy),
      inputs.map(t => t.shape[axis] as number),
      axis,
    ),
  Split: (g, { inputs: [x], outputs, attrs: { axis } }, dOuts) => {
    const parts = dOuts.map((d, i) => d ?? g.zeros(outputs[i].shape as number[], x.dtype));
    return [g.concat(parts, axis)];
  },
  Slice: (g, { inputs: [x], attrs: { starts, ends, axes } }, [dy]) => {
    const before = x.shape.map(() => 0);
    const after = x.shape.map(() => 0);
    axes.forEach((a, i) => {
      before[a] = starts[i];
      after[a] = (x.shape[a] as number) - ends[i];
    });
    return [g.pad(one(dy), before, after)];
  },
  Pad: (g, { inputs: [x], attrs: { pads } }, [dy]) => {
    const axes = x.shape.map((_, i) => i).filter(i => pads[i] + pads[i + x.rank] > 0);
    const starts = axes.map(a => pads[a]);
    const ends = axes.map(a => pads[a] + (x.shape[a] as number));
    return [g.addNode('Slice', [one(dy)], { starts, ends, axes })[0]];
  },
  // The embedding lookup's gradient adds each row's gradient into a zero table (repeats add up).
  Gather: (g, { inputs: [data, indices], attrs: { axis } }, [dy]) => {
    if (axis !== 0) throw new Error('the gradient of Gather is implemented for axis 0 (row lookup) only');
    const rows = g.unsqueeze(int64(g, indices), -1);
    return [g.scatterND(g.zeros(data.shape as number[], data.dtype), rows, one(dy), 'add'), null];
  },
  GatherElements: (g, { inputs: [data, indices], attrs: { axis } }, [dy]) => [
    g.scatterElements(g.zeros(data.shape as number[], data.dtype), indices, one(dy), axis, 'add'),
    null,
  ],
  GatherND: (g, { inputs: [data, indices] }, [dy]) => [
    g.scatterND(g.zeros(data.shape as number[], data.dtype), indices, one(dy), 'add'),
    null,
  ],
  ScatterND: (g, { inputs: [, indices, updates], attrs: { reduction } }, [dy]) => {
    const d = one(dy);
    const dData = reduction === 'add' ? d : g.scatterND(d, indices, g.zeros(updates.shape as number[], updates.dtype));
    return [dData, null, g.gatherND(d, indices)];
  },
  ScatterElements: (g, { inputs: [, indices, updates], attrs: { axis, reduction } }, [dy]) => {
    const d = one(dy);
    const dData = reduction === 'add' ? d : g.scatterElements(d, indices, g.zeros(updates.shape as number[], updates.dtype), axis);
    return [dData, null, g.gatherElements(d, indices, axis)];
  },
  // Values are differentiable (scattered back to where they came from); indices are not.
  TopK: (g, { inputs: [x], outputs: [, indices], attrs: { axis } }, [dValues]) => {
    if (!dValues) return [null];
    return [g.scatterElements(g.zeros(x.shape as number[], x.dtype), indices, dValues, axis, 'add')];
  },
  ConstantOfShape: null,
};
