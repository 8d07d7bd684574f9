// Unit tests for reading the command line @vscode/test-electron's runTests hands to VS Code.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseVsCodeCommandLine } from './vscode-shim';

test('reads the runTests command line and skips desktop-only flags', () => {
  const argv = [
    '/ws',
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--skip-welcome',
    '--extensionTestsPath=/repo/out/test/integration/index.js',
    '--extensionDevelopmentPath=/repo',
    '--extensions-dir=/scratch/ext',
    '--user-data-dir=/scratch/user',
  ];
  assert.deepEqual(parseVsCodeCommandLine(argv), {
    extensionDevelopmentPath: '/repo',
    extensionTestsPath: '/repo/out/test/integration/index.js',
    folder: '/ws',
  });
});

test('accepts the two-argument form and a missing folder, refuses a command line without the tests', () => {
  assert.deepEqual(parseVsCodeCommandLine(['--extensionDevelopmentPath', '/repo', '--extensionTestsPath', '/t.js']), {
    extensionDevelopmentPath: '/repo',
    extensionTestsPath: '/t.js',
    folder: undefined,
  });
  assert.throws(() => parseVsCodeCommandLine(['--extensionDevelopmentPath=/repo']), /extensionTestsPath/);
});
