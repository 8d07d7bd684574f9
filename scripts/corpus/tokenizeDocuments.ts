// Tokenizes corpus documents on worker threads, keeping document order, so the output is the
// same whatever the number of workers.

import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { CorpusDocument } from './corpusDocument';

export interface TokenizedDocuments {
  /** All documents' ids, in order, each ending with <|endoftext|>. */
  readonly tokens: Uint16Array;
  /** Token count of each document. */
  readonly lengths: Uint32Array;
}

function documentChars(document: CorpusDocument): number {
  return document.type === 'file'
    ? document.text.length
    : document.question.length + document.answer.length + document.notes.reduce((sum, note) => sum + note.length, 0);
}

/** Contiguous slices of about equal text length (more slices than workers, for load balance). */
function slices(documents: readonly CorpusDocument[], count: number): CorpusDocument[][] {
  const total = documents.reduce((sum, document) => sum + documentChars(document), 0);
  const out: CorpusDocument[][] = [[]];
  let chars = 0;
  for (const document of documents) {
    if (chars >= (total / count) * out.length && out.length < count) out.push([]);
    out[out.length - 1]!.push(document);
    chars += documentChars(document);
  }
  return out;
}

function runWorker(documents: CorpusDocument[]): Promise<TokenizedDocuments> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader on Node 20: register it in the worker, then load the .ts entry.
    const entry = path.join(__dirname, 'tokenizeWorker.ts');
    const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, {
      eval: true,
      workerData: { documents },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`tokenize worker exited with code ${code}`));
    });
  });
}

export async function tokenizeDocuments(documents: readonly CorpusDocument[], workers: number): Promise<TokenizedDocuments> {
  const parts = slices(documents, workers * 4);
  const results: TokenizedDocuments[] = new Array(parts.length);
  let next = 0;
  const runLane = async (): Promise<void> => {
    while (next < parts.length) {
      const index = next++;
      results[index] = await runWorker(parts[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, parts.length) }, runLane));
  const tokenCount = results.reduce((sum, part) => sum + part.tokens.length, 0);
  const tokens = new Uint16Array(tokenCount);
  const lengths = new Uint32Array(documents.length);
  let tokenOffset = 0;
  let documentOffset = 0;
  for (const part of results) {
    tokens.set(part.tokens, tokenOffset);
    lengths.set(part.lengths, documentOffset);
    tokenOffset += part.tokens.length;
    documentOffset += part.lengths.length;
  }
  return { tokens, lengths };
}
