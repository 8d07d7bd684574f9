// The onnxruntime-node implementation of the runtime contract, with a session cache keyed by model
// hash and options. This is the only file that imports onnxruntime-node.

import * as ort from 'onnxruntime-node';
import { DType, TypedArrayOf } from '../dtype';
import { OnnxModel, TensorSignature } from '../onnxExport';
import { isStatic } from '../ops';
import { defaultSessionOptions, Feed, Fetches, HostTensor, Runtime, Session, SessionOptions } from './runtime';

function isHostTensor(feed: Feed): feed is HostTensor {
  return !ArrayBuffer.isView(feed);
}

function toOrtTensor(sig: TensorSignature, feed: Feed): ort.Tensor {
  if (isHostTensor(feed)) {
    if (feed.dtype !== sig.dtype) throw new Error(`feed '${sig.name}' is ${feed.dtype}, the model wants ${sig.dtype}`);
    return new ort.Tensor(feed.dtype, feed.data as never, feed.shape as number[]);
  }
  if (!isStatic(sig.shape)) throw new Error(`feed '${sig.name}' has a symbolic shape: pass { dtype, shape, data }`);
  return new ort.Tensor(sig.dtype, feed as never, sig.shape as number[]);
}

class OrtSession implements Session {
  private readonly inputs: readonly TensorSignature[];

  constructor(
    readonly model: OnnxModel,
    private readonly session: ort.InferenceSession,
    private readonly onRelease: () => void,
  ) {
    this.inputs = model.inputs;
  }

  async run(feeds: Readonly<Record<string, Feed>>, fetches?: Fetches): Promise<Record<string, HostTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const sig of this.inputs) {
      const feed = feeds[sig.name];
      if (feed === undefined) throw new Error(`missing feed '${sig.name}' (${sig.dtype}[${sig.shape.join(',')}])`);
      ortFeeds[sig.name] = toOrtTensor(sig, feed);
    }
    const preallocated = fetches && !Array.isArray(fetches) ? (fetches as Record<string, TypedArrayOf<DType> | null>) : {};
    let results: ort.InferenceSession.OnnxValueMapType;
    if (!fetches) results = await this.session.run(ortFeeds);
    else if (Array.isArray(fetches)) results = await this.session.run(ortFeeds, [...fetches]);
    else results = await this.session.run(ortFeeds, this.outputTensors(preallocated));
    const out: Record<string, HostTensor> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const data = preallocated[name] ?? (tensor.data as TypedArrayOf<DType>);
      out[name] = { dtype: tensor.type as DType, shape: [...tensor.dims], data };
    }
    return out;
  }

  private outputTensors(fetches: Record<string, TypedArrayOf<DType> | null>): Record<string, ort.Tensor | null> {
    const tensors: Record<string, ort.Tensor | null> = {};
    for (const [name, array] of Object.entries(fetches)) {
      const sig = this.model.outputs.find(o => o.name === name);
      if (!sig) throw new Error(`the model has no output '${name}'`);
      if (array === null) {
        tensors[name] = null;
        continue;
      }
      if (!isStatic(sig.shape)) throw new Error(`output '${name}' has a symbolic shape: it cannot be preallocated`);
      tensors[name] = new ort.Tensor(sig.dtype, array as never, sig.shape as number[]);
    }
    return tensors;
  }

  async release(): Promise<void> {
    this.onRelease();
    await this.session.release();
  }
}

function ortOptions(options: Required<SessionOptions>): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: [options.executionProvider],
  };
}

export function createOrtRuntime(): Runtime {
  const cache = new Map<string, Promise<Session>>();
  return {
    load(model, options = {}) {
      const resolved = { ...defaultSessionOptions, ...options };
      const key = `${model.hash}|${resolved.intraOpNumThreads}|${resolved.executionProvider}`;
      let session = cache.get(key);
      if (!session) {
        session = ort.InferenceSession.create(model.bytes, ortOptions(resolved)).then(
          s => new OrtSession(model, s, () => cache.delete(key)),
        );
        session.catch(() => cache.delete(key));
        cache.set(key, session);
      }
      return session;
    },
    async releaseAll() {
      const sessions = await Promise.allSettled([...cache.values()]);
      cache.clear();
      for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
    },
  };
}

/** The process-wide runtime. */
export const ortRuntime: Runtime = createOrtRuntime();
