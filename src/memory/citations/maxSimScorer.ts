// MaxSim (stateSimilarity.ts) of one question against many notes at once: every cosine comes from one
// matrix product on onnxruntime, question rows x all notes' rows, and only the per-note maximum and
// the mean are taken here. The plain loop in stateSimilarity.ts is the reference the test holds this
// to. bench/memory/maxSim.ts, 20 notes of 96 rows against a question of 54, width 256, side by side:
// loop p50 71 ms, product 3.0 ms (quiet machine).

import { exportOnnx, GraphBuilder, ortRuntime, Runtime, Session } from '../../engine';
import { concatStates, States } from './stateSimilarity';

export class MaxSimScorer {
  private readonly sessions = new Map<number, Promise<Session>>();

  constructor(private readonly runtime: Runtime = ortRuntime) {}

  /** maxSim(question, note) for every note, in order; -1 for a note (or question) without states. */
  async scores(question: States, notes: readonly States[]): Promise<number[]> {
    const width = question.width;
    const present = notes.filter((n) => n.rows > 0);
    if (question.rows === 0 || present.length === 0) return notes.map(() => -1);
    const all = concatStates(present, width);
    const session = await this.session(width);
    const out = await session.run({
      question: { dtype: 'float32', shape: [question.rows, width], data: question.data.subarray(0, question.rows * width) },
      notes: { dtype: 'float32', shape: [all.rows, width], data: all.data },
    });
    const cosines = out['cosines']!.data as Float32Array; // (question rows, all note rows)
    const scores: number[] = [];
    let start = 0;
    for (const note of notes) {
      if (note.rows === 0) {
        scores.push(-1);
        continue;
      }
      let sum = 0;
      for (let a = 0; a < question.rows; a++) {
        let best = -Infinity;
        const row = a * all.rows;
        for (let b = start; b < start + note.rows; b++) if (cosines[row + b]! > best) best = cosines[row + b]!;
        sum += best;
      }
      scores.push(sum / question.rows);
      start += note.rows;
    }
    return scores;
  }

  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
  }

  private session(width: number): Promise<Session> {
    let session = this.sessions.get(width);
    if (!session) {
      const g = new GraphBuilder();
      const question = g.input('question', 'float32', ['M', width]);
      const notes = g.input('notes', 'float32', ['K', width]);
      // One thread: it runs beside writes and completions in the worker.
      session = this.runtime.load(exportOnnx({ cosines: g.matmul(question, g.transpose(notes, [1, 0])) }), { intraOpNumThreads: 1 });
      this.sessions.set(width, session);
    }
    return session;
  }
}
