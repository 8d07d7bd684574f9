// Notices another process's change to the store (another window, the CLI) when it happens, not at
// this window's next request: a change to the store's journal or snapshot makes the service catch
// up, which tells the editor (memory/changed, reason external) so its views refresh.

import * as fs from 'node:fs';
import * as path from 'node:path';

const STORE_FILES = new Set(['journal.mnemo', 'snapshot.mnemo']);

/** Calls `onChange` (at most once per `debounceMs`) after a store file in `dir` changed. Returns a stop function. */
export function watchStoreFiles(dir: string, onChange: () => void, debounceMs = 200): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
      if (name !== null && !STORE_FILES.has(path.basename(String(name)))) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    // A watch that fails later (the folder removed) only loses the early notice: requests still catch up.
    watcher.on('error', () => watcher?.close());
  } catch {
    // No file watching here (some network file systems): requests still catch up.
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
