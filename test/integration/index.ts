// The extensionTestsPath module: VS Code loads it inside the extension host and awaits run().
// Runs every *.test.js bundled beside it with mocha, then prints one machine-readable line that
// the harness (test/harness/extension-tests.ts) reads back through the workbench's automation log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const RESULT_MARKER = 'VSCODE_TEST_RESULT';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.MNEMO_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs
    .readdirSync(__dirname)
    .filter(f => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      const stats = runner.stats;
      console.log(`${RESULT_MARKER} passed=${stats?.passes ?? 0} failed=${failures} pending=${stats?.pending ?? 0}`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
