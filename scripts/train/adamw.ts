// AdamW with parameter groups and global gradient-norm clipping, on Float32Arrays in place.
// Stand-in until the engine's optimisers (src/engine/optim) land; the training script needs only
// step(), the learning-rate hook and state save/restore.

export interface AdamWGroup {
  readonly names: readonly string[];
  /** Learning rate at a given step (0-based), so schedules stay outside the optimiser. */
  readonly learningRate: (step: number) => number;
  readonly weightDecay: number;
}

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Clip the global gradient norm to this (0 = off). */
  readonly clipNorm: number;
}

export class AdamW {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  stepCount = 0;

  constructor(
    private readonly parameters: ReadonlyMap<string, Float32Array>,
    private readonly groups: readonly AdamWGroup[],
    private readonly options: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, clipNorm: 1 },
  ) {
    for (const group of groups) {
      for (const name of group.names) {
        const data = parameters.get(name);
        if (!data) throw new Error(`AdamW: unknown parameter ${name}`);
        this.m.set(name, new Float32Array(data.length));
        this.v.set(name, new Float32Array(data.length));
      }
    }
  }

  /** One update from gradients by parameter name; returns the gradient norm before clipping. */
  step(gradients: ReadonlyMap<string, Float32Array>): number {
    let sumSquares = 0;
    for (const g of gradients.values()) for (let i = 0; i < g.length; i++) sumSquares += g[i]! * g[i]!;
    const norm = Math.sqrt(sumSquares);
    const clip = this.options.clipNorm > 0 && norm > this.options.clipNorm ? this.options.clipNorm / norm : 1;
    const { beta1, beta2, epsilon } = this.options;
    const t = this.stepCount + 1;
    const correction1 = 1 - Math.pow(beta1, t);
    const correction2 = 1 - Math.pow(beta2, t);
    for (const group of this.groups) {
      const lr = group.learningRate(this.stepCount);
      const decay = 1 - lr * group.weightDecay;
      for (const name of group.names) {
        const p = this.parameters.get(name)!;
        const g = gradients.get(name);
        if (!g) throw new Error(`AdamW: no gradient for ${name}`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]! * clip;
          const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
          const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
          p[i] = p[i]! * decay - (lr * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
        }
      }
    }
    this.stepCount = t;
    return norm;
  }

  /** Moment tensors by name ("m/<param>", "v/<param>") for a checkpoint. */
  state(): Map<string, Float32Array> {
    const state = new Map<string, Float32Array>();
    for (const [name, m] of this.m) state.set(`m/${name}`, m);
    for (const [name, v] of this.v) state.set(`v/${name}`, v);
    return state;
  }

  restore(state: ReadonlyMap<string, Float32Array>, stepCount: number): void {
    for (const [name, m] of this.m) {
      const saved = state.get(`m/${name}`);
      const savedV = state.get(`v/${name}`);
      if (!saved || !savedV) throw new Error(`AdamW: checkpoint has no optimiser state for ${name}`);
      m.set(saved);
      this.v.get(name)!.set(savedV);
    }
    this.stepCount = stepCount;
  }
}
