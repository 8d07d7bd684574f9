// The service half of `npm run bench`: one worker (ServiceClient -> worker.ts -> MemoryService, the
// extension's own path) on the shipped model and a fresh store. Measures, from the calling thread
// as the editor sees it: the first request (model load), note writes, completions while typing in
// a 2,000-line file for the memory path and the prompt baseline (same keystrokes, same run), the
// chat's first streamed text, the store's bytes per note and the process's peak RSS.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompleteRequest, MemoryMode } from '../../src/service/protocol';
import { ServiceClient } from '../../src/service/serviceClient';
import type { BenchTexts } from './benchNotes';
import { directoryBytes } from './directoryBytes';
import { summarize, type LatencySummary } from './latencySummary';
import { generateCodeFile, keystrokes } from './typingSession';

export interface ServiceBenchOptions {
  readonly modelDir: string;
  readonly texts: BenchTexts;
  readonly sites: number;
  readonly typed: number;
  readonly questions: number;
  readonly log: (line: string) => void;
}

export interface ServiceBenchResult {
  readonly modelLoadMs: number;
  readonly writeMs: LatencySummary;
  /** The worker's own time per write (RememberResponse.writeMs), without messaging. */
  readonly workerWriteMs: LatencySummary;
  readonly notesWritten: number;
  readonly storeBytesEmpty: number;
  readonly storeBytesPer100Notes: number;
  readonly completionMs: Record<'memory' | 'prompt', LatencySummary>;
  readonly completionNonEmpty: Record<'memory' | 'prompt', number>;
  /** Prompt tokens the baseline spent on pasted notes (mean). */
  readonly promptBaselineContextTokens: number;
  /** First streamed text in the calling thread (what the chat view can show). */
  readonly chatFirstChunkMs: LatencySummary;
  /** The worker's first decoded token (the stream holds text a few tokens back for loop checks). */
  readonly chatFirstTokenMs: LatencySummary;
  readonly rss: {
    readonly beforeWorkerMb: number;
    readonly peakMb: number;
    readonly workerMb: number;
    readonly afterEachWriteMb: readonly number[];
  };
}

const FILE_PATH = 'src/billing.ts';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function runServiceBench(options: ServiceBenchOptions): Promise<ServiceBenchResult> {
  const { log } = options;
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-bench-store-'));
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const client = await ServiceClient.start({ storeDir, modelDir: options.modelDir });
  try {
    log(`worker up: model ${client.init.model.id}, store ${storeDir}`);
    const storeBytesEmpty = directoryBytes(storeDir);

    // The first model request loads the weights (lazily, as in the editor); timed on its own.
    let started = performance.now();
    await client.request('model/complete', { filePath: FILE_PATH, prefix: 'const total = ' });
    const modelLoadMs = performance.now() - started;
    log(`model loaded (first completion) in ${modelLoadMs.toFixed(0)} ms`);

    const writeMs: number[] = [];
    const workerWriteMs: number[] = [];
    const rssAfterWrites: number[] = [];
    for (const note of options.texts.notes) {
      started = performance.now();
      const written = await client.request('memory/remember', { text: note.text, kind: note.kind });
      writeMs.push(performance.now() - started);
      workerWriteMs.push(written.writeMs);
      rssAfterWrites.push(mb(process.memoryUsage().rss));
    }
    const storeBytes = directoryBytes(storeDir);
    const notesWritten = options.texts.notes.length;
    log(
      `wrote ${notesWritten} notes: p50 ${summarize(writeMs).p50} ms; store ${storeBytes} bytes; process RSS after each write (MB): ${rssAfterWrites.join(' ')}`,
    );

    const file = generateCodeFile(2000);
    const strokes = keystrokes(file, options.sites, options.typed);
    const completion = async (mode: MemoryMode) => {
      const ms: number[] = [];
      let nonEmpty = 0;
      let contextTokens = 0;
      // One untimed request first: the baseline swaps rows and empties the KV cache (as a switch
      // between modes would); each mode is then timed from its own warm state.
      await client.request('model/complete', { filePath: FILE_PATH, prefix: strokes[0]!.prefix, mode });
      for (const stroke of strokes) {
        const request: CompleteRequest = { filePath: FILE_PATH, prefix: stroke.prefix, mode };
        const t = performance.now();
        const result = await client.request('model/complete', request);
        ms.push(performance.now() - t);
        if (result.completion.trim() !== '') nonEmpty++;
        contextTokens += result.memoryContextTokens;
      }
      log(`completions (${mode}): ${strokes.length}, p50 ${summarize(ms).p50} ms, p95 ${summarize(ms).p95} ms`);
      return { ms, nonEmpty, contextTokens: contextTokens / strokes.length };
    };
    const memory = await completion('memory');
    const prompt = await completion('prompt');

    const firstChunk: number[] = [];
    const firstToken: number[] = [];
    for (const question of options.texts.questions.slice(0, options.questions)) {
      const t = performance.now();
      const stream = client.ask({ question });
      let first: number | undefined;
      for await (const chunk of stream) {
        if (first === undefined && chunk.text !== '') first = performance.now() - t;
      }
      const result = await stream.result;
      firstChunk.push(first ?? performance.now() - t);
      firstToken.push(result.firstTokenMs);
    }
    log(`chat: ${firstChunk.length} questions, first text p50 ${summarize(firstChunk).p50} ms`);

    rssPeak = Math.max(rssPeak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    return {
      modelLoadMs: Math.round(modelLoadMs),
      writeMs: summarize(writeMs),
      workerWriteMs: summarize(workerWriteMs),
      notesWritten,
      storeBytesEmpty,
      storeBytesPer100Notes: notesWritten === 0 ? 0 : Math.round(((storeBytes - storeBytesEmpty) / notesWritten) * 100),
      completionMs: { memory: summarize(memory.ms), prompt: summarize(prompt.ms) },
      completionNonEmpty: { memory: memory.nonEmpty, prompt: prompt.nonEmpty },
      promptBaselineContextTokens: Math.round(prompt.contextTokens),
      chatFirstChunkMs: summarize(firstChunk),
      chatFirstTokenMs: summarize(firstToken),
      rss: { beforeWorkerMb: mb(rssBefore), peakMb: mb(rssPeak), workerMb: mb(rssPeak - rssBefore), afterEachWriteMb: rssAfterWrites },
    };
  } finally {
    clearInterval(sampler);
    await client.dispose();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}
