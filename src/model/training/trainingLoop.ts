// The training loop's shell, independent of the model and the engine: it asks for the batch of
// each step (a pure function of seed and step, so a resumed run sees the same stream), runs the
// step, logs one JSONL record per logging window, draws the progress bar, evaluates and saves
// checkpoints every N steps or minutes, and stops cleanly on SIGINT/SIGTERM after a final save.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProgressBar } from './progressBar';
import { checkpointDirName, logFilePath, pruneCheckpoints } from './runDirectory';

export interface StepResult {
  readonly loss: number;
  readonly learningRate: number;
  /** Memory slots read in this step (any order, repeats allowed); feeds the slot-usage figure. */
  readonly slotsRead?: ArrayLike<number | bigint>;
}

/** Where a run is: what the loop needs to resume, and what a checkpoint records. */
export interface LoopPosition {
  readonly step: number;
  readonly tokens: number;
  readonly elapsedSeconds: number;
}

/** One line of log.jsonl: a training window's averages, or a held-out evaluation. */
export type LogRecord =
  | {
      readonly kind: 'train';
      readonly step: number;
      readonly tokens: number;
      readonly loss: number;
      readonly tokens_per_s: number;
      readonly lr: number;
      /** Fraction of memory slots read at least once during the window (null without memory). */
      readonly slot_usage: number | null;
      readonly elapsed_s: number;
      readonly time: string;
    }
  | {
      readonly kind: 'eval';
      readonly step: number;
      readonly tokens: number;
      readonly heldout_loss: number;
      readonly elapsed_s: number;
      readonly time: string;
    };

export interface TrainingLoopOptions<Batch> {
  readonly runDir: string;
  readonly totalSteps: number;
  readonly tokensPerStep: number;
  /** Memory slots in the model (0 for none): the denominator of slot usage. */
  readonly memorySlots: number;
  readonly logEverySteps: number;
  readonly checkpointEverySteps: number;
  readonly checkpointEveryMinutes: number;
  readonly keepCheckpoints: number;
  /** Stop (with a checkpoint) after this many seconds of this process, e.g. before a session ends. */
  readonly maxSeconds?: number;
  /** Stop (with a checkpoint) once this step is done; the schedule still runs to totalSteps. Used to
   *  train a baseline to exactly the tokens of another run. */
  readonly stopAtStep?: number;
  readonly start: LoopPosition;
  batchAt(step: number): Batch;
  trainStep(batch: Batch, step: number): Promise<StepResult>;
  /** Held-out loss, run before each checkpoint when given. */
  evaluate?(): Promise<number>;
  /** Writes a checkpoint for `position` into `dir` (the loop picks the directory and prunes old ones). */
  save(dir: string, position: LoopPosition, heldoutLoss: number | null): Promise<void> | void;
  readonly progress?: ProgressBar;
}

export async function runTrainingLoop<Batch>(options: TrainingLoopOptions<Batch>): Promise<LoopPosition> {
  fs.mkdirSync(options.runDir, { recursive: true });
  const progress = options.progress ?? new ProgressBar();
  const log = fs.openSync(logFilePath(options.runDir), 'a');
  const slotsSeen = options.memorySlots > 0 ? new Uint8Array(options.memorySlots) : null;
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const processStart = Date.now();
  let position = options.start;
  let windowStart = Date.now();
  let windowTokens = 0;
  let windowLoss = 0;
  let windowSteps = 0;
  let lastSave = Date.now();
  let lastRate = 0;

  const checkpoint = async () => {
    const heldoutLoss = options.evaluate ? await options.evaluate() : null;
    await options.save(path.join(options.runDir, checkpointDirName(position.step)), position, heldoutLoss);
    pruneCheckpoints(options.runDir, options.keepCheckpoints);
    lastSave = Date.now();
    if (heldoutLoss !== null) writeRecord(log, { kind: 'eval', ...baseRecord(position), heldout_loss: heldoutLoss });
    progress.message(
      `checkpoint ${checkpointDirName(position.step)}${heldoutLoss !== null ? ` heldout_loss ${heldoutLoss.toFixed(4)}` : ''}`,
    );
  };

  try {
    while (position.step < Math.min(options.totalSteps, options.stopAtStep ?? Infinity) && !stopRequested) {
      const stepStart = Date.now();
      const result = await options.trainStep(options.batchAt(position.step), position.step);
      if (!Number.isFinite(result.loss)) throw new Error(`loss is ${result.loss} at step ${position.step}; stopping`);
      position = {
        step: position.step + 1,
        tokens: position.tokens + options.tokensPerStep,
        elapsedSeconds: position.elapsedSeconds + (Date.now() - stepStart) / 1000,
      };
      windowTokens += options.tokensPerStep;
      windowLoss += result.loss;
      windowSteps += 1;
      if (slotsSeen && result.slotsRead) for (let i = 0; i < result.slotsRead.length; i++) slotsSeen[Number(result.slotsRead[i])] = 1;

      if (position.step % options.logEverySteps === 0 || position.step === options.totalSteps) {
        const seconds = (Date.now() - windowStart) / 1000;
        lastRate = windowTokens / Math.max(seconds, 1e-9);
        writeRecord(log, {
          kind: 'train',
          ...baseRecord(position),
          loss: windowLoss / windowSteps,
          tokens_per_s: Math.round(lastRate),
          lr: result.learningRate,
          slot_usage: slotsSeen ? fractionSet(slotsSeen) : null,
        });
        slotsSeen?.fill(0);
        windowStart = Date.now();
        windowTokens = 0;
        windowLoss = 0;
        windowSteps = 0;
      }
      progress.update({
        step: position.step,
        totalSteps: options.totalSteps,
        loss: result.loss,
        tokensPerSecond: lastRate,
        elapsedSeconds: position.elapsedSeconds,
      });
      const dueBySteps = position.step % options.checkpointEverySteps === 0;
      const dueByTime = Date.now() - lastSave >= options.checkpointEveryMinutes * 60_000;
      const outOfTime = options.maxSeconds !== undefined && (Date.now() - processStart) / 1000 >= options.maxSeconds;
      if (outOfTime || position.step === options.stopAtStep) stopRequested = true;
      if (dueBySteps || dueByTime || stopRequested || position.step === options.totalSteps) await checkpoint();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    fs.closeSync(log);
  }
  return position;
}

function baseRecord(position: LoopPosition) {
  return {
    step: position.step,
    tokens: position.tokens,
    elapsed_s: Math.round(position.elapsedSeconds),
    time: new Date().toISOString(),
  };
}

function writeRecord(fd: number, record: LogRecord): void {
  fs.writeSync(fd, JSON.stringify(record) + '\n');
}

function fractionSet(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  return count / mask.length;
}
