// Reverse-mode autodiff over the graph IR: grad(loss, wrt) appends backward nodes for exactly the
// nodes that lie on a path from some `wrt` tensor to the loss, so asking for the gradients of the top
// layers adds nothing for the layers below them. Fan-out gradients are summed.

import { GraphBuilder } from './builder';
import { isFloatType } from './dtype';
import { Tensor } from './graph';
import { isScatterIntoZeros, vjpRules, VjpTable } from './gradients';
import { describeType, isStatic, sameShape } from './ops';

export interface GradOptions {
  /** The VJP table to use (a test passes a broken one to show that the gradient check catches it). */
  readonly rules?: VjpTable;
  /** false: ignore composites' own rules (GraphBuilder.withGradient) and differentiate their primitives. */
  readonly customGradients?: boolean;
}

/**
 * Sums gradient contributions. A contribution that is a scatter-add into zeros (from Gather,
 * GatherElements, TopK) is folded into the running sum as a scatter-add onto it, so the dense zero
 * tensor is never materialised (e.g. tied embeddings: head gradient + embedding-row gradient).
 */
function accumulate(g: GraphBuilder, parts: readonly Tensor[]): Tensor {
  const dense = parts.filter(p => !isScatterIntoZeros(p));
  const sparse = parts.filter(p => isScatterIntoZeros(p));
  let total: Tensor | null = dense.length > 0 ? dense.reduce((a, b) => g.add(a, b)) : null;
  for (const s of sparse) {
    if (total === null) {
      total = s;
      continue;
    }
    const node = s.producer!.node;
    const [, indices, updates] = node.inputs;
    total =
      node.op === 'ScatterND'
        ? g.scatterND(total, indices, updates, 'add')
        : g.scatterElements(total, indices, updates, (node.attrs as { axis: number }).axis, 'add');
  }
  return total as Tensor;
}

/** Gradients of the one-element tensor `loss` with respect to each of `wrt` (zeros where none flows). */
export function grad(loss: Tensor, wrt: readonly Tensor[], options: GradOptions = {}): Tensor[] {
  const g = loss.graph;
  if (!(g instanceof GraphBuilder)) throw new Error('grad: the loss must belong to a GraphBuilder');
  if (!isFloatType(loss.dtype) || !isStatic(loss.shape) || loss.size !== 1) {
    throw new Error(`grad: the loss must be a one-element float tensor, got ${describeType(loss)}`);
  }
  for (const w of wrt) {
    if (w.graph !== g) throw new Error(`grad: ${w} belongs to another graph`);
    if (!isFloatType(w.dtype)) throw new Error(`grad: cannot differentiate with respect to ${w}`);
  }
  const rules = options.rules ?? vjpRules;
  const nodes = g.nodes.slice(); // backward nodes appended below are not visited

  // Tensors that depend on some wrt tensor through float values.
  const fromWrt = new Set(wrt.map(t => t.id));
  for (const node of nodes) {
    if (!node.inputs.some(t => fromWrt.has(t.id))) continue;
    for (const t of node.outputs) if (isFloatType(t.dtype)) fromWrt.add(t.id);
  }
  // Tensors the loss depends on.
  const toLoss = new Set([loss.id]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (nodes[i].outputs.some(t => toLoss.has(t.id))) for (const t of nodes[i].inputs) toLoss.add(t.id);
  }

  const contributions = new Map<number, Tensor[]>();
  const seed = g.scalar(1, loss.dtype);
  contributions.set(loss.id, [loss.rank === 0 ? seed : g.reshape(seed, loss.shape)]);

  const gradientOf = (t: Tensor): Tensor | null => {
    const parts = contributions.get(t.id);
    if (!parts) return null;
    const total = parts.length === 1 ? parts[0] : accumulate(g, parts);
    contributions.set(t.id, [total]);
    return total;
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!node.outputs.some(t => fromWrt.has(t.id) && toLoss.has(t.id))) continue;
    const custom = options.customGradients === false ? undefined : g.customGradient(node.outputs[0]);
    const rule = rules[node.op] as ((...args: unknown[]) => (Tensor | null)[]) | null;
    if (!rule && !custom) continue;
    const dOuts = node.outputs.map(gradientOf);
    if (dOuts.every(d => d === null)) continue;
    const inputs = custom ? custom.inputs : node.inputs;
    const dIns = custom ? custom.vjp(g, dOuts[0] as Tensor) : (rule as (...args: unknown[]) => (Tensor | null)[])(g, node, dOuts);
    if (dIns.length !== inputs.length) {
      throw new Error(`grad: the ${custom ? 'custom' : node.op} rule returned ${dIns.length} gradients for ${inputs.length} inputs`);
    }
    dIns.forEach((d, k) => {
      const x = inputs[k];
      if (!d || !fromWrt.has(x.id)) return;
      if (d.dtype !== x.dtype || !sameShape(d.shape, x.shape)) {
        throw new Error(`grad: the ${custom ? 'custom' : node.op} rule gave ${describeType(d)} for input ${k}, ${x}`);
      }
      const parts = contributions.get(x.id);
      if (parts) parts.push(d);
      else contributions.set(x.id, [d]);
    });
  }

  return wrt.map(w => gradientOf(w) ?? g.zeros(w.shape as number[], w.dtype));
}
