import { loadCheckpoint } from '../../src/model/checkpoint';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { completionFilePath } from '../../src/memory/eval/completionFilePath';
import { LanguageModel } from '../../src/model/languageModel';
import { loadTokenizer } from '../../src/model/tokenizer';
import { codePrompt } from '../../src/service/completionPath';
const tokenizer = loadTokenizer();
const checkpoint = loadCheckpoint('native/model');
const set = loadEvalSet('../shared/eval/public');
async function score(model: LanguageModel, filePath: string, prefix: string, span: string) {
  const prompt = codePrompt(tokenizer, filePath, prefix, 256);
  const full = codePrompt(tokenizer, filePath, prefix + span, 300);
  let k = 0; while (k < prompt.length && full[k] === prompt[k]) k++;
  const cache = model.newCache();
  let out = await model.extend(cache, full.slice(0, k));
  let total = 0;
  for (let i = k; i < full.length; i++) {
    const l = out.logits; let max = -Infinity; for (const v of l) max = Math.max(max, v);
    let sum = 0; for (const v of l) sum += Math.exp(v - max);
    total += l[full[i]!]! - max - Math.log(sum);
    if (i + 1 < full.length) out = await model.extend(cache, [full[i]!]);
  }
  return { total, n: full.length - k };
}
const cases: Record<string, string[]> = JSON.parse(process.env.CASES!);
(async () => {
  const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
  for (const p of set.completions) {
    const vs = cases[p.note]; if (!vs) continue;
    for (const v of vs) for (const end of ['', '\n', ' ', '(', ',', ')', '"', ';']) {
      const s = await score(model, completionFilePath(p.language), p.prefix, v + end);
      if (end === '' ) console.log(p.note, JSON.stringify(v), s.total.toFixed(2), s.n);
    }
  }
})();
