// Where the public evaluation set lives when the repository is checked out beside the project's
// shared folder (../shared/eval/public from the repository root). Tests that run against the real
// set skip when it is not there.

import { existsSync } from 'node:fs';
import * as path from 'node:path';

export function findPublicEvalSet(): string | undefined {
  const dir = path.resolve(__dirname, '../../../shared/eval/public');
  return existsSync(path.join(dir, 'notes.jsonl')) ? dir : undefined;
}
