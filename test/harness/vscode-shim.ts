// The shim's body (see ./vscode-shim): reads the VS Code command line that @vscode/test-electron's
// runTests builds (--extensionDevelopmentPath=, --extensionTestsPath=, a folder; desktop-only flags
// are ignored) and runs that suite in code-server. Exits 0 only when the suite passed.
import { runExtensionTests } from './extension-tests';
import { sampleWorkspace } from './paths';
import { tallyLine } from './tally';
import { ensureTools } from './tools';

export interface VsCodeCommandLine {
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
  readonly folder: string | undefined;
}

/** Picks out what the shim needs from VS Code's CLI form (`--name=value` or `--name value`). */
export function parseVsCodeCommandLine(argv: readonly string[]): VsCodeCommandLine {
  const value = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
      if (argv[i] === `--${name}`) return argv[i + 1];
    }
    return undefined;
  };
  const takesValue = (flag: string): boolean => /^--(extensionDevelopmentPath|extensionTestsPath|user-data-dir|extensions-dir)$/.test(flag);
  const folder = argv.find((arg, i) => !arg.startsWith('-') && !(i > 0 && takesValue(argv[i - 1])));
  const extensionDevelopmentPath = value('extensionDevelopmentPath');
  const extensionTestsPath = value('extensionTestsPath');
  if (!extensionDevelopmentPath || !extensionTestsPath) {
    throw new Error('expected --extensionDevelopmentPath and --extensionTestsPath (the runTests command line)');
  }
  return { extensionDevelopmentPath, extensionTestsPath, folder };
}

async function main(): Promise<number> {
  const commandLine = parseVsCodeCommandLine(process.argv.slice(2));
  ensureTools({ browser: true });
  const result = await runExtensionTests({
    extensionDevelopmentPath: commandLine.extensionDevelopmentPath,
    extensionTestsPath: commandLine.extensionTestsPath,
    workspace: commandLine.folder ?? sampleWorkspace,
    timeoutMs: 300_000,
  });
  const tally = result.tally ?? { passed: 0, failed: 1, skipped: 0 };
  console.log(tallyLine('vscode-integration', tally));
  return result.exitCode === 0 && tally.failed === 0 && tally.passed > 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    code => process.exit(code),
    e => {
      console.error(`[vscode-shim] ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
