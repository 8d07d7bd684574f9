// completion_ms through mnemo's inline completion provider in a real VS Code: bundles
// hostCompletions.ts, runs it as the extensionTestsPath of a code-server run (test/harness) with
// this folder as the extension under development and a copy of the sample workspace, and reads
// back the latencies it wrote.

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runExtensionTests } from '../../test/harness/extension-tests';
import { repoRoot, sampleWorkspace } from '../../test/harness/paths';
import type { HostCompletionResult } from './hostCompletions';

export async function measureProviderCompletions(sites: number, typed: number): Promise<HostCompletionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-bench-host-'));
  const workspace = path.join(dir, 'workspace');
  fs.cpSync(sampleWorkspace, workspace, { recursive: true });
  const entry = path.join(dir, 'hostCompletions.js');
  const out = path.join(dir, 'result.json');
  try {
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'hostCompletions.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: entry,
      // As scripts/build.ts: tsx is only reached when a worker starts from source, never here.
      external: ['vscode', 'onnxruntime-node', 'tsx/cjs/api'],
      logLevel: 'warning',
    });
    const run = await runExtensionTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: entry,
      workspace,
      timeoutMs: 240_000,
      env: { MNEMO_BENCH_OUT: out, MNEMO_BENCH_SITES: String(sites), MNEMO_BENCH_TYPED: String(typed) },
    });
    if (!fs.existsSync(out)) return { ms: [], nonEmpty: 0, firstMs: 0, error: `no result (extension host exit ${run.exitCode})` };
    return JSON.parse(fs.readFileSync(out, 'utf8')) as HostCompletionResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
