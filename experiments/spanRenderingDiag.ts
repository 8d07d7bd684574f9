// Diagnostic: whether the base model's likelihood could pick how a remembered fact is written in code
// (its case, its unit): each rendering's total log-probability after a completion probe's prefix.
// Session 9: it prefers "5" to "5000" after `busy_timeout=` (-5.8 / -11.6), "10" to "600" after
// `--timeout ` and "prefer" to "Prefer" after `addAllowedHeader("`; only "lf" over "LF" after `eol=`
// is right (by 0.7). So spanCopy.ts does not use it.
//
//   CASES='{"p022":["5000","5"],"p017":["Prefer","prefer"]}' node --import tsx scripts/experiments/spanRenderingDiag.ts
import { loadCheckpoint } from '../src/model/checkpoint';
import { loadEvalSet } from '../src/eval/evalSet';
import { completionFilePath } from '../src/eval/completionFilePath';
import { LanguageModel } from '../src/model/languageModel';
import { loadTokenizer } from '../src/model/tokenizer';
import { codePrompt } from '../src/service/completionPath';

const tokenizer = loadTokenizer();
const checkpoint = loadCheckpoint('native/model');
const set = loadEvalSet(process.env.SET ?? '../shared/eval/public');
const cases: Record<string, string[]> = JSON.parse(process.env.CASES ?? '{"p030":["lf","LF"],"p022":["5000","5"],"p021":["600","10","600000"],"p017":["Prefer","prefer"]}');

/** The log-probability of `text` right after the prefix, and how many tokens it took. */
async function logProbability(model: LanguageModel, filePath: string, prefix: string, text: string): Promise<{ total: number; tokens: number }> {
  const prompt = codePrompt(tokenizer, filePath, prefix, 256);
  const full = codePrompt(tokenizer, filePath, prefix + text, 300);
  let shared = 0;
  while (shared < prompt.length && full[shared] === prompt[shared]) shared++;
  const cache = model.newCache();
  let out = await model.extend(cache, full.slice(0, shared));
  let total = 0;
  for (let i = shared; i < full.length; i++) {
    let max = -Infinity;
    for (const v of out.logits) max = Math.max(max, v);
    let sum = 0;
    for (const v of out.logits) sum += Math.exp(v - max);
    total += out.logits[full[i]!]! - max - Math.log(sum);
    if (i + 1 < full.length) out = await model.extend(cache, [full[i]!]);
  }
  return { total, tokens: full.length - shared };
}

async function main(): Promise<void> {
  const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
  for (const probe of set.completions) {
    for (const text of cases[probe.note] ?? []) {
      const { total, tokens } = await logProbability(model, completionFilePath(probe.language), probe.prefix, text);
      console.log(`${probe.note} ${JSON.stringify(text)} log p ${total.toFixed(2)} (${tokens} tokens)${text === probe.expected ? ' <- expected' : ''}`);
    }
  }
}
void main();
