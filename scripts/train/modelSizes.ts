// Named model sizes for training runs. The checkpoint's manifest records the full config, so a
// trained model never depends on these names; they only save typing on the command line.

import { ModelConfig, defaultConfig, tinyConfig } from '../../src/model/config';

export const modelSizes: Record<string, ModelConfig> = {
  /** DESIGN.md §4's shape: d 256, 6 layers, memory in the 4th block. */
  default: defaultConfig,
  /**
   * The size for a 2-core, few-hours budget and the latency budget (prefill 512 <= 60 ms, decode
   * <= 5 ms on 2 cores): d 256, 4 layers, memory in the 3rd block, 16 slots per head (SMF-ICML's
   * choice at 16k slots). Measured (1 thread, CPU time, prefill of 512): the rest of the model
   * ~77 ms; the memory layer ~51 ms at top-32 (value-row gather ~40%, the three TopKs ~40%) and
   * ~26 ms at top-16, which also trains ~25% faster.
   */
  small: { ...defaultConfig, nLayers: 4, memoryLayer: 2, pkm: { ...defaultConfig.pkm, topK: 16 } },
  /** `small` two blocks deeper (memory in the 4th of 6): the size comparison's other candidate. */
  deep: { ...defaultConfig, nLayers: 6, memoryLayer: 3, pkm: { ...defaultConfig.pkm, topK: 16 } },
  /** For smoke tests of the script itself. */
  tiny: { ...tinyConfig, vocabSize: defaultConfig.vocabSize },
};
