// The runtime contract: how a serialised model is loaded and run. The implementation lives in ort.ts
// (the only file that imports onnxruntime-node); everything else depends on this file only.

import { DType, TypedArrayOf } from '../dtype';
import { OnnxModel } from '../onnxExport';

/** A tensor on the host: a typed array plus its static shape. */
export interface HostTensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: TypedArrayOf<D>;
}

/**
 * What may be fed for one input: a HostTensor, or a bare typed array when the model input has a
 * static shape (the shape is then taken from the model). Arrays are passed without copying.
 */
export type Feed = HostTensor | TypedArrayOf<DType>;

/**
 * What to fetch: output names, or output name -> the array to write that output into (no
 * allocation or copy; the output's shape must be static) or null to have it allocated.
 */
export type Fetches = readonly string[] | Readonly<Record<string, TypedArrayOf<DType> | null>>;

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml';

export interface SessionOptions {
  /** Threads used inside one op; 2 by default (the machines mnemo targets have few cores). */
  readonly intraOpNumThreads?: number;
  /** 'cpu' by default; the others are passed through to onnxruntime's executionProviders. */
  readonly executionProvider?: ExecutionProvider;
}

export const defaultSessionOptions: Required<SessionOptions> = { intraOpNumThreads: 2, executionProvider: 'cpu' };

export interface Session {
  readonly model: OnnxModel;
  /**
   * Runs the model. Feeds are named like the graph's inputs and params; feeds the model does not
   * take are ignored, so one dictionary of all parameters can be passed to every session. Returns
   * the fetched outputs (all outputs by default) by name; preallocated ones hold the given arrays.
   */
  run(feeds: Readonly<Record<string, Feed>>, fetches?: Fetches): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface Runtime {
  /** A session for the model; sessions are cached by model hash and options. */
  load(model: OnnxModel, options?: SessionOptions): Promise<Session>;
  /** Releases every cached session. */
  releaseAll(): Promise<void>;
}
