// Named model sizes for training runs. The checkpoint's manifest records the full config, so a
// trained model never depends on these names; they only save typing on the command line.

import { ModelConfig, defaultConfig, tinyConfig } from "../../src/model/config";

export const modelSizes: Record<string, ModelConfig> = {
  /** DESIGN.md §4's shape: d 256, 6 layers, memory in the 4th block. */
  default: defaultConfig,
  /** Fewer layers for a 2-core, few-hours budget: d 256, 4 layers, memory in the 3rd block. */
  small: { ...defaultConfig, nLayers: 4, memoryLayer: 2 },
  /** For smoke tests of the script itself. */
  tiny: { ...tinyConfig, vocabSize: defaultConfig.vocabSize },
};
