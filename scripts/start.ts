// `npm start`: build mnemo and serve it in a real VS Code (code-server on 127.0.0.1) with
// sample-workspace/ open; prints the URL to open in a browser. Ctrl-C stops code-server and every
// process it started (its process group) and removes its temp dir.
//
// usage: npm start [-- --port <n>] [-- --workspace <dir>]      (default: a free port, sample-workspace/)
// The repo itself is linked into code-server's extensions dir: after `npm run build`, run
// "Developer: Reload Window" in the browser to load the new bundle.
import * as path from 'node:path';
import { removeTmpDir, startCodeServer, type CodeServer } from '../test/harness/code-server';
import { repoRoot, sampleWorkspace } from '../test/harness/paths';
import { ensureTools } from '../test/harness/tools';
import { buildExtension } from './build';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const port = Number(option('port') ?? process.env.PORT ?? 0);
  const workspace = path.resolve(option('workspace') ?? sampleWorkspace);

  await buildExtension();
  ensureTools({ browser: false });
  const server = await startCodeServer({ workspace, port, linkExtensions: [repoRoot] });
  const stopRequested = stopOnSignals(server);

  console.log(`\nmnemo is running in VS Code (code-server) after ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  console.log(`    ${server.workspaceUrl()}\n`);
  console.log(`workspace: ${workspace}\nlog:       ${server.logPath}\nCtrl-C stops it.`);

  await server.exited;
  if (stopRequested()) return;  // the signal handler finishes the job
  console.error(`code-server exited by itself; its log ends:\n${server.logTail()}`);
  removeTmpDir(server);
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
      removeTmpDir(server);
      console.log('stopped.');
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
