import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../model/seededRandom';
import { MaxSimScorer } from './maxSimScorer';
import { maxSim, States, unitStates } from './stateSimilarity';

const random = seededRandom(11);
const randomStates = (rows: number, width: number): States => unitStates(Float32Array.from({ length: rows * width }, () => random.normal()), width, 0, rows);

test('the scorer gives the reference maxSim for every note, empty notes -1', async () => {
  const scorer = new MaxSimScorer();
  const question = randomStates(7, 24);
  const notes = [randomStates(5, 24), randomStates(0, 24), randomStates(12, 24), randomStates(1, 24)];
  const scores = await scorer.scores(question, notes);
  assert.equal(scores.length, 4);
  notes.forEach((note, i) => assert.ok(Math.abs(scores[i]! - maxSim(question, note)) < 1e-5, `note ${i}: ${scores[i]} vs ${maxSim(question, note)}`));
  assert.equal(scores[1], -1);
  // A note identical to the question scores 1.
  assert.ok(Math.abs((await scorer.scores(question, [question]))[0]! - 1) < 1e-5);
  assert.deepEqual(await scorer.scores(randomStates(0, 24), notes), [-1, -1, -1, -1]);
  await scorer.dispose();
});
