// What re-weighing an answer's citations costs: MaxSim of one question against the candidate notes'
// states (memory/citationRerank.ts), side by side in one run, the plain loop (stateSimilarity.maxSim,
// the reference) against one matrix product on onnxruntime (MaxSimScorer, what the service runs).
// Shapes as on the public set: a question as asked and lowercased (~54 positions), 20 candidate notes
// of ~96 positions each (written and lowercased), width 256; random unit states (the cost depends on
// the shapes only).
//
//   node --import tsx bench/memory/maxSim.ts [--question 54] [--notes 20] [--rows 96] [--repeats 15]
// The last stdout line is JSON.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MaxSimScorer } from '../../src/memory/citations/maxSimScorer';
import { maxSim, States, unitStates } from '../../src/memory/citations/stateSimilarity';
import { seededRandom } from '../../src/model/seededRandom';
import { summarize } from '../app/latencySummary';

const WIDTH = 256;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { question: { type: 'string', default: '54' }, notes: { type: 'string', default: '20' }, rows: { type: 'string', default: '96' }, repeats: { type: 'string', default: '15' } },
  });
  const random = seededRandom(3);
  const states = (rows: number): States => unitStates(Float32Array.from({ length: rows * WIDTH }, () => random.normal()), WIDTH, 0, rows);
  const question = states(Number(args.question));
  const notes = Array.from({ length: Number(args.notes) }, () => states(Number(args.rows)));
  const scorer = new MaxSimScorer();
  await scorer.scores(question, notes); // the session is built once per service

  const loopMs: number[] = [];
  const scorerMs: number[] = [];
  let largestDifference = 0;
  for (let r = 0; r < Number(args.repeats); r++) {
    let started = performance.now();
    const reference = notes.map((note) => maxSim(question, note));
    loopMs.push(performance.now() - started);
    started = performance.now();
    const scores = await scorer.scores(question, notes);
    scorerMs.push(performance.now() - started);
    scores.forEach((score, i) => (largestDifference = Math.max(largestDifference, Math.abs(score - reference[i]!))));
  }
  await scorer.dispose();
  const loop = summarize(loopMs);
  const product = summarize(scorerMs);
  console.log(`${notes.length} notes x ${args.rows} rows, question ${args.question} rows: loop p50 ${loop.p50} ms | matrix product p50 ${product.p50} ms (largest difference ${largestDifference.toExponential(1)})`);
  console.log(JSON.stringify({
    notes: notes.length,
    note_rows: Number(args.rows),
    question_rows: Number(args.question),
    loop_ms_p50: loop.p50,
    scorer_ms_p50: product.p50,
    speedup: loop.p50 && product.p50 ? Math.round(loop.p50 / product.p50) : null,
    largest_difference: largestDifference,
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
