// The keyed note memory's background for a checkpoint (CheckpointManifest.noteSlotBackground):
// word document frequencies over the first --tokens tokens of the corpus's training split (one
// document per <|endoftext|>, words as indexTerms, hashed into 65,536 buckets), and the mean
// final-normed state over the held-out sample's positions (what state keys are centred on).
// Written into the checkpoint (note-slots.safetensors + manifest).
//
//   node --import tsx bench/memory/noteSlotBackground.ts --checkpoint DIR [--corpus corpus] [--tokens 8000000]

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeNoteSlotBackground } from '../../src/model/checkpoint';
import { readTokenFile } from '../../src/model/corpusReader';
import { LanguageModel } from '../../src/model/languageModel';
import { parameterNames } from '../../src/model/parameters';
import { SpecialToken } from '../../src/model/specialTokens';
import { loadTokenizer } from '../../src/model/tokenizer';
import { findHeldOutTokens, heldOutSample } from '../../src/model/heldOutLoss';
import { countWordFrequencies } from '../../src/memory/keyed/wordBag';

const { values: args } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    tokens: { type: 'string', default: '8000000' },
  },
});

async function main(): Promise<void> {
  if (!args.checkpoint) throw new Error('--checkpoint DIR is required');
  const tokenizer = loadTokenizer();
  const tokens = readTokenFile(path.join(args.corpus!, 'train.bin')).subarray(0, Number(args.tokens));
  function* documents(): Generator<string> {
    let start = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] !== SpecialToken.endOfText) continue;
      yield tokenizer.decode(tokens.subarray(start, i));
      start = i + 1;
    }
  }
  const words = countWordFrequencies(documents());

  const model = LanguageModel.load(args.checkpoint);
  const C = model.config.dModel;
  const file = findHeldOutTokens({ modelDir: args.checkpoint, repoRoot: '.' });
  if (!file) throw new Error('no held-out tokens (heldout-sample.bin in the checkpoint or corpus/heldout.bin)');
  const sample = heldOutSample(file, model.config.contextLength);
  const weight = model.parameters.get(parameterNames.finalNorm)!.data;
  const sum = new Float64Array(C);
  let count = 0;
  for (const batch of sample.batches) {
    for (let r = 0; r < sample.batch; r++) {
      const ids = Array.from(batch.tokens.subarray(r * sample.length, (r + 1) * sample.length), Number);
      const states = await model.finalStates(ids);
      for (let t = 0; t < ids.length; t++) {
        let meanSquare = 0;
        for (let c = 0; c < C; c++) meanSquare += states[t * C + c]! ** 2;
        const scale = 1 / Math.sqrt(meanSquare / C + model.config.normEps);
        for (let c = 0; c < C; c++) sum[c] += states[t * C + c]! * scale * weight[c]!;
        count++;
      }
    }
  }
  const stateCentre = Float32Array.from(sum, v => v / count);
  await model.dispose();
  writeNoteSlotBackground(args.checkpoint, { wordDocumentFrequency: words.buckets, documents: words.documents, stateCentre });
  console.log(
    `note-slot background: ${words.documents} documents, ${words.buckets.length} word buckets; state centre over ${count} positions (${file}) -> ${args.checkpoint}`,
  );
}

void main();
