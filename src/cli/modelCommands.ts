// The commands that run the model: ask (a chat answer from memory, streamed, with the notes it
// drew on) and complete (an inline completion at an offset of a file).

import * as fs from 'node:fs';
import { SHOW_MODES, type ShowMode } from '../service/completionConfidence';
import type { Citation, MemoryMode, RelatedNote } from '../service/protocol';
import type { ServiceClient } from '../service/serviceClient';
import { CliOutput, withService } from './cliContext';
import { defineCommand, RECOVER_OPTION } from './command';
import { UsageError } from './commandLine';

const MODE_OPTION = {
  kind: 'choice',
  choices: ['memory', 'prompt', 'none'],
  help: 'memory: read the memory layer (default); prompt: paste the top 3 notes by BM25; none: the base model',
} as const;

export const askCommand = defineCommand({
  summary: 'ask a question; the answer comes from the memory, with the notes it drew on',
  usage: '"question" [--mode memory|prompt|none] [--max-tokens N] [--recover]',
  positionals: 1,
  options: {
    mode: MODE_OPTION,
    'max-tokens': { kind: 'number', value: 'N', help: 'longest answer in tokens (default 96)', min: 1 },
    recover: RECOVER_OPTION,
  },
  async run({ args, output, signal }) {
    const { options } = args;
    return withService(output, options, { existing: true, signal }, async (client, progress) => {
      const stream = client.ask(
        {
          question: args.positionals[0]!,
          ...(options.mode ? { mode: options.mode as MemoryMode } : {}),
          ...(options['max-tokens'] ? { maxTokens: options['max-tokens'] } : {}),
        },
        { signal, onProgress: progress.show },
      );
      let started = false;
      for await (const chunk of stream) {
        if (options.json) continue;
        progress.done();
        // The model's answers start after a marker; drop the leading space it usually begins with.
        output.out(started ? chunk.text : chunk.text.trimStart());
        started ||= chunk.text.trim() !== '';
      }
      const result = await stream.result;
      progress.done();
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      if (result.outcome.kind === 'abstained') {
        // Nothing was streamed: no model text is shown when no remembered note covers the question.
        output.out(`${result.answer}\n`);
        await printRelated(output, client, result.outcome.related);
        return;
      }
      output.out('\n');
      await printCitations(output, client, result.citations);
    });
  },
});

export const completeCommand = defineCommand({
  summary: "complete code at an offset of a file, as the editor's inline completion would",
  usage: '--file F [--offset N] [--mode memory|prompt|none] [--max-tokens N] [--show confident|always|memory-only|off] [--recover]',
  details:
    'The offset counts UTF-16 code units from the start of the file, as VS Code does (default: the end of the file). Prints the completion on stdout and the notes it drew on on stderr.',
  positionals: 0,
  options: {
    file: { kind: 'string', value: 'F', help: 'the file being edited' },
    offset: { kind: 'number', value: 'N', help: 'cursor offset in the file (default its end)', min: 0 },
    mode: MODE_OPTION,
    'max-tokens': { kind: 'number', value: 'N', help: 'longest completion in tokens (default 24 for a line, 48 for a block)', min: 1 },
    show: {
      kind: 'choice',
      choices: SHOW_MODES,
      help: 'which completion to print, as mnemo.completions.show (default confident: only what is likely right)',
    },
    recover: RECOVER_OPTION,
  },
  async run({ args, output, signal }) {
    const { options } = args;
    const { file } = options;
    if (!file) throw new UsageError('--file is required', 'complete');
    if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`, 'complete');
    const text = fs.readFileSync(file, 'utf8');
    const offset = options.offset ?? text.length;
    if (offset > text.length) throw new UsageError(`--offset ${offset} is past the end of ${file} (${text.length} characters)`, 'complete');
    return withService(output, options, { existing: true, signal }, async (client, progress) => {
      const result = await client.request(
        'model/complete',
        {
          filePath: file,
          prefix: text.slice(0, offset),
          ...(options.mode ? { mode: options.mode as MemoryMode } : {}),
          ...(options['max-tokens'] ? { maxTokens: options['max-tokens'] } : {}),
          ...(options.show ? { show: options.show as ShowMode } : {}),
        },
        { signal, onProgress: progress.show },
      );
      progress.done();
      if (options.json) return output.out(`${JSON.stringify(result)}\n`);
      output.out(`${result.completion}\n`);
      if (result.citations.length > 0)
        output.err(`cited: ${result.citations.map(c => `${c.noteId} (${c.weight.toFixed(2)})`).join(', ')}\n`);
    });
  },
});

/** The notes an abstention names as maybe related: under their own heading, without weights. */
async function printRelated(output: CliOutput, client: ServiceClient, related: readonly RelatedNote[]): Promise<void> {
  if (related.length === 0) return;
  const notes = await client.request('memory/list', {});
  const textOf = new Map(notes.notes.map(n => [n.id as string, n.text]));
  output.out('Maybe related (not sources of an answer):\n');
  for (const note of related) {
    const text = textOf.get(note.noteId) ?? '';
    output.out(`  - ${note.noteId}  ${text.length > 100 ? `${text.slice(0, 97)}...` : text}\n`);
  }
}

async function printCitations(output: CliOutput, client: ServiceClient, citations: readonly Citation[]): Promise<void> {
  if (citations.length === 0) {
    output.out('(no notes cited)\n');
    return;
  }
  const notes = await client.request('memory/list', {});
  const textOf = new Map(notes.notes.map(n => [n.id as string, n.text]));
  output.out('Notes cited:\n');
  citations.forEach((citation, i) => {
    const text = textOf.get(citation.noteId) ?? '';
    const short = text.length > 100 ? `${text.slice(0, 97)}...` : text;
    output.out(`  [${i + 1}] ${citation.noteId} (${(citation.weight * 100).toFixed(0)}%)  ${short}\n`);
  });
}
