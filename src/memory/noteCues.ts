// Cue words in a note's prose that tell what a word of it is: a name it says to call ("wrap it in
// cv.deprecated", "the formatUtc helper"), a word it names something with ("the queue named
// critical"). The span copy (spanCopy.ts) weighs a note's spans by them. (Old-value cues, "default
// 30-second", were deleted: they did not pay on the dev set, and "defaults to" there names the new value.)

/** Words before a name ("the queue named critical"): what follows is typed in code, even a plain word. */
const NAME_CUES = new Set(['named', 'called', 'labelled', 'labeled']);
/** Verbs before a name the note says to call ("wrap it in cv.deprecated", "call flush"). */
const CALL_CUES = new Set(['call', 'calls', 'called', 'calling', 'invoke', 'invokes', 'invoked', 'invoking', 'wrap', 'wraps', 'wrapped', 'wrapping']);
/** Nouns after a name that say it is called ("the formatUtc helper"). */
const CALLABLE_NOUNS = new Set(['helper', 'function', 'method', 'hook', 'wrapper']);
/** A name that can be called: an identifier, maybe a member (`cv.deprecated`). */
const NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

/** The words with one of the cues among the `reach` words before them (after them, for a negative reach). */
function cuedWords(words: readonly string[], cues: ReadonlySet<string>, reach: number): Set<number> {
  const cued = new Set<number>();
  const isCue = (i: number) => i >= 0 && i < words.length && cues.has(words[i]!.toLowerCase().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '').replace(/'s$/u, ''));
  const step = Math.sign(reach);
  words.forEach((_, i) => {
    for (let k = 1; k <= Math.abs(reach); k++) if (isCue(i - step * k)) cued.add(i);
  });
  return cued;
}

export interface NoteCues {
  /** Words the note says to call or to wrap something in. */
  readonly callWords: ReadonlySet<number>;
  /** Words the note introduces as a name ("named critical"). */
  readonly namedWords: ReadonlySet<number>;
}

/** The cued words of a note, by index into its words. */
export function noteCues(words: readonly string[]): NoteCues {
  return {
    callWords: new Set([...cuedWords(words, CALL_CUES, 3), ...cuedWords(words, CALLABLE_NOUNS, -1)]),
    namedWords: cuedWords(words, NAME_CUES, 1),
  };
}

/** Whether a text can be called: an identifier, maybe a member (`cv.deprecated`). */
export function isCallableName(text: string): boolean {
  return NAME.test(text);
}
