// Choosing the next token from logits (greedy, temperature, top-p) and cutting generated text at
// stop sequences. Pure functions: the random source is passed in, so sampling repeats for a seed.

export interface SamplingOptions {
  /** 0 means greedy (argmax). */
  readonly temperature: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability sums to at least topP (1 keeps all). */
  readonly topP: number;
}

export const greedySampling: SamplingOptions = { temperature: 0, topP: 1 };

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** Softmax of logits / temperature, computed stably. */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature: number): Float64Array {
  const probabilities = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    probabilities[i] = Math.exp((logits[i]! - max) / temperature);
    total += probabilities[i]!;
  }
  for (let i = 0; i < probabilities.length; i++) probabilities[i]! /= total;
  return probabilities;
}

/** Token ids of the nucleus, most probable first, with their probabilities renormalised. */
export function topPFilter(probabilities: Float64Array, topP: number): { ids: number[]; probabilities: number[] } {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  const ids: number[] = [];
  let cumulative = 0;
  for (const id of order) {
    ids.push(id);
    cumulative += probabilities[id]!;
    if (cumulative >= topP) break;
  }
  return { ids, probabilities: ids.map(id => probabilities[id]! / cumulative) };
}

/** Picks the next token; `uniform` returns numbers in [0, 1) (e.g. a SeededRandom's next). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, uniform: () => number): number {
  if (options.temperature <= 0) return argmax(logits);
  const probabilities = softmaxWithTemperature(logits, options.temperature);
  const nucleus = topPFilter(probabilities, Math.min(1, Math.max(0, options.topP)));
  let u = uniform();
  for (let i = 0; i < nucleus.ids.length; i++) {
    u -= nucleus.probabilities[i]!;
    if (u < 0) return nucleus.ids[i]!;
  }
  return nucleus.ids[nucleus.ids.length - 1]!;
}

export type StopCheck = { readonly stopped: false } | { readonly stopped: true; readonly text: string; readonly stop: string };

/** Checks decoded text for the earliest stop sequence; when found, returns the text before it.
 *  Works on text, not tokens, because a stop string may straddle token boundaries. */
export function findStopSequence(text: string, stops: readonly string[]): StopCheck {
  let earliest = -1;
  let which = '';
  for (const stop of stops) {
    if (stop.length === 0) continue;
    const at = text.indexOf(stop);
    if (at !== -1 && (earliest === -1 || at < earliest)) {
      earliest = at;
      which = stop;
    }
  }
  return earliest === -1 ? { stopped: false } : { stopped: true, text: text.slice(0, earliest), stop: which };
}

/** How many trailing characters of `text` must be held back from a streaming client because they
 *  could be the start of a stop sequence. */
export function heldBackLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}
