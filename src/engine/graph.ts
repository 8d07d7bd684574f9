// The graph IR: tensors with static (or symbolic) shapes and dtypes, nodes applying primitive ops, and
// a validator. Nodes are appended in creation order, which is always a topological order.

import { AnyTypedArray, DType } from './dtype';
import { checkArity, describeType, Op, OpAttrs, opSpecs, sameShape, Shape, ShapeError, sizeOf } from './ops';

/**
 * Where a tensor comes from: a fed `input`, a trainable `param` (also fed, so it can be updated each
 * step without rebuilding the session), a `constant` stored in the model, or a `node` output.
 */
export type TensorKind = 'input' | 'param' | 'constant' | 'node';

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: TensorKind,
    /** Feed name for inputs and params; optional for the rest. */
    readonly name: string | undefined,
    readonly producer: { readonly node: Node; readonly index: number } | undefined,
    /** Elements of a constant, row-major. */
    readonly data: AnyTypedArray | undefined,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements; throws for symbolic shapes. */
  get size(): number {
    return sizeOf(this.shape);
  }

  toString(): string {
    const origin = this.producer ? this.producer.node.op : this.kind;
    return `${this.name ?? `t${this.id}`}: ${describeType(this)} (${origin})`;
  }
}

export interface Node<O extends Op = Op> {
  readonly id: number;
  readonly op: O;
  readonly inputs: readonly Tensor[];
  readonly attrs: OpAttrs[O];
  readonly outputs: readonly Tensor[];
}

export class Graph {
  readonly nodes: Node[] = [];
  /** Inputs and params in declaration order. */
  readonly feeds: Tensor[] = [];
  private nextId = 0;
  private readonly feedNames = new Set<string>();

  /** Declares a fed tensor. */
  protected declareFeed(kind: 'input' | 'param', name: string, dtype: DType, shape: Shape): Tensor {
    if (this.feedNames.has(name)) throw new Error(`a graph input named '${name}' already exists`);
    this.feedNames.add(name);
    const t = new Tensor(this, this.nextId++, dtype, [...shape], kind, name, undefined, undefined);
    this.feeds.push(t);
    return t;
  }

  protected declareConstant(dtype: DType, shape: Shape, data: AnyTypedArray, name?: string): Tensor {
    if (data.length !== sizeOf(shape))
      throw new ShapeError(`constant has ${data.length} elements, shape [${shape.join(',')}] needs ${sizeOf(shape)}`);
    return new Tensor(this, this.nextId++, dtype, [...shape], 'constant', name, undefined, data);
  }

  /** Appends a node after checking arity, graph membership and shapes; returns its outputs. */
  addNode<O extends Op>(op: O, inputs: readonly Tensor[], attrs: OpAttrs[O]): Tensor[] {
    checkArity(op, inputs.length);
    for (const t of inputs) {
      if (t.graph !== this) throw new Error(`${op}: input ${t} belongs to another graph`);
    }
    const types = opSpecs[op].infer(inputs, attrs);
    const outputs: Tensor[] = [];
    const node: Node<O> = { id: this.nodes.length, op, inputs: [...inputs], attrs, outputs };
    types.forEach((type, index) => {
      outputs.push(new Tensor(this, this.nextId++, type.dtype, [...type.shape], 'node', undefined, { node, index }, undefined));
    });
    this.nodes.push(node as Node);
    return outputs;
  }

  params(): Tensor[] {
    return this.feeds.filter(t => t.kind === 'param');
  }

  inputs(): Tensor[] {
    return this.feeds.filter(t => t.kind === 'input');
  }
}

/**
 * Re-checks every node: arity, inputs defined before use, inferred output types equal to the stored
 * ones. Graphs are checked when built; this catches IR surgery gone wrong (and runs in every test).
 */
export function validateGraph(graph: Graph): void {
  const defined = new Set<number>(graph.feeds.map(t => t.id));
  for (const node of graph.nodes) {
    checkArity(node.op, node.inputs.length);
    for (const t of node.inputs) {
      if (t.kind === 'constant') continue;
      if (!defined.has(t.id)) throw new Error(`${node.op} node ${node.id}: input ${t} is used before it is defined`);
    }
    const types = opSpecs[node.op].infer(node.inputs, node.attrs as never);
    if (types.length !== node.outputs.length) throw new Error(`${node.op} node ${node.id}: output count changed`);
    types.forEach((type, i) => {
      const out = node.outputs[i];
      if (type.dtype !== out.dtype || !sameShape(type.shape, out.shape)) {
        throw new ShapeError(`${node.op} node ${node.id}: output ${i} is ${describeType(out)}, inference says ${describeType(type)}`);
      }
      defined.add(out.id);
    });
  }
}
