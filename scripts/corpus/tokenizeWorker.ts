// Worker thread: turns a slice of corpus documents into token ids with the chat layouts of
// src/model/chatFormat.ts and sends them back as one Uint16Array (transferred, not copied).

import { parentPort, workerData } from 'node:worker_threads';
import { formatExchange, formatFile } from '../../src/model/chatFormat';
import { loadTokenizer } from '../../src/model/tokenizer';
import type { CorpusDocument } from './corpusDocument';

const tokenizer = loadTokenizer();
const documents = (workerData as { documents: CorpusDocument[] }).documents;
const parts: number[][] = [];
let total = 0;
for (const document of documents) {
  const ids =
    document.type === 'file'
      ? formatFile(tokenizer, document.path, document.text)
      : formatExchange(tokenizer, { notes: document.notes, question: document.question }, document.answer);
  parts.push(ids);
  total += ids.length;
}
const tokens = new Uint16Array(total);
const lengths = new Uint32Array(parts.length);
let offset = 0;
parts.forEach((ids, index) => {
  tokens.set(ids, offset);
  offset += ids.length;
  lengths[index] = ids.length;
});
parentPort!.postMessage({ tokens, lengths }, [tokens.buffer, lengths.buffer]);
