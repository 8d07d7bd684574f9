// `npm start`: build mnemo and serve it in a real VS Code (code-server on 127.0.0.1); prints the
// URL to open in a browser. Ctrl-C stops code-server and every process it started (its process
// group). What must outlive a run stays in .mnemo-start/ (git-ignored, see startState.ts):
// code-server's user data, where VS Code keeps the workspace's mnemo store, and the workspace
// itself, a copy of sample-workspace/ made on the first run. So notes survive Ctrl-C and a
// restart, and the tracked sample files never change. Delete .mnemo-start/ to start fresh.
//
// usage: npm start [-- --port <n>] [-- --workspace <dir>]      (default: the port of the first run, the sample copy)
// The port is kept too: VS Code keys a workspace's storage (and so its notes) by host and port.
// The repo itself is linked into code-server's extensions dir: after `npm run build`, run
// "Developer: Reload Window" in the browser to load the new bundle.
import * as path from 'node:path';
import { freePort, startCodeServer, type CodeServer } from '../test/harness/code-server';
import { repoRoot, sampleWorkspace } from '../test/harness/paths';
import { ensureTools } from '../test/harness/tools';
import { buildExtension } from './build';
import { prepareStartState, startPort, startStateDir } from './startState';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const stateDir = startStateDir(repoRoot);
  const state = prepareStartState(stateDir, sampleWorkspace, option('workspace'));
  const requested = Number(option('port') ?? process.env.PORT ?? 0) || undefined;
  const { port } = await startPort(stateDir, requested, freePort);

  await buildExtension();
  ensureTools({ browser: false });
  const server = await startCodeServer({ workspace: state.workspace, port, linkExtensions: [repoRoot], stateDir: state.serverDir });
  const stopRequested = stopOnSignals(server);

  console.log(`\nmnemo is running in VS Code (code-server) after ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  console.log(`    ${server.workspaceUrl()}\n`);
  console.log(
    `workspace: ${state.workspace}${state.createdWorkspace ? ` (copied from ${path.relative(repoRoot, sampleWorkspace)}/ on this first run)` : ''}`,
  );
  console.log(`state:     ${stateDir} (user data and notes; kept after Ctrl-C, delete it to start fresh)`);
  console.log(`log:       ${server.logPath}\nCtrl-C stops it.`);

  await server.exited;
  if (stopRequested()) return; // the signal handler finishes the job
  console.error(`code-server exited by itself; its log ends:\n${server.logTail()}`);
  process.exit(1);
}

/** Ctrl-C (and TERM/HUP) stop code-server's process group; returns "has a stop begun?". */
function stopOnSignals(server: CodeServer): () => boolean {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server…`);
    void server.stop().then(() => {
      console.log('stopped; notes and settings are kept for the next npm start.');
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  return () => stopping;
}

main().catch(e => {
  console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
