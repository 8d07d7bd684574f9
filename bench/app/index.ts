// `npm run bench`: the editor-facing latency benchmark of issue 7 on the shipped model (native/model,
// whatever checkpoint is there). Logs progress to stderr; the LAST stdout line is one JSON object,
// each figure beside its DESIGN.md §7 budget. See README.md for what each figure measures.
//
//   npm run bench [-- --model DIR --notes 12 --sites 6 --typed 6 --questions 6 --no-activation --no-vscode]
//   (--no-vscode: no code-server at all, so neither activation_ms nor the provider run in VS Code)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { measureActivation, type ActivationResult } from './activation';
import { benchTexts } from './benchNotes';
import { BUDGETS, within } from './budgets';
import type { HostCompletionResult } from './hostCompletions';
import { summarize } from './latencySummary';
import { runServiceBench } from './serviceBench';
import { measureProviderCompletions } from './vscodeCompletions';

const repoRoot = path.resolve(__dirname, '..', '..');

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(repoRoot, 'native', 'model') },
    notes: { type: 'string', default: '12' },
    sites: { type: 'string', default: '6' },
    typed: { type: 'string', default: '6' },
    questions: { type: 'string', default: '6' },
    'no-activation': { type: 'boolean', default: false },
    'no-vscode': { type: 'boolean', default: false },
  },
});

const log = (line: string) => console.error(`[bench] ${line}`);

async function main(): Promise<void> {
  const started = Date.now();
  const modelDir = path.resolve(args.model);
  if (!fs.existsSync(path.join(modelDir, 'manifest.json'))) throw new Error(`no model at ${modelDir} (manifest.json missing)`);
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as {
    weights: { sha256: string };
    training?: { steps?: number };
  };
  const load = os.loadavg().map(l => Math.round(l * 100) / 100);
  log(`model ${modelDir} (weights ${manifest.weights.sha256.slice(0, 12)}), load ${load.join(' ')} on ${os.cpus().length} cores`);

  const texts = benchTexts(Number(args.notes));
  const service = await runServiceBench({
    modelDir,
    texts,
    sites: Number(args.sites),
    typed: Number(args.typed),
    questions: Number(args.questions),
    log,
  });
  const activation: ActivationResult =
    args['no-activation'] || args['no-vscode']
      ? { kind: 'skipped', reason: args['no-vscode'] ? '--no-vscode' : '--no-activation' }
      : await measureActivation(log);
  let provider: HostCompletionResult | undefined;
  if (!args['no-vscode']) {
    log('completions through the provider in code-server...');
    provider = await measureProviderCompletions(Number(args.sites), Number(args.typed));
    if (provider.error) log(`provider run failed: ${provider.error}`);
  }
  const inVscode = provider && !provider.error ? summarize(provider.ms) : undefined;

  const completion = (s: typeof service.completionMs.memory) => ({
    p50: s.p50,
    p95: s.p95,
    n: s.n,
    budget_p50: BUDGETS.completionP50.maxMs,
    budget_p95: BUDGETS.completionP95.maxMs,
    within: within(s.p50, BUDGETS.completionP50) === true && within(s.p95, BUDGETS.completionP95) === true,
  });
  const activationMs = activation.kind === 'measured' ? activation.ms : null;
  const result = {
    model: {
      dir: path.relative(repoRoot, modelDir) || modelDir,
      weights_sha256: manifest.weights.sha256.slice(0, 12),
      training_steps: manifest.training?.steps ?? null,
      load_ms: service.modelLoadMs,
    },
    completion_ms: {
      ...completion(service.completionMs.memory),
      non_empty: service.completionNonEmpty.memory,
      file_lines: 2000,
      // The same keystrokes through provideCompletion in a real VS Code (edits applied in the editor,
      // debounce 0, an empty store there): provider + extension host + worker.
      in_vscode_provider: inVscode
        ? {
            p50: inVscode.p50,
            p95: inVscode.p95,
            n: inVscode.n,
            non_empty: provider!.nonEmpty,
            within: within(inVscode.p50, BUDGETS.completionP50) === true && within(inVscode.p95, BUDGETS.completionP95) === true,
          }
        : provider?.error
          ? `failed: ${provider.error.split('\n')[0]}`
          : null,
    },
    completion_ms_prompt_baseline: {
      ...completion(service.completionMs.prompt),
      non_empty: service.completionNonEmpty.prompt,
      pasted_note_tokens: service.promptBaselineContextTokens,
    },
    chat_first_token_ms: {
      p50: service.chatFirstChunkMs.p50,
      n: service.chatFirstChunkMs.n,
      worker_first_token_p50: service.chatFirstTokenMs.p50,
      budget: BUDGETS.chatFirstToken.maxMs,
      within: within(service.chatFirstChunkMs.p50, BUDGETS.chatFirstToken),
    },
    write_ms: {
      p50: service.writeMs.p50,
      p95: service.writeMs.p95,
      n: service.writeMs.n,
      worker_p50: service.workerWriteMs.p50,
      budget_p50: BUDGETS.writeP50.maxMs,
      within: within(service.writeMs.p50, BUDGETS.writeP50),
    },
    activation_ms: {
      value: activationMs,
      how: activation.kind === 'measured' ? activation.how : activation.reason,
      ...(activation.kind === 'measured' ? activation.detail : {}),
      budget: BUDGETS.activation.maxMs,
      within: within(activationMs, BUDGETS.activation),
    },
    worker_peak_rss_mb: {
      value: service.rss.workerMb,
      process_peak: service.rss.peakMb,
      before_worker: service.rss.beforeWorkerMb,
      after_each_write: service.rss.afterEachWriteMb,
      budget: null,
    },
    store_bytes_per_100_notes: {
      value: service.storeBytesPer100Notes,
      notes_written: service.notesWritten,
      empty_store_bytes: service.storeBytesEmpty,
      budget: null,
    },
    notes_source: texts.source,
    machine: { cores: os.cpus().length, load_before: load, load_after: os.loadavg().map(l => Math.round(l * 100) / 100) },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(JSON.stringify(result));
}

// Exit at once: the harness leaves a suite-timeout timer running once the VS Code runs are done.
main().then(
  () => process.exit(0),
  e => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
