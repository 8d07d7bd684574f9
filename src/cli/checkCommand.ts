// `mnemo check [--recover]`: verifies a store without changing it and says what recovery would
// keep; with --recover, recovers it (every intact record kept, the damaged files kept beside it).

import * as path from 'node:path';
import { MemoryStore, StoreCheck } from '../memory/store/memoryStore';
import type { SalvageReport } from '../memory/store/memoryStore';
import { describeModel } from '../service/modelDirectory';
import { CliOutput, modelDirOf, requireStore, storeDirOf } from './cliContext';
import { defineCommand, RECOVER_OPTION } from './command';

/** Thrown after printing the findings of a damaged store that was not recovered: exit 1. */
export class StoreDamagedError extends Error {
  readonly hint = 'Run mnemo check --recover to keep every intact record (the damaged files are kept beside the store).';
}

export const checkCommand = defineCommand({
  summary: 'verify the store; say what --recover would keep, or recover it',
  usage: '[--recover]',
  details:
    'Reads every record of the snapshot and the journal (checksums, replay, the base model) without changing anything. ' +
    'A damaged store exits 1 after listing what recovery would keep and lose; --recover then keeps every intact record.',
  positionals: 0,
  options: { recover: RECOVER_OPTION },
  async run({ args, output }) {
    const { options } = args;
    const dir = requireStore(storeDirOf(options.store));
    const model = describeModel(modelDirOf(options.model)).binding;
    const found = await MemoryStore.check(dir, model);
    if (found.kind === 'missing') throw new Error(`No mnemo store at ${dir}.`);
    if (found.kind === 'sound') {
      for (const message of found.messages) output.err(`${message}\n`);
      const notes = [...found.state.notes.values()];
      const live = notes.filter(n => n.state === 'live').length;
      if (options.json)
        return output.out(
          `${JSON.stringify({ storeDir: dir, state: 'sound', liveNotes: live, notes: notes.length, messages: found.messages })}\n`,
        );
      return output.out(`${dir}: sound. ${live} live note(s), ${notes.length} in all (generation ${found.header.generation}).\n`);
    }
    if (!options.recover) {
      if (options.json)
        output.out(
          `${JSON.stringify({ storeDir: dir, state: 'damaged', problem: found.problem.message, ...summary(found.salvaged.report, found) })}\n`,
        );
      else printDamage(output, dir, found);
      throw new StoreDamagedError(`${dir} is damaged: ${found.problem.message}`);
    }
    const store = await MemoryStore.open(dir, { model, recover: true });
    const report = store.loadReport.salvage;
    if (options.json) {
      return output.out(
        `${JSON.stringify({ storeDir: dir, state: 'recovered', liveNotes: store.liveNotes().length, lostNotes: report?.lostNotes ?? [], relearn: report?.relearn ?? [], movedAside: store.loadReport.movedAside, messages: store.loadReport.messages })}\n`,
      );
    }
    for (const message of store.loadReport.messages) output.out(`${message}\n`);
    output.out(`${dir}: recovered. ${store.liveNotes().length} live note(s).\n`);
    if (report && report.relearn.length > 0)
      output.out(
        'A note whose slot file is missing is written again from its text the next time the model loads (mnemo ask, or the editor), with progress shown.\n',
      );
  },
});

function summary(report: SalvageReport, found: Extract<StoreCheck, { kind: 'damaged' }>): object {
  const live = [...found.salvaged.state.notes.values()].filter(n => n.state === 'live').map(n => n.id);
  return {
    wouldKeep: live,
    lostNotes: report.lostNotes,
    lostOperations: report.lostOperations,
    relearn: report.relearn,
    damaged: report.damaged.map(d => ({ file: path.basename(d.file), ...d.range })),
  };
}

function printDamage(output: CliOutput, dir: string, found: Extract<StoreCheck, { kind: 'damaged' }>): void {
  const report = found.salvaged.report;
  output.out(`${dir}: damaged. ${found.problem.message}\n`);
  for (const { file, range } of report.damaged)
    output.out(`  ${path.basename(file)} bytes ${range.offset}-${range.end}: ${range.reason}\n`);
  const live = [...found.salvaged.state.notes.values()].filter(n => n.state === 'live');
  output.out(`--recover would keep ${live.length} live note(s)${live.length > 0 ? `: ${live.map(n => n.id).join(', ')}` : ''}.\n`);
  if (report.lostNotes.length > 0) output.out(`It would lose: ${report.lostNotes.join(', ')} (and any note whose record is unreadable).\n`);
  if (report.lostOperations > 0) output.out(`${report.lostOperations} journal operation(s) cannot be read or replayed.\n`);
  if (report.relearn.length > 0)
    output.out(
      `${report.relearn.length} note(s) keep their text but not their record of written value rows (their keyed slots are kept, or written again from the text).\n`,
    );
}
