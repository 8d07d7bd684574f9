// Where the shipped BPE rank table lives and how to find it from compiled or bundled code.

import { existsSync } from 'node:fs';
import path from 'node:path';

/** The rank table's path relative to the repository (and extension) root. */
export const RANKS_FILE_RELATIVE = 'native/tokenizer/cl100k-16384.json';

/** The shape of native/tokenizer/cl100k-16384.json. */
export interface RanksFile {
  readonly format: 'mnemo-bpe-ranks-v1';
  readonly source: string;
  /** Regular expression source that splits text into pieces before BPE. */
  readonly splitPattern: string;
  readonly splitFlags: string;
  /** Base64 of each rank's bytes; the array index is the rank. */
  readonly ranks: readonly string[];
}

/**
 * Finds the rank table by walking up from this file's folder: the source tree (src/model),
 * a bundle (dist/) and a packaged extension all keep native/ at the root above them.
 */
export function defaultRanksFilePath(startDir: string = __dirname): string {
  let dir = startDir;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, RANKS_FILE_RELATIVE);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`tokenizer rank table ${RANKS_FILE_RELATIVE} not found above ${startDir}`);
}
