// `npm run test:vscode-runner`: the integration suite through the ecosystem's runner,
// @vscode/test-electron's runTests. Here its VS Code executable is ./vscode-shim (code-server);
// with --desktop, runTests downloads desktop VS Code as usual (on machines that can).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { integrationTestsEntry, repoRoot, sampleWorkspace } from './paths';

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'build.ts'), '--tests'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');
  const desktop = process.argv.includes('--desktop');
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: integrationTestsEntry,
    launchArgs: [sampleWorkspace],
    vscodeExecutablePath: desktop ? undefined : path.join(__dirname, 'vscode-shim'),
  });
}

main().catch(e => {
  console.error(`[test:vscode-runner] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
