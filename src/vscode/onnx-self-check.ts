// A real check that onnxruntime-node works in this process: build a tiny ONNX graph in memory
// (Y = X·W + B), run it with onnxruntime-node and compare the numbers with the same sum done in JS.
// It does not import `vscode`, so the same check runs in unit tests and in the extension host.
// (When src/engine's runtime lands, this check should go through it instead of importing ORT here.)
import { onnx } from 'onnx-proto';

export type SelfCheckStage = 'load' | 'session' | 'run' | 'compare';

export type OnnxSelfCheck =
  | {
      readonly kind: 'ok';
      readonly onnxruntimeVersion: string;
      /** The graph's output as computed by onnxruntime. */
      readonly output: readonly number[];
      readonly elapsedMs: number;
    }
  | {
      readonly kind: 'failed';
      readonly stage: SelfCheckStage;
      readonly message: string;
    };

// X: (1, 3), W: (3, 2), B: (2) -> Y: (1, 2)
const X = [1, 2, 3];
const W = [0.5, -1, 0.25, 2, -0.75, 0.125];
const B = [10, -10];
const TOLERANCE = 1e-5;

/** Y = X·W + B computed in plain JS: the numbers onnxruntime must reproduce. */
export function expectedOutput(): number[] {
  const y: number[] = [];
  for (let j = 0; j < 2; j++) {
    let sum = B[j];
    for (let i = 0; i < 3; i++) sum += X[i] * W[i * 2 + j];
    y.push(sum);
  }
  return y;
}

/** The serialized ONNX model: MatMul then Add, W and B as initializers, opset 13. */
export function tinyModelBytes(): Uint8Array {
  const floatTensor = (name: string, dims: number[], values: number[]): onnx.ITensorProto => ({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    floatData: values,
  });
  const valueInfo = (name: string, dims: number[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map(dimValue => ({ dimValue })) },
      },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mnemo-self-check',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'self_check',
      node: [
        { opType: 'MatMul', input: ['X', 'W'], output: ['XW'], name: 'matmul' },
        { opType: 'Add', input: ['XW', 'B'], output: ['Y'], name: 'add' },
      ],
      initializer: [floatTensor('W', [3, 2], W), floatTensor('B', [2], B)],
      input: [valueInfo('X', [1, 3])],
      output: [valueInfo('Y', [1, 2])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Load onnxruntime-node, run the tiny graph, compare. Never throws: failures are a result. */
export async function runOnnxSelfCheck(now: () => number = Date.now): Promise<OnnxSelfCheck> {
  const started = now();
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    return failed('load', e);
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(tinyModelBytes(), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    return failed('session', e);
  }
  let output: number[];
  try {
    const feeds = { X: new ort.Tensor('float32', Float32Array.from(X), [1, 3]) };
    const results = await session.run(feeds);
    output = Array.from(results.Y.data as Float32Array);
  } catch (e) {
    return failed('run', e);
  } finally {
    await session.release().catch(() => undefined);
  }
  const mismatch = compareOutputs(output, expectedOutput());
  if (mismatch) return { kind: 'failed', stage: 'compare', message: mismatch };
  return { kind: 'ok', onnxruntimeVersion: ort.env.versions.node ?? 'unknown', output, elapsedMs: now() - started };
}

/** Undefined when equal within tolerance, else a sentence saying what differs. */
export function compareOutputs(actual: readonly number[], expected: readonly number[]): string | undefined {
  if (actual.length !== expected.length) return `expected ${expected.length} outputs, got ${actual.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= TOLERANCE)) {
      return `output[${i}] is ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return undefined;
}

function failed(stage: SelfCheckStage, e: unknown): OnnxSelfCheck {
  return { kind: 'failed', stage, message: e instanceof Error ? e.message : String(e) };
}
