// How close a question came to a note in the states the memory reads from: the residual stream
// entering the memory layer, whose projection is the memory's query. Each state is scaled to unit
// length; MaxSim (as in late-interaction retrieval) takes, for each question position, its best
// cosine with any of the note's positions, and averages over the question. Slot reads are this
// comparison made discrete (top-16 of 16,384 per head); the states also keep how close two
// positions came when they chose different slots, which is where paraphrases land.

/** Unit-length states, one row per position, in one array (rows x width). */
export interface States {
  readonly rows: number;
  readonly width: number;
  readonly data: Float32Array;
}

/** Unit-length copies of positions [from, to) of a (T, width) position-major array. */
export function unitStates(residual: Float32Array, width: number, from: number, to: number): States {
  const first = Math.max(0, from);
  const last = Math.min(to, Math.floor(residual.length / width));
  const data = new Float32Array(Math.max(0, last - first) * width);
  let rows = 0;
  for (let t = first; t < last; t++) {
    let norm = 0;
    for (let i = t * width; i < (t + 1) * width; i++) norm += residual[i]! * residual[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) continue; // nothing to compare (cannot come from the model: RMSNorm follows)
    for (let i = 0; i < width; i++) data[rows * width + i] = residual[t * width + i]! / norm;
    rows++;
  }
  return { rows, width, data: data.subarray(0, rows * width) };
}

/** The rows of several state sets, one after another. */
export function concatStates(parts: readonly States[], width: number): States {
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const data = new Float32Array(rows * width);
  let at = 0;
  for (const part of parts) {
    if (part.rows > 0 && part.width !== width) throw new RangeError(`concatStates: width ${part.width}, expected ${width}`);
    data.set(part.data.subarray(0, part.rows * width), at);
    at += part.rows * width;
  }
  return { rows, width, data };
}

/** Mean over the question's states of the best cosine with any note state; -1 with nothing to compare.
 *  The plain statement of MaxSim: the service scores with maxSimScorer.ts, which this is the test's
 *  reference for. */
export function maxSim(question: States, note: States): number {
  if (question.rows === 0 || note.rows === 0) return -1;
  if (question.width !== note.width) throw new RangeError(`maxSim: widths ${question.width} and ${note.width}`);
  const w = question.width;
  let sum = 0;
  for (let a = 0; a < question.rows; a++) {
    let best = -Infinity;
    for (let b = 0; b < note.rows; b++) {
      let dot = 0;
      for (let i = 0; i < w; i++) dot += question.data[a * w + i]! * note.data[b * w + i]!;
      best = Math.max(best, dot);
    }
    sum += best;
  }
  return sum / question.rows;
}
