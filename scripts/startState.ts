// Where `npm start` keeps what must outlive it: code-server's user data (and so the workspace's
// mnemo store, in VS Code's workspace storage), its extensions folder, and the workspace it
// opens: a copy of sample-workspace/ made on the first run, so typing in the editor never changes
// the tracked files; and the port. VS Code names a workspace's storage (where the store is) by the
// folder's URI, which in code-server includes host and port: another port would open an empty
// store beside the old one. Everything sits in one git-ignored folder; deleting it starts fresh.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Default: `.mnemo-start/` in the repository; MNEMO_START_DIR overrides it (the npm start check uses a temp dir). */
export function startStateDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MNEMO_START_DIR ?? path.join(repoRoot, '.mnemo-start'));
}

export interface StartState {
  /** code-server's user data, extensions, config and log. */
  readonly serverDir: string;
  /** The folder code-server opens. */
  readonly workspace: string;
  /** Whether this run made the workspace copy (the first run). */
  readonly createdWorkspace: boolean;
}

/**
 * Makes the state folder and, on the first run only, the workspace copy. A later run reuses both
 * as they are (the user's edits and notes included). `workspace` given: that folder is opened
 * as it is and nothing is copied.
 */
export function prepareStartState(stateDir: string, sampleWorkspace: string, workspace?: string): StartState {
  const serverDir = path.join(stateDir, 'code-server');
  fs.mkdirSync(serverDir, { recursive: true });
  if (workspace) return { serverDir, workspace: path.resolve(workspace), createdWorkspace: false };
  const copy = path.join(stateDir, 'workspace');
  if (fs.existsSync(copy)) return { serverDir, workspace: copy, createdWorkspace: false };
  // Copy to a temp name and rename: an interrupted first run leaves no half copy to reuse.
  const partial = `${copy}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(sampleWorkspace, partial, { recursive: true });
  fs.renameSync(partial, copy);
  return { serverDir, workspace: copy, createdWorkspace: true };
}

/**
 * The port this state folder serves on: `requested` (--port, PORT) when given, else the one the
 * first run chose (kept in `<state>/port`), else `pick()` and keep it.
 */
export async function startPort(
  stateDir: string,
  requested: number | undefined,
  pick: () => Promise<number>,
): Promise<{ port: number; kept: boolean }> {
  const file = path.join(stateDir, 'port');
  const saved = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : NaN;
  if (requested) {
    if (!Number.isInteger(saved)) fs.writeFileSync(file, `${requested}\n`);
    return { port: requested, kept: requested === saved };
  }
  if (Number.isInteger(saved) && saved > 0) return { port: saved, kept: true };
  const port = await pick();
  fs.writeFileSync(file, `${port}\n`);
  return { port, kept: false };
}
