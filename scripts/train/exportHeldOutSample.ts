// Writes native/model/heldout-sample.bin: the exact windows `mnemo eval` takes from corpus/heldout.bin
// for its forgetting figure (16 windows of 257 tokens at evenly spaced offsets), so a clean install
// without corpus/ measures forgetting on the same tokens.
//
//   node --import tsx scripts/train/exportHeldOutSample.ts [--corpus corpus] [--out native/model]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCorpusSplit } from '../../src/model/corpusReader';
import { HELD_OUT_SAMPLE_FILE } from '../../src/model/heldOutLoss';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'corpus' },
    out: { type: 'string', default: path.join('native', 'model') },
    windows: { type: 'string', default: '16' },
    length: { type: 'string', default: '256' },
  },
});

const tokens = readCorpusSplit(args.corpus!, 'heldout');
const windows = Number(args.windows);
const span = Number(args.length) + 1;
// Same offsets as heldOutSample(): evenly spaced over the file. Re-read from this file, whose own
// stride is then exactly `span`, the eval takes the same windows.
const stride = Math.floor((tokens.length - span) / Math.max(1, windows - 1));
const sample = new Uint16Array(windows * span);
for (let w = 0; w < windows; w++) sample.set(tokens.subarray(w * stride, w * stride + span), w * span);
const file = path.join(args.out!, HELD_OUT_SAMPLE_FILE);
fs.writeFileSync(file, Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength));
process.stdout.write(`${file}: ${windows} windows of ${span} tokens (${sample.byteLength} bytes) from ${args.corpus}/heldout.bin\n`);
