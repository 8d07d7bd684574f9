// Does the base model tell whether a note states what a question asks? Query likelihood: how much
// more probable the question's tokens are after the note in the context (<|note|>note<|question|>
// question) than without it, per question token. Compared for an answerable question and its own
// note against a near question and its best note (dev's unanswerable near questions, and each
// question with its own note left out: the best other note by word-bag cosine). Prints medians and
// the AUC of paraphrase against near + leave-one-out (1 = separates them, 0.5 = does not).
//
//   node --import tsx experiments/noteMeaning/queryLikelihoodProbe.ts SET_DIR...
import { loadEvalSet } from '../../src/eval/evalSet';
import { bagCosine, wordBag } from '../../src/memory/keyed/wordBag';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { formatAnswerPrompt } from '../../src/model/chatFormat';
import { LanguageModel } from '../../src/model/languageModel';
import { loadTokenizer } from '../../src/model/tokenizer';

const checkpoint = loadCheckpoint('native/model');
const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
const tokenizer = loadTokenizer();
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const V = checkpoint.manifest.config.vocabSize;

/** Mean log-probability of the question's tokens (and the answer marker) given the notes before it. */
async function questionLogProb(notes: string[], question: string): Promise<number> {
  const tokens = formatAnswerPrompt(tokenizer, { notes, question });
  const start = tokens.length - tokenizer.encode(question.trim()).length - 1;
  const states = await model.finalStates(tokens);
  const logits = await model.logitsOfStates(states, new Float32Array(states.length));
  let sum = 0;
  for (let t = start - 1; t < tokens.length - 1; t++) {
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]!);
    let total = 0;
    for (let v = 0; v < V; v++) total += Math.exp(logits[t * V + v]! - max);
    sum += logits[t * V + tokens[t + 1]!]! - max - Math.log(total);
  }
  return sum / (tokens.length - start);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const auc = (pos: number[], neg: number[]) => {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
};

async function main(): Promise<void> {
  for (const dir of process.argv.slice(2)) {
    const set = loadEvalSet(dir);
    const all = [...set.notes, ...set.distractors];
    const bags = all.map(n => wordBag(words, n.note));
    const bestNote = (question: string, except?: string) => {
      const q = wordBag(words, question);
      let best = -1;
      let bestScore = -Infinity;
      all.forEach((n, i) => {
        const s = bagCosine(q, bags[i]!);
        if (n.id !== except && s > bestScore) [best, bestScore] = [i, s];
      });
      return all[best]!.note;
    };
    const groups = new Map<string, number[]>();
    const add = (g: string, x: number) => groups.set(g, [...(groups.get(g) ?? []), x]);
    for (const q of set.questions) {
      const base = await questionLogProb([], q.question);
      const own = all.find(n => n.id === q.note)!.note;
      add(q.style, (await questionLogProb([own], q.question)) - base);
      add('out', (await questionLogProb([bestNote(q.question, q.note)], q.question)) - base);
    }
    for (const u of set.unanswerable ?? []) {
      add(`un-${u.style}`, (await questionLogProb([bestNote(u.question)], u.question)) - (await questionLogProb([], u.question)));
    }
    console.log(`== ${set.name}: gain in mean log p(question) from the note, median`);
    for (const [g, xs] of groups) console.log(`  ${g.padEnd(12)} n=${String(xs.length).padStart(3)} ${median(xs).toFixed(3)}`);
    const near = [...(groups.get('out') ?? []), ...(groups.get('un-near') ?? [])];
    console.log(
      `  AUC paraphrase vs out+near ${auc(groups.get('paraphrase') ?? [], near).toFixed(3)}; direct vs out+near ${auc(groups.get('direct') ?? [], near).toFixed(3)}`,
    );
  }
  await model.dispose();
}

void main();
