// The key/value cache of one sequence: per layer, preallocated (contextLength, nh, hs) buffers for
// keys and values. Positions come first, so the first P positions are one contiguous prefix that is
// fed to the extend graph without copying; truncating (reusing a shared prompt prefix across
// keystrokes) only moves the length.

import { ModelConfig, headSize } from './config';

export class KvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  private filled = 0;
  private readonly rowSize: number;

  constructor(readonly config: ModelConfig) {
    this.rowSize = config.nHeads * headSize(config);
    const size = config.contextLength * this.rowSize;
    this.keys = Array.from({ length: config.nLayers }, () => new Float32Array(size));
    this.values = Array.from({ length: config.nLayers }, () => new Float32Array(size));
  }

  /** Cached positions. */
  get length(): number {
    return this.filled;
  }

  get capacity(): number {
    return this.config.contextLength;
  }

  /** Forgets everything after the first `length` positions. */
  truncate(length: number): void {
    if (length < 0 || length > this.filled) throw new Error(`cannot truncate a cache of ${this.filled} positions to ${length}`);
    this.filled = length;
  }

  /** The cached prefix of one layer as (1, P, nh, hs) views (no copy). */
  past(layer: number): { key: Float32Array; value: Float32Array } {
    const end = this.filled * this.rowSize;
    return { key: this.keys[layer]!.subarray(0, end), value: this.values[layer]!.subarray(0, end) };
  }

  /** Appends the keys/values of `count` new positions for every layer ((1, count, nh, hs) each). */
  append(count: number, keys: readonly Float32Array[], values: readonly Float32Array[]): void {
    if (this.filled + count > this.capacity) {
      throw new Error(`KV cache overflow: ${this.filled} + ${count} positions exceed the context of ${this.capacity}`);
    }
    const offset = this.filled * this.rowSize;
    for (let layer = 0; layer < this.config.nLayers; layer++) {
      this.keys[layer]!.set(keys[layer]!.subarray(0, count * this.rowSize), offset);
      this.values[layer]!.set(values[layer]!.subarray(0, count * this.rowSize), offset);
    }
    this.filled += count;
  }
}
