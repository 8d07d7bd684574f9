// Completions on held-out code, for reading what a checkpoint has learned: takes documents of the
// held-out split, cuts each at a line boundary after `--prefix-tokens`, and prints the model's
// greedy continuation (up to the next blank line) beside the true one.
//
//   node --import tsx scripts/train/sampleCompletions.ts --model native/model [--count 10]

import { parseArgs } from 'node:util';
import { SpecialToken } from '../../src/model/specialTokens';
import { generate } from '../../src/model/generate';
import { LanguageModel } from '../../src/model/languageModel';
import { greedySampling } from '../../src/model/sampling';
import { loadTokenizer } from '../../src/model/tokenizer';
import { heldoutTokens } from './tokenBatches';

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      model: { type: 'string', default: 'native/model' },
      corpus: { type: 'string', default: 'corpus' },
      count: { type: 'string', default: '10' },
      'prefix-tokens': { type: 'string', default: '200' },
      'max-tokens': { type: 'string', default: '40' },
    },
  });
  const tokenizer = loadTokenizer();
  const model = LanguageModel.load(args.model!);
  const data = heldoutTokens(args.corpus!);
  const documents: number[][] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== SpecialToken.endOfText) continue;
    documents.push(Array.from(data.subarray(start, i)));
    start = i + 1;
  }
  const prefixTokens = Number(args['prefix-tokens']);
  const usable = documents.filter(d => d.length > prefixTokens + 60);
  const count = Number(args.count);
  for (let n = 0; n < count && usable.length > 0; n++) {
    const document = usable[Math.floor((n * usable.length) / count)]!;
    // Cut after the last newline token within the first prefixTokens tokens.
    let cut = prefixTokens;
    while (cut > 20 && !tokenizer.decode([document[cut - 1]!]).endsWith('\n')) cut--;
    const prompt = document.slice(0, cut);
    const iterator = generate(model, model.newCache(), [], prompt, {
      maxTokens: Number(args['max-tokens']),
      sampling: greedySampling,
      seed: 1,
      stopTokens: [SpecialToken.endOfText],
      stopSequences: ['\n\n'],
      decode: tokens => tokenizer.decode(tokens),
    });
    let result = await iterator.next();
    while (!result.done) result = await iterator.next();
    const truth = tokenizer.decode(document.slice(cut, cut + Number(args['max-tokens']))).split('\n\n')[0];
    const context = tokenizer.decode(prompt).split('\n').slice(-4).join('\n');
    console.log(`--- ${n + 1} ---\n${context}\n>>> model: ${JSON.stringify(result.value.text)}\n>>> truth: ${JSON.stringify(truth)}`);
  }
  await model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`sampleCompletions: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
