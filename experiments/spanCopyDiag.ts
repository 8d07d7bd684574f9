// Diagnostic: could a completion copy a span of the gated note? For each public completion probe:
// the code gate's best note, that note's candidate spans, and each span's log-probability under
// the base model after the completion prompt (no memory read). Prints the expected span's rank.
//
//   node --import tsx scripts/experiments/spanCopyDiag.ts
import { loadCheckpoint } from '../src/model/checkpoint';
import { LanguageModel } from '../src/model/languageModel';
import { loadTokenizer } from '../src/model/tokenizer';
import { loadEvalSet } from '../src/eval/evalSet';
import { completionFilePath } from '../src/eval/completionFilePath';
import { bagCosine, wordBag } from '../src/memory/keyed/wordBag';
import { codePrompt } from '../src/service/completionPath';
import { noteSpans } from '../src/memory/copy/noteSpans';

const tokenizer = loadTokenizer();
const checkpoint = loadCheckpoint('native/model');
const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const set = loadEvalSet('../shared/eval/public');
const all = [...set.notes, ...set.distractors];
const bags = all.map((n) => wordBag(words, n.note));

function logSoftmax(logits: Float32Array, token: number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return logits[token]! - max - Math.log(sum);
}

async function main(): Promise<void> {
let right = 0, gateRight = 0, firstRight = 0, meanRight = 0, possible = 0;
for (const probe of set.completions) {
  const filePath = completionFilePath(probe.language);
  const prompt = codePrompt(tokenizer, filePath, probe.prefix, 256);
  const promptText = tokenizer.decode(prompt.slice(1)); // without <|file|>... decode keeps the path line
  const bag = wordBag(words, `${filePath}\n${probe.prefix}`);
  const cos = bags.map((b) => bagCosine(bag, b));
  const best = cos.indexOf(Math.max(...cos));
  const note = all[best]!;
  if (note.id === probe.note) gateRight++;
  const spans = noteSpans(note.note);
  if (spans.some((s) => s.startsWith(probe.expected) || probe.expected.startsWith(s))) possible++;
  const scored: { span: string; total: number; first: number; mean: number }[] = [];
  for (const span of spans) {
    const full = [...prompt.slice(0, 1), ...tokenizer.encode(promptText + span)];
    let k = 0;
    while (k < prompt.length && k < full.length && prompt[k] === full[k]) k++;
    k = Math.min(k, prompt.length - 1);
    const cache = model.newCache();
    let out = await model.extend(cache, full.slice(0, k));
    let total = 0, first = 0;
    for (let i = k; i < full.length; i++) {
      const lp = logSoftmax(out.logits, full[i]!);
      if (i === k) first = lp;
      total += lp;
      if (i + 1 < full.length) out = await model.extend(cache, [full[i]!]);
    }
    scored.push({ span, total, first, mean: total / (full.length - k) });
  }
  const rankBy = (key: 'total' | 'first' | 'mean') => [...scored].sort((a, b) => b[key] - a[key]);
  const hit = (s: { span: string } | undefined) => !!s && s.span.startsWith(probe.expected);
  const byTotal = rankBy('total');
  if (note.id === probe.note && hit(byTotal[0])) right++;
  if (note.id === probe.note && hit(rankBy('first')[0])) firstRight++;
  if (note.id === probe.note && hit(rankBy('mean')[0])) meanRight++;
  console.log(`${probe.note} gate ${note.id} cos ${cos[best]!.toFixed(3)} spans ${spans.length} expected ${JSON.stringify(probe.expected)} | total: ${byTotal.slice(0, 3).map((s) => `${s.span} ${s.total.toFixed(1)}`).join(', ')} | mean: ${rankBy('mean').slice(0, 2).map((s) => s.span).join(', ')}`);
}
console.log(`gate right ${gateRight}/${set.completions.length}, expected among spans ${possible}, top-1 by total ${right}, by first token ${firstRight}, by mean ${meanRight}`);
}
void main();
