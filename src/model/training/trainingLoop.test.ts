import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deriveSeed } from '../seededRandom';
import { latestCheckpoint, listCheckpoints, logFilePath } from './runDirectory';
import { LoopPosition, runTrainingLoop } from './trainingLoop';
import { ProgressBar } from './progressBar';

const quietProgress = new ProgressBar({ isTTY: false, write: () => true } as unknown as NodeJS.WriteStream, 1e12);

/** A fake "model": its state is the running sum of the batches it saw, saved as a JSON file. */
async function runFake(runDir: string, totalSteps: number, start: LoopPosition, initialSum: number, seen: number[], stopAtStep?: number) {
  let sum = initialSum;
  const end = await runTrainingLoop({
    runDir,
    totalSteps,
    ...(stopAtStep === undefined ? {} : { stopAtStep }),
    tokensPerStep: 8,
    memorySlots: 4,
    logEverySteps: 2,
    checkpointEverySteps: 3,
    checkpointEveryMinutes: 60,
    keepCheckpoints: 2,
    start,
    progress: quietProgress,
    batchAt: step => deriveSeed(42, step) % 100,
    trainStep: async (batch, step) => {
      seen.push(batch);
      sum += batch;
      return { loss: 1 / (step + 1), learningRate: 0.1, slotsRead: [step % 4] };
    },
    evaluate: async () => 0.5,
    save: (dir, position) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ position, sum }));
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
    },
  });
  return { end, sum };
}

test('a run interrupted and resumed from its latest checkpoint sees the same batches', async () => {
  const straightDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-loop-'));
  const straightSeen: number[] = [];
  const straight = await runFake(straightDir, 8, { step: 0, tokens: 0, elapsedSeconds: 0 }, 0, straightSeen);

  const resumedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-loop-'));
  const resumedSeen: number[] = [];
  await runFake(resumedDir, 5, { step: 0, tokens: 0, elapsedSeconds: 0 }, 0, resumedSeen); // "crashes" after step 5
  const latest = latestCheckpoint(resumedDir)!;
  assert.equal(latest.step, 5);
  const state = JSON.parse(fs.readFileSync(path.join(latest.dir, 'state.json'), 'utf8'));
  const resumed = await runFake(resumedDir, 8, state.position, state.sum, resumedSeen);

  assert.deepEqual(resumedSeen, straightSeen);
  assert.equal(resumed.sum, straight.sum);
  assert.equal(resumed.end.tokens, 64);
  assert.deepEqual(
    listCheckpoints(resumedDir).map(c => c.step),
    [6, 8],
  ); // keeps the newest two
});

test("stopAtStep ends a run at that step with a checkpoint, having seen the full run's first batches", async () => {
  const fullSeen: number[] = [];
  await runFake(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-loop-')), 8, { step: 0, tokens: 0, elapsedSeconds: 0 }, 0, fullSeen);
  const stoppedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-loop-'));
  const stoppedSeen: number[] = [];
  const stopped = await runFake(stoppedDir, 8, { step: 0, tokens: 0, elapsedSeconds: 0 }, 0, stoppedSeen, 5);
  assert.equal(stopped.end.step, 5);
  assert.equal(latestCheckpoint(stoppedDir)!.step, 5);
  assert.deepEqual(stoppedSeen, fullSeen.slice(0, 5));
});

test('the log has one train record per window with loss, tokens/s, lr and slot usage', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-loop-'));
  await runFake(runDir, 4, { step: 0, tokens: 0, elapsedSeconds: 0 }, 0, []);
  const records = fs
    .readFileSync(logFilePath(runDir), 'utf8')
    .trim()
    .split('\n')
    .map(line => JSON.parse(line));
  const train = records.filter(r => r.kind === 'train');
  assert.deepEqual(
    train.map(r => r.step),
    [2, 4],
  );
  assert.equal(train[0].loss, (1 + 1 / 2) / 2);
  assert.equal(train[0].slot_usage, 0.5); // steps 0 and 1 read slots 0 and 1 of 4
  assert.equal(train[0].lr, 0.1);
  assert.ok(train[0].tokens_per_s > 0);
  assert.ok(records.some(r => r.kind === 'eval' && r.heldout_loss === 0.5));
});
