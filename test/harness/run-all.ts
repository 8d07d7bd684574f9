// `npm test`: lint (`npm run lint`), unit tests (Node's test runner, `npm run test:unit`), then integration tests in a
// real VS Code (code-server + headless chromium): the suite in test/integration run against the
// development folder, the packaged .vsix installed into a fresh code-server, and npm start. Installs the
// harness's tools on first use (tools.ts). Ends with "total: N passed, M failed"; exits 1 on any
// failure.
//
// usage: node --import tsx test/harness/run-all.ts [--integration-only] [--skip-vsix] [--verbose]
//        env MNEMO_TEST_GREP=<pattern> narrows the extension-host suite; MNEMO_SCREENSHOTS=<dir> keeps screenshots.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostTarget, packageVsix } from '../../scripts/package';
import { runExtensionTests } from './extension-tests';
import { checkNpmStart } from './start-check';
import { integrationTestsEntry, repoRoot, sampleWorkspace } from './paths';
import { addTallies, parseNodeTestSummary, tallyLine, type Tally } from './tally';
import { ensureTools } from './tools';
import { checkInstalledVsix } from './vsix-check';

const args = new Set(process.argv.slice(2));
const FAILED_TO_RUN: Tally = { passed: 0, failed: 1, skipped: 0 };
/** The title of test/integration/restricted.test.ts's suite (the only one run untrusted). */
const RESTRICTED_SUITE = 'restricted mode';
const runStarted = Date.now();

async function main(): Promise<number> {
  const lines: string[] = [];
  const tallies: Tally[] = [];
  const record = (label: string, tally: Tally): void => {
    tallies.push(tally);
    lines.push(tallyLine(label, tally));
  };

  if (!args.has('--integration-only')) {
    phase('lint (npm run lint: types, ESLint, Prettier)');
    record('lint', runLint());
    phase('unit tests (npm run test:unit)');
    record('unit', await runUnitTests());
  }

  phase('integration: tools and build');
  const prepared = prepareIntegration();
  if (prepared) {
    console.error(`[test] ${prepared}`);
    record('vscode-integration', FAILED_TO_RUN);
  } else {
    phase('integration: test/integration in code-server (extension development path)');
    const suite = await runExtensionTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationTestsEntry,
      workspace: sampleWorkspace,
      timeoutMs: 300_000,
      screenshot: screenshotPath('extension-tests.png'),
      verbose: args.has('--verbose'),
    });
    const suiteTally = suite.tally ?? FAILED_TO_RUN;
    // A crash after the marker line still fails the run.
    record('vscode-integration', suite.exitCode !== 0 && suiteTally.failed === 0 ? addTallies(suiteTally, FAILED_TO_RUN) : suiteTally);

    // Restricted mode needs its own VS Code: trust is decided when the workspace opens.
    phase('integration: restricted mode (untrusted workspace) in code-server');
    const restricted = await runExtensionTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationTestsEntry,
      workspace: sampleWorkspace,
      timeoutMs: 180_000,
      verbose: args.has('--verbose'),
      untrustedWorkspace: true,
      env: { MNEMO_TEST_GREP: RESTRICTED_SUITE, MNEMO_EXPECT_UNTRUSTED: '1' },
    });
    const restrictedTally = restricted.tally ?? FAILED_TO_RUN;
    record(
      'vscode-restricted',
      restricted.exitCode !== 0 && restrictedTally.failed === 0 ? addTallies(restrictedTally, FAILED_TO_RUN) : restrictedTally,
    );

    if (!args.has('--skip-vsix')) {
      phase('integration: npm run package, then the .vsix installed into code-server');
      record('vsix', await packageAndCheckVsix());
    }

    phase('integration: npm start, then Ctrl-C');
    record('npm-start', await checkNpmStart());
  }

  const total = addTallies(...tallies);
  console.log(`\n[test] finished in ${secondsSinceStart()} s`);
  for (const line of lines) console.log(line);
  console.log(tallyLine('total', total));
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

/** Types, ESLint and Prettier, as one check: a failure prints what to fix and counts as one failed test. */
function runLint(): Tally {
  const result = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: repoRoot, stdio: 'inherit' });
  return result.status === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

function runUnitTests(): Promise<Tally> {
  return new Promise(resolve => {
    const child = spawn('npm', ['run', '--silent', 'test:unit'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', code => {
      const tally = parseNodeTestSummary(output);
      if (!tally) {
        console.error('[test] the unit test run printed no summary');
        resolve(FAILED_TO_RUN);
      } else if (code !== 0 && tally.failed === 0) {
        resolve(addTallies(tally, FAILED_TO_RUN)); // the runner failed outside any test
      } else {
        resolve(tally);
      }
    });
  });
}

/** Installs the tools and bundles extension + tests; returns what went wrong, if anything. */
function prepareIntegration(): string | undefined {
  try {
    ensureTools({ browser: true });
  } catch (e) {
    return (e as Error).message;
  }
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'build.ts'), '--tests'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return build.status === 0 ? undefined : 'build failed';
}

async function packageAndCheckVsix(): Promise<Tally> {
  let vsix: string;
  try {
    vsix = packageVsix(hostTarget());
  } catch (e) {
    console.error(`[test] ${(e as Error).message}`);
    return FAILED_TO_RUN;
  }
  return checkInstalledVsix({ vsix, workspace: sampleWorkspace, screenshot: screenshotPath('vsix.png') });
}

function screenshotPath(name: string): string | undefined {
  const dir = process.env.MNEMO_SCREENSHOTS;
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  return path.resolve(dir, name);
}

function phase(name: string): void {
  console.log(`\n=== [${secondsSinceStart()} s] ${name}`);
}

function secondsSinceStart(): string {
  return ((Date.now() - runStarted) / 1000).toFixed(0);
}

main().then(
  code => process.exit(code),
  e => {
    console.error(e);
    process.exit(1);
  },
);
