// How close a question came to a note in the states the memory reads from: the residual stream
// entering the memory layer, whose projection is the memory's query. Each state is scaled to unit
// length; MaxSim (as in late-interaction retrieval) takes, for each question position, its best
// cosine with any of the note's positions, and averages over the question. Slot reads are this
// comparison made discrete (top-16 of 16,384 per head); the states also keep how close two
// positions came when they chose different slots, which is where paraphrases land.

/** Unit-length copies of positions [from, to) of a (T, width) position-major array. */
export function unitStates(residual: Float32Array, width: number, from: number, to: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let t = Math.max(0, from); t < to && (t + 1) * width <= residual.length; t++) {
    const state = residual.slice(t * width, (t + 1) * width);
    let norm = 0;
    for (const x of state) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm === 0) continue; // nothing to compare (cannot come from the model: RMSNorm follows)
    for (let i = 0; i < width; i++) state[i] = state[i]! / norm;
    out.push(state);
  }
  return out;
}

/** Mean over the question's states of the best cosine with any note state; -1 with nothing to compare. */
export function maxSim(question: readonly Float32Array[], note: readonly Float32Array[]): number {
  if (question.length === 0 || note.length === 0) return -1;
  let sum = 0;
  for (const a of question) {
    let best = -1;
    for (const b of note) {
      let dot = 0;
      for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
      if (dot > best) best = dot;
    }
    sum += best;
  }
  return sum / question.length;
}
