// AdamW (decoupled weight decay, as in PyTorch) over named Float32Array parameters, updated in place,
// with parameter groups that each have their own learning rate, betas, epsilon and weight decay.
// The arithmetic is adamwKernel.ts's (wasm SIMD in float32 where available).

import { AdamWUpdater, AdamWUpdaterOptions, createAdamWUpdater } from './adamwKernel';

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
  readonly index: number;
  readonly hyper: AdamWHyperparameters;
}

export class AdamW {
  private slots: Slot[] = [];
  private stepCount = 0;
  private readonly updater: AdamWUpdater;

  /**
   * `params` maps names to the arrays that are updated in place (the same arrays fed to sessions).
   * With no groups, every parameter is in one group with `defaults`; otherwise only grouped ones train.
   * `options.wasm: false` keeps the update in plain JS (tests compare the two). `options.resident`:
   * the optimiser makes its own arrays for the values (a copy of `params`) and the gradients, in
   * memory its kernel updates without copying; feed `parameters` and fetch into `gradients` then.
   */
  constructor(
    params: Readonly<Record<string, Float32Array>>,
    groups: readonly AdamWGroup[] = [],
    defaults: Partial<AdamWHyperparameters> = {},
    options: AdamWUpdaterOptions = {},
  ) {
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
        this.slots.push({ name, param, index: this.slots.length, hyper });
      }
    }
    this.updater = createAdamWUpdater(
      this.slots.map(s => s.param.length),
      options,
    );
    const resident = this.updater.resident;
    if (resident) {
      this.slots = this.slots.map(slot => ({ ...slot, param: resident[slot.index].param }));
      for (const slot of this.slots) slot.param.set(params[slot.name]);
    }
  }

  /** The arrays updated in place, by name: the ones given, or with `resident`, the optimiser's own. */
  get parameters(): Record<string, Float32Array> {
    return Object.fromEntries(this.slots.map(s => [s.name, s.param]));
  }

  /** With `resident`, the arrays to fetch gradients into (and pass to update); else undefined. */
  get gradients(): Record<string, Float32Array> | undefined {
    const resident = this.updater.resident;
    return resident && Object.fromEntries(this.slots.map(s => [s.name, resident[s.index].grad]));
  }

  get step(): number {
    return this.stepCount;
  }

  /** One update from gradients by parameter name; lrScale multiplies every group's lr (schedules). */
  update(grads: Readonly<Record<string, Float32Array>>, lrScale = 1): void {
    this.stepCount++;
    const t = this.stepCount;
    for (const { name, param, index, hyper } of this.slots) {
      const g = grads[name];
      if (!g) throw new Error(`AdamW: no gradient for '${name}'`);
      if (g.length !== param.length)
        throw new Error(`AdamW: gradient for '${name}' has ${g.length} elements, the parameter ${param.length}`);
      const [beta1, beta2] = hyper.betas;
      const lr = hyper.lr * lrScale;
      // The bias corrections folded into two scalars: lr m^ / (sqrt(v^) + eps) with m^ = m / (1 - b1^t),
      // v^ = v / (1 - b2^t) equals stepSize m / (sqrt(v) + epsHat).
      const correction2 = Math.sqrt(1 - Math.pow(beta2, t));
      this.updater.update(index, param, g, {
        c1: 1 - beta1,
        c2: 1 - beta2,
        decay: 1 - lr * hyper.weightDecay,
        stepSize: (lr / (1 - Math.pow(beta1, t))) * correction2,
        epsHat: hyper.eps * correction2,
      });
    }
  }

  state(): AdamWState {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const slot of this.slots) {
      m[slot.name] = this.updater.moments[slot.index].m;
      v[slot.name] = this.updater.moments[slot.index].v;
    }
    return { step: this.stepCount, m, v };
  }

  loadState(state: AdamWState): void {
    for (const slot of this.slots) {
      const m = state.m[slot.name];
      const v = state.v[slot.name];
      const own = this.updater.moments[slot.index];
      if (!m || !v || m.length !== own.m.length || v.length !== own.v.length)
        throw new Error(`AdamW: state for '${slot.name}' missing or misshapen`);
      own.m.set(m);
      own.v.set(v);
    }
    this.stepCount = state.step;
  }
}
