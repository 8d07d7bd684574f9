// The model's configuration: one typed object with commented defaults, plus the figures derived from it
// (slot count, parameter count, the dense-baseline hidden size of equal FLOPs).

/** What replaces the feed-forward network of the memory layer: the product-key memory, or (for the
 *  dense baseline the issue asks for) a SwiGLU FFN whose FLOPs equal the memory layer's. */
export type MemoryKind = 'pkm' | 'dense';

export interface ModelConfig {
  /** Vocabulary: 16,384 cl100k ranks plus the special tokens at 16,384 and up, rounded up. */
  readonly vocabSize: number;
  /** Longest sequence the model sees (RoPE tables and the KV cache are sized by it). */
  readonly contextLength: number;
  /** Residual stream width C. */
  readonly dModel: number;
  /** Transformer blocks. */
  readonly nLayers: number;
  /** Attention heads; head size = dModel / nHeads. */
  readonly nHeads: number;
  /** SwiGLU hidden size of the ordinary blocks (about 8/3 * dModel keeps 8 * C^2 parameters). */
  readonly ffnHidden: number;
  /** RoPE base frequency. */
  readonly ropeTheta: number;
  /** RMSNorm epsilon. */
  readonly normEps: number;
  /** Index (0-based) of the block whose FFN is the memory layer: a middle one, so a write's
   *  backward pass covers only the blocks above it. */
  readonly memoryLayer: number;
  readonly memoryKind: MemoryKind;
  readonly pkm: PkmConfig;
}

export interface PkmConfig {
  /** Sub-keys per half: slots = nKeys^2. */
  readonly nKeys: number;
  /** Memory heads: each reads topK slots; all heads share one value table. */
  readonly heads: number;
  /** Slots read per head per position. */
  readonly topK: number;
  /** Query/key size per head; each half-key has keyDim / 2. */
  readonly keyDim: number;
  /**
   * Factor on the chosen scores before the read softmax (default 1). A sharper read puts most of
   * a head's weight on its best slot, which is what lets a write of a few rows move the output:
   * at 1 the trained reads stayed nearly flat (top weight 0.13-0.15 of 16) and a write reached
   * only ~2% of a position's memory output (src/memory/README.md).
   */
  readonly scoreScale?: number;
}

/** The read softmax's score factor of a config (1 when the field is absent, as in older manifests). */
export function scoreScaleOf(config: ModelConfig): number {
  return config.pkm.scoreScale ?? 1;
}

/** The shipped model's shape as DESIGN.md §4 proposes it; training may pick a smaller one (see
 *  scripts/train) when the time budget says so. */
export const defaultConfig: ModelConfig = {
  vocabSize: 16_384 + 64, // 64 ids reserved for special tokens
  contextLength: 512,
  dModel: 256,
  nLayers: 6,
  nHeads: 4, // head size 64
  ffnHidden: 688, // ~8/3 * 256, a multiple of 16
  ropeTheta: 10_000,
  normEps: 1e-5,
  memoryLayer: 3, // the 4th of 6 blocks
  memoryKind: 'pkm',
  pkm: {
    nKeys: 128, // 16,384 slots
    heads: 4,
    topK: 32,
    keyDim: 128, // 64 per half
  },
};

/** A model small enough for unit tests to build, run and differentiate in well under a second. */
export const tinyConfig: ModelConfig = {
  vocabSize: 64,
  contextLength: 16,
  dModel: 16,
  nLayers: 3,
  nHeads: 2,
  ffnHidden: 32,
  ropeTheta: 10_000,
  normEps: 1e-5,
  memoryLayer: 1,
  memoryKind: 'pkm',
  pkm: { nKeys: 8, heads: 2, topK: 4, keyDim: 8 },
};

export function memorySlots(config: ModelConfig): number {
  return config.pkm.nKeys * config.pkm.nKeys;
}

export function headSize(config: ModelConfig): number {
  return config.dModel / config.nHeads;
}

/** Multiply-accumulates per position of the memory layer: query projection, sub-key scores,
 *  the k*k candidate sums, and the weighted sum of heads*topK value rows. */
export function pkmMacsPerPosition(config: ModelConfig): number {
  const { nKeys, heads, topK, keyDim } = config.pkm;
  const query = config.dModel * heads * keyDim;
  const subKeyScores = heads * nKeys * keyDim; // two halves of keyDim/2
  const candidates = heads * topK * topK;
  const valueRead = heads * topK * config.dModel;
  return query + subKeyScores + candidates + valueRead;
}

/** Hidden size of the SwiGLU FFN (3 * C * hidden MACs) with the memory layer's FLOPs: the dense
 *  baseline swaps the memory layer for this. */
export function denseBaselineHidden(config: ModelConfig): number {
  return Math.max(1, Math.round(pkmMacsPerPosition(config) / (3 * config.dModel)));
}

/** The configuration of the dense baseline for a memory model. */
export function denseBaselineOf(config: ModelConfig): ModelConfig {
  return { ...config, memoryKind: 'dense' };
}

/** Checks the invariants the model code relies on; throws with a message naming the field. */
export function validateConfig(config: ModelConfig): void {
  const fail = (message: string): never => {
    throw new Error(`invalid model config: ${message}`);
  };
  if (config.dModel % config.nHeads !== 0) fail(`dModel ${config.dModel} is not a multiple of nHeads ${config.nHeads}`);
  if (headSize(config) % 2 !== 0) fail(`head size ${headSize(config)} must be even for RoPE`);
  if (config.memoryLayer < 0 || config.memoryLayer >= config.nLayers) {
    fail(`memoryLayer ${config.memoryLayer} is outside 0..${config.nLayers - 1}`);
  }
  if (config.pkm.keyDim % 2 !== 0) fail(`pkm.keyDim ${config.pkm.keyDim} must be even (two halves)`);
  if (!(scoreScaleOf(config) > 0)) fail(`pkm.scoreScale ${config.pkm.scoreScale} must be positive`);
  if (config.pkm.topK > config.pkm.nKeys) fail(`pkm.topK ${config.pkm.topK} exceeds pkm.nKeys ${config.pkm.nKeys}`);
}
