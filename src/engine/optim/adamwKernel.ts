// The AdamW update of one block of float32 values as a WebAssembly SIMD kernel (4 lanes of f32), and
// a JS fallback with the same arithmetic for hosts without wasm SIMD. The update runs once per
// training step over every parameter; the scalar JS loop spent ~13 cycles an element on f64 sqrt and
// division, the kernel ~4x fewer. The module is a few hundred bytes written out below
// (instruction by instruction, so it can be read and checked against the JS fallback).
//
// Per element, with c1 = 1 - beta1, c2 = 1 - beta2 and the bias corrections folded into stepSize and
// epsHat by the caller:
//   m = m + c1 (g - m);  v = v + c2 (g^2 - v);  p = p * decay - stepSize * m / (sqrt(v) + epsHat)

/** Scalars of one update, already bias-corrected. */
export interface AdamWStepScalars {
  readonly c1: number;
  readonly c2: number;
  readonly decay: number;
  readonly stepSize: number;
  readonly epsHat: number;
}

/** Updates p, m, v in place from g (all the same length). */
export function adamWBlockUpdateJs(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamWStepScalars): void {
  const { c1, c2, decay, stepSize, epsHat } = s;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = m[i] + c1 * (gi - m[i]);
    const vi = v[i] + c2 * (gi * gi - v[i]);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) + epsHat);
  }
}

// ---- The wasm module ------------------------------------------------------------------------------

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const utf8 = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];

// Instructions used by the kernel.
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const load = [...simd(0x00), 4, 0]; // v128.load align=16 offset=0
const store = [...simd(0x0b), 4, 0]; // v128.store align=16 offset=0
const splat = simd(0x13); // f32x4.splat
const sqrt = simd(0xe3);
const add = simd(0xe4);
const sub = simd(0xe5);
const mul = simd(0xe6);
const div = simd(0xe7);
const i32Add = [0x6a];

// Parameters: byte offsets of p, g, m, v; the byte length (a multiple of 16); then c1, c2, decay,
// stepSize, epsHat. Locals: the running byte index, the five scalars splatted, and g, m, v.
const [P, G, M, V, BYTES, C1, C2, DECAY, STEP, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [I, C1V, C2V, DECAYV, STEPV, EPSV, GV, MV, VV] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
const at = (base: number): number[] => [...get(base), ...get(I), ...i32Add];

/** x = x + c (target - x) for the moment x at `base` (held in local `local`), stored back. The
 *  instruction lists keep one line an expression (prettier would put one instruction a line). */
// prettier-ignore
const moment = (base: number, local: number, c: number, target: number[]): number[] => [
  ...at(base), ...load, ...set(local),
  ...get(local), ...get(c), ...target, ...get(local), ...sub, ...mul, ...add, ...set(local),
  ...at(base), ...get(local), ...store,
];

// prettier-ignore
const kernelBody: number[] = [
  ...[C1, C2, DECAY, STEP, EPS].flatMap((scalar, k) => [...get(scalar), ...splat, ...set(C1V + k)]),
  0x02, 0x40, // block
  0x03, 0x40, // loop
  ...get(I), ...get(BYTES), 0x4f, 0x0d, 1, // if i >= bytes: break out of the block
  ...at(G), ...load, ...set(GV),
  ...moment(M, MV, C1V, get(GV)), // m = m + c1 (g - m)
  ...moment(V, VV, C2V, [...get(GV), ...get(GV), ...mul]), // v = v + c2 (g g - v)
  // p = p decay - stepSize m / (sqrt(v) + epsHat)
  ...at(P),
  ...at(P), ...load, ...get(DECAYV), ...mul,
  ...get(STEPV), ...get(MV), ...mul, ...get(VV), ...sqrt, ...get(EPSV), ...add, ...div,
  ...sub, ...store,
  ...get(I), 0x41, ...uleb(16), ...i32Add, ...set(I), // i += 16 (i32.const 16 is 0x10 in signed LEB too)
  0x0c, 0, // continue the loop
  0x0b, // end loop
  0x0b, // end block
  0x0b, // end function
];

const functionBody = [...uleb(2), ...uleb(1), I32, ...uleb(8), V128, ...kernelBody];

const moduleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // \0asm, version 1
  ...section(1, [1, 0x60, 10, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, 0]), // type: (5 x i32, 5 x f32) -> ()
  ...section(2, [1, ...utf8('env'), ...utf8('memory'), 0x02, 0x00, 1]), // import env.memory, at least 1 page
  ...section(3, [1, 0]), // one function of type 0
  ...section(7, [1, ...utf8('adamw'), 0x00, 0]), // export it as 'adamw'
  ...section(10, [1, ...uleb(functionBody.length), ...functionBody]),
]);

type Kernel = (
  p: number,
  g: number,
  m: number,
  v: number,
  bytes: number,
  c1: number,
  c2: number,
  decay: number,
  step: number,
  eps: number,
) => void;

/** Floats of p and g per kernel call: 2 x 64 KB of scratch that stays in cache. */
const BLOCK = 16384;

/**
 * The part of the WebAssembly API used here. The project's TypeScript libs (ES2022 + node) do not
 * declare the global, and a host may lack it.
 */
interface WasmModule {
  readonly kind: 'wasm module';
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

function compiledModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi && wasmApi.validate(moduleBytes) ? new wasmApi.Module(moduleBytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** One parameter's first and second moments. */
export interface AdamWMoments {
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/** A parameter's values and gradient in memory the kernel reads directly (no copies per step). */
export interface AdamWResidentArrays {
  readonly param: Float32Array;
  readonly grad: Float32Array;
}

/** The moments of a list of parameters and the update that reads and writes them. */
export interface AdamWUpdater {
  /** Zeroed moments, one pair per parameter length given at creation. */
  readonly moments: readonly AdamWMoments[];
  /** With `resident: true`, zeroed arrays for each parameter's values and gradient. */
  readonly resident: readonly AdamWResidentArrays[] | undefined;
  /** Updates parameter `index` (values p, gradient g) and its moments in place. */
  update(index: number, p: Float32Array, g: Float32Array, s: AdamWStepScalars): void;
}

export interface AdamWUpdaterOptions {
  /** false: the JS loop even where wasm SIMD is available. */
  readonly wasm?: boolean;
  /** Also allocate each parameter's values and gradient where the update reads them without copies. */
  readonly resident?: boolean;
}

function jsUpdater(lengths: readonly number[], resident: boolean): AdamWUpdater {
  const moments = lengths.map(n => ({ m: new Float32Array(n), v: new Float32Array(n) }));
  return {
    moments,
    resident: resident ? lengths.map(n => ({ param: new Float32Array(n), grad: new Float32Array(n) })) : undefined,
    update: (index, p, g, s) => adamWBlockUpdateJs(p, g, moments[index].m, moments[index].v, s),
  };
}

/**
 * The wasm updater: the moments live in the kernel's memory for good (views of it are handed out).
 * Parameters and gradients that live there too (`resident`) are updated where they are; others are
 * copied block by block into scratch, and the parameters back.
 */
function wasmUpdater(api: WasmApi, module: WasmModule, lengths: readonly number[], resident: boolean): AdamWUpdater {
  const padded = lengths.map(n => Math.ceil(n / 4) * 4); // the kernel works on whole 4-lane vectors
  const scratchBytes = 2 * BLOCK * 4;
  const perParameter = resident ? 16 : 8; // bytes per element: m, v (and values, gradient)
  const totalBytes = scratchBytes + padded.reduce((sum, n) => sum + perParameter * n, 0);
  const memory = new api.Memory({ initial: Math.ceil(totalBytes / 65536) });
  const kernel = new api.Instance(module, { env: { memory } }).exports.adamw as Kernel;
  const sp = new Float32Array(memory.buffer, 0, BLOCK);
  const sg = new Float32Array(memory.buffer, BLOCK * 4, BLOCK);
  const offsets: { m: number; v: number }[] = [];
  const moments: AdamWMoments[] = [];
  const arrays: AdamWResidentArrays[] = [];
  let next = scratchBytes;
  const take = (n: number, padding: number): Float32Array => {
    const view = new Float32Array(memory.buffer, next, n);
    next += 4 * padding;
    return view;
  };
  lengths.forEach((n, i) => {
    offsets.push({ m: next, v: next + 4 * padded[i] });
    moments.push({ m: take(n, padded[i]), v: take(n, padded[i]) });
    if (resident) arrays.push({ param: take(n, padded[i]), grad: take(n, padded[i]) });
  });
  const isResident = (t: Float32Array): boolean => t.buffer === memory.buffer && t.byteOffset % 16 === 0;
  return {
    moments,
    resident: resident ? arrays : undefined,
    update(index, p, g, s) {
      const n = p.length;
      const { m, v } = offsets[index];
      if (isResident(p) && isResident(g)) {
        // Whole vectors in place; the last n % 4 elements by the JS loop (padding of p or g may
        // belong to the next array here, so no lanes run past the end).
        const whole = n - (n % 4);
        kernel(p.byteOffset, g.byteOffset, m, v, 4 * whole, s.c1, s.c2, s.decay, s.stepSize, s.epsHat);
        if (whole < n) {
          const own = moments[index];
          adamWBlockUpdateJs(p.subarray(whole), g.subarray(whole), own.m.subarray(whole), own.v.subarray(whole), s);
        }
        return;
      }
      for (let start = 0; start < n; start += BLOCK) {
        const end = Math.min(n, start + BLOCK);
        sp.set(p.subarray(start, end));
        sg.set(g.subarray(start, end));
        // A last block that is not a multiple of 4 computes a few lanes on leftovers; their results
        // land in scratch and in the moments' padding, never in what is handed out.
        const lanes = Math.ceil((end - start) / 4) * 4;
        kernel(0, BLOCK * 4, m + 4 * start, v + 4 * start, 4 * lanes, s.c1, s.c2, s.decay, s.stepSize, s.epsHat);
        p.set(sp.subarray(0, end - start), start);
      }
    },
  };
}

/** The wasm SIMD updater where the host has it (and the memory can be had), else the JS loop. */
export function createAdamWUpdater(lengths: readonly number[], options: AdamWUpdaterOptions = {}): AdamWUpdater {
  const module = options.wasm === false ? null : compiledModule();
  const resident = options.resident ?? false;
  if (module && wasmApi) {
    try {
      return wasmUpdater(wasmApi, module, lengths, resident);
    } catch {
      // e.g. more than a wasm memory holds: fall through to plain arrays
    }
  }
  return jsUpdater(lengths, resident);
}
