// The commands that change or show the memory: remember, forget, notes, export, import.

import * as fs from 'node:fs';
import { MemoryStore } from '../memory/store/memoryStore';
import type { NoteId, NoteRecord } from '../memory/note';
import type { NoteSummary } from '../service/protocol';
import { noteSummary } from '../service/noteSummary';
import { connect, modelDirOf, requireStore, storeDirOf, withService } from './cliContext';
import { defineCommand, RECOVER_OPTION } from './command';
import { UsageError } from './commandLine';

export const rememberCommand = defineCommand({
  summary: 'write a note into the memory',
  usage: '"text" [--kind decision|convention|bug] [--id ID] [--supersedes ID] [--redact] [--chunk] [--recover]',
  details:
    'Use "-" as the text to read the note from stdin. A note with a secret (key, token, password) is refused unless --redact is given.',
  positionals: 1,
  options: {
    kind: { kind: 'choice', choices: ['decision', 'convention', 'bug', 'note'], help: 'what kind of note (default note)' },
    id: { kind: 'string', value: 'ID', help: 'the note id (default a fresh one)' },
    supersedes: { kind: 'string', value: 'ID', help: 'a live note this one replaces' },
    redact: { kind: 'flag', help: 'store a note with secrets redacted instead of refusing it' },
    chunk: { kind: 'flag', help: 'split a note over the size limit into several notes instead of refusing it' },
    recover: RECOVER_OPTION,
  },
  async run({ args, output, signal }) {
    const { options } = args;
    const text = args.positionals[0] === '-' ? fs.readFileSync(0, 'utf8') : args.positionals[0]!;
    return withService(output, options, { existing: false, signal }, async (client, progress) => {
      const result = await client.request(
        'memory/remember',
        {
          text,
          ...(options.kind ? { kind: options.kind as NoteSummary['kind'] } : {}),
          ...(options.id ? { id: options.id } : {}),
          ...(options.supersedes ? { supersedes: options.supersedes as NoteId } : {}),
          ...(options.redact ? { secrets: 'redact' as const } : {}),
          ...(options.chunk ? { oversize: 'chunk' as const } : {}),
        },
        { signal, onProgress: progress.show },
      );
      progress.done();
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      for (const warning of result.warnings) output.err(`warning: ${warning}\n`);
      for (const note of result.notes) {
        output.out(
          `Remembered ${note.id} (${note.kind}, ${note.slotCount} memory slots)${note.supersedes ? `, superseding ${note.supersedes}` : ''}.\n`,
        );
      }
      output.out(
        `Loss ${result.loss.before.toFixed(3)} -> ${result.loss.after.toFixed(3)} after ${result.loss.steps} steps, ${Math.round(result.writeMs)} ms.\n`,
      );
    });
  },
});

export const forgetCommand = defineCommand({
  summary: 'forget a note: restore the memory rows it changed',
  usage: 'ID [--refuse-overlap] [--recover]',
  positionals: 1,
  options: {
    'refuse-overlap': { kind: 'flag', help: "fail instead of removing only this note's part of rows later notes also changed" },
    recover: RECOVER_OPTION,
  },
  async run({ args, output, signal }) {
    const { options } = args;
    return withService(output, options, { existing: true, signal }, async client => {
      const result = await client.request(
        'memory/forget',
        { id: args.positionals[0]! as NoteId, overlap: options['refuse-overlap'] ? 'refuse' : 'delta' },
        { signal },
      );
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      const { exact, delta, base } = result.restored;
      output.out(
        `Forgot ${result.id}: ${exact + delta + base} memory slots restored (${exact} exactly, ${base} to the base model, ${delta} by removing only this note's change).\n`,
      );
    });
  },
});

export const notesCommand = defineCommand({
  summary: 'list the notes in the store (works without the model)',
  usage: '[--all] [--recover]',
  details:
    'Reads the store directly, read-only, so it also works when the model is missing or the store was made by another model. Damage is reported (exit 1); --recover repairs it first (that needs the model).',
  positionals: 0,
  options: { all: { kind: 'flag', help: 'also list forgotten and superseded notes' }, recover: RECOVER_OPTION },
  async run({ args, output }) {
    const { options } = args;
    const dir = requireStore(storeDirOf(options.store));
    if (options.recover) await (await connect(output, dir, modelDirOf(options.model), { recover: true })).dispose();
    const peeked = await MemoryStore.peek(dir);
    for (const message of peeked.messages) output.err(`${message}\n`);
    const notes = peeked.notes.filter(n => options.all || n.state === 'live');
    if (options.json) {
      return output.out(`${JSON.stringify({ storeDir: dir, model: peeked.header.model, notes: notes.map(noteSummary) })}\n`);
    }
    if (notes.length === 0) return output.out(`No ${options.all ? '' : 'live '}notes in ${dir}.\n`);
    for (const note of notes) output.out(formatNote(note));
    output.out(`${notes.length} note(s) in ${dir} (model ${peeked.header.model.id}).\n`);
  },
});

export const exportCommand = defineCommand({
  summary: 'export the live notes and their memory rows to one file',
  usage: 'FILE [--recover]',
  positionals: 1,
  options: { recover: RECOVER_OPTION },
  async run({ args, output, signal }) {
    const { options } = args;
    return withService(output, options, { existing: true, signal }, async client => {
      const result = await client.request('memory/export', { file: args.positionals[0]! }, { signal });
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      output.out(
        `Exported ${result.notes} note(s) to ${result.file} (${result.bytes.toLocaleString('en-US')} bytes, sha256 ${result.sha256.slice(0, 12)}).\n`,
      );
    });
  },
});

export const importCommand = defineCommand({
  summary: 'import an export file (merge into the store, or replace it)',
  usage: 'FILE [--mode merge|replace] [--recover]',
  details:
    'Default: replace when the store has no live notes, else merge (notes already here are skipped, taken ids renamed). Replace saves the old content beside the store first.',
  positionals: 1,
  options: {
    mode: { kind: 'choice', choices: ['merge', 'replace'], help: 'how to combine with the notes already here' },
    recover: RECOVER_OPTION,
  },
  async run({ args, output, signal }) {
    const { options } = args;
    const file = args.positionals[0]!;
    if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`, 'import');
    // An export from another model is re-learned first: show its progress.
    return withService(output, options, { existing: false, signal }, async (client, progress) => {
      const result = await client
        .request(
          'memory/import',
          { file, ...(options.mode ? { mode: options.mode as 'merge' | 'replace' } : {}) },
          { signal, onProgress: progress.show },
        )
        .finally(() => progress.done());
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      output.out(`Imported ${result.imported} note(s) (${result.mode}).\n`);
      for (const { from, to } of result.renamed) output.out(`  ${from} was renamed ${to} (the id was taken)\n`);
      if (result.skipped.length > 0) output.out(`  skipped, already here: ${result.skipped.join(', ')}\n`);
      if (result.backup) output.out(`  the previous notes were saved to ${result.backup}\n`);
    });
  },
});

function formatNote(note: NoteRecord): string {
  const state = note.state === 'live' ? '' : ` [${note.state}${note.supersededBy ? ` by ${note.supersededBy}` : ''}]`;
  const text = note.text === '' ? '(text erased)' : note.text.replace(/\n/g, '\n    ');
  return `${note.id}  ${note.kind}  ${note.created.slice(0, 10)}  ${note.slots.length} slots${state}\n    ${text}\n`;
}
