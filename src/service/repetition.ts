// Greedy decoding of a small model can fall into a loop ("is not a `export const is not a ..."),
// which only costs time: nothing new comes after it. This finds such a loop at the end of the
// generated tokens so decoding can stop, keeping one copy of the repeated part.

/** Copies of a period needed before it counts as a loop (single tokens need more: "0000" is fine). */
const REPEATS = 3;
const SINGLE_TOKEN_REPEATS = 8;
const MAX_PERIOD = 24;

/**
 * If the tokens end in a loop (a run of 1..24 tokens repeated back to back), the length to keep:
 * everything before the loop plus one copy of it. Otherwise null.
 */
export function loopCut(tokens: readonly number[]): number | null {
  const n = tokens.length;
  for (let period = 1; period <= MAX_PERIOD; period++) {
    const repeats = period === 1 ? SINGLE_TOKEN_REPEATS : REPEATS;
    if (period * repeats > n) continue;
    let loop = true;
    for (let i = n - period * (repeats - 1); i < n && loop; i++) loop = tokens[i] === tokens[i - period];
    if (loop) return n - period * (repeats - 1);
  }
  return null;
}
