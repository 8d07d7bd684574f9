// One scratch directory per test file under os.tmpdir(), removed when the file's tests end: the
// fault tests make hundreds of small stores and should not leave them behind.

import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

export function scratchDirectory(name: string): { readonly root: string; make(label: string): Promise<string> } {
  const root = mkdtempSync(path.join(os.tmpdir(), `mnemo-${name}-`));
  after(() => rmSync(root, { recursive: true, force: true }));
  return { root, make: label => fs.mkdtemp(path.join(root, `${label}-`)) };
}
