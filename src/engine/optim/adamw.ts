// AdamW (decoupled weight decay, as in PyTorch) over named Float32Array parameters, updated in place,
// with parameter groups that each have their own learning rate, betas, epsilon and weight decay.

export interface AdamWHyperparameters {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
}

export interface AdamWGroup extends Partial<AdamWHyperparameters> {
  /** Names of the parameters in this group. */
  readonly params: readonly string[];
}

export const adamWDefaults: AdamWHyperparameters = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 };

/** Moments and step count, for checkpoints. */
export interface AdamWState {
  readonly step: number;
  readonly m: Readonly<Record<string, Float32Array>>;
  readonly v: Readonly<Record<string, Float32Array>>;
}

interface Slot {
  readonly name: string;
  readonly param: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly hyper: AdamWHyperparameters;
}

export class AdamW {
  private slots: Slot[] = [];
  private stepCount = 0;

  /**
   * `params` maps names to the arrays that are updated in place (the same arrays fed to sessions).
   * With no groups, every parameter is in one group with `defaults`; otherwise only grouped ones train.
   */
  constructor(params: Readonly<Record<string, Float32Array>>, groups: readonly AdamWGroup[] = [], defaults: Partial<AdamWHyperparameters> = {}) {
    const base = { ...adamWDefaults, ...defaults };
    const effective = groups.length > 0 ? groups : [{ params: Object.keys(params) }];
    const seen = new Set<string>();
    for (const group of effective) {
      const hyper: AdamWHyperparameters = { ...base, ...group, betas: group.betas ?? base.betas };
      for (const name of group.params) {
        const param = params[name];
        if (!param) throw new Error(`AdamW: no parameter named '${name}'`);
        if (seen.has(name)) throw new Error(`AdamW: parameter '${name}' is in two groups`);
        seen.add(name);
        this.slots.push({ name, param, m: new Float32Array(param.length), v: new Float32Array(param.length), hyper });
      }
    }
  }

  get step(): number {
    return this.stepCount;
  }

  /** One update from gradients by parameter name; lrScale multiplies every group's lr (schedules). */
  update(grads: Readonly<Record<string, Float32Array>>, lrScale = 1): void {
    this.stepCount++;
    const t = this.stepCount;
    for (const { name, param, m, v, hyper } of this.slots) {
      const g = grads[name];
      if (!g) throw new Error(`AdamW: no gradient for '${name}'`);
      if (g.length !== param.length) throw new Error(`AdamW: gradient for '${name}' has ${g.length} elements, the parameter ${param.length}`);
      const [beta1, beta2] = hyper.betas;
      const lr = hyper.lr * lrScale;
      const decay = 1 - lr * hyper.weightDecay;
      const stepSize = lr / (1 - Math.pow(beta1, t));
      const inverseSqrtCorrection2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
      const eps = hyper.eps;
      for (let i = 0; i < param.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        param[i] = param[i] * decay - (stepSize * mi) / (Math.sqrt(vi) * inverseSqrtCorrection2 + eps);
      }
    }
  }

  state(): AdamWState {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const slot of this.slots) {
      m[slot.name] = slot.m;
      v[slot.name] = slot.v;
    }
    return { step: this.stepCount, m, v };
  }

  loadState(state: AdamWState): void {
    for (const slot of this.slots) {
      const m = state.m[slot.name];
      const v = state.v[slot.name];
      if (!m || !v || m.length !== slot.m.length || v.length !== slot.v.length) throw new Error(`AdamW: state for '${slot.name}' missing or misshapen`);
      slot.m.set(m);
      slot.v.set(v);
    }
    this.stepCount = state.step;
  }
}
