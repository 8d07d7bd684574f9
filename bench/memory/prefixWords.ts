// What the keyed note memory's query costs per decode step: the word bag of the sequence so far,
// side by side in one run, recomputed from the whole text at every step (what the readout did first)
// against kept as tokens arrive (PrefixWords, what it does now). A completion-sized prompt (the first
// --prompt tokens of a source file) followed by --steps generated tokens, --repeats times.
//
//   node --import tsx bench/memory/prefixWords.ts [--prompt 256] [--steps 24] [--repeats 30]
// The last stdout line is JSON.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { loadTokenizer } from '../../src/model/tokenizer';
import { PrefixWords } from '../../src/memory/keyed/prefixWords';
import { wordBag } from '../../src/memory/keyed/wordBag';
import { summarize } from '../app/latencySummary';

function main(): void {
  const { values: args } = parseArgs({
    options: {
      prompt: { type: 'string', default: '256' },
      steps: { type: 'string', default: '24' },
      repeats: { type: 'string', default: '30' },
    },
  });
  const repoRoot = path.resolve(__dirname, '..', '..');
  const background = loadCheckpoint(path.join(repoRoot, 'native', 'model')).noteSlotBackground;
  if (!background) throw new Error('native/model has no note-slot background (bench/memory/noteSlotBackground.ts)');
  const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
  const tokenizer = loadTokenizer();
  const source = fs.readFileSync(path.join(repoRoot, 'src', 'memory', 'keyed', 'slotWriter.ts'), 'utf8');
  const ids = [...tokenizer.encode(source)];
  const prompt = Number(args.prompt);
  const steps = Number(args.steps);
  const whole: number[] = [];
  const kept: number[] = [];
  for (let r = 0; r < Number(args.repeats); r++) {
    // Whole text: decode everything so far and split it again, at every step.
    for (let s = 0; s <= steps; s++) {
      const started = performance.now();
      wordBag(words, tokenizer.decode(ids.slice(0, prompt + s)));
      whole.push(performance.now() - started);
    }
    // Kept: the prompt once (counted as the first step), then one token per step.
    const prefix = new PrefixWords(tokenizer, words);
    for (let s = 0; s <= steps; s++) {
      const started = performance.now();
      for (let i = prefix.length; i < prompt + s; i++) prefix.push(ids[i]!);
      prefix.bag();
      kept.push(performance.now() - started);
    }
  }
  const perRequest = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Number(args.repeats);
  const result = {
    prompt_tokens: prompt,
    steps,
    whole_text_step_ms: summarize(whole),
    kept_step_ms: summarize(kept),
    whole_text_request_ms: Number(perRequest(whole).toFixed(3)),
    kept_request_ms: Number(perRequest(kept).toFixed(3)),
  };
  console.log(
    `per step p50: whole text ${result.whole_text_step_ms.p50} ms, kept ${result.kept_step_ms.p50} ms; per request (prompt + ${steps} steps): ${result.whole_text_request_ms} ms vs ${result.kept_request_ms} ms`,
  );
  console.log(JSON.stringify(result));
}

main();
