// Durations in a note, typed in code's units: "raised to 10 minutes" is `--timeout 600` in a shell
// script, "a five-second busy timeout" is `busy_timeout=5000` in Java. The unit is the one the code
// at the cursor names (`timeout_ms`, `seconds=`), else the language's habit: milliseconds in Java,
// JavaScript, TypeScript, C# and Kotlin (Thread.sleep, setTimeout), `15 * time.Second` in Go, seconds
// elsewhere (time.sleep, gunicorn, most config files).

export interface NoteDuration {
  /** The note word the duration's number stands in ("10" of "10 minutes", "five-second"). */
  readonly word: number;
  /** The note words it spans (the number and its unit). */
  readonly words: readonly number[];
  readonly ms: number;
}

/** A unit, or Go's `time.Duration` arithmetic (`15 * time.Second`). */
export type DurationUnit = 'ms' | 's' | 'min' | 'h' | 'go';

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90, hundred: 100,
};
const UNIT_MS: Record<string, number> = { ms: 1, millisecond: 1, msec: 1, s: 1000, sec: 1000, second: 1000, min: 60_000, minute: 60_000, h: 3_600_000, hr: 3_600_000, hour: 3_600_000, day: 86_400_000 };
const MS_LANGUAGES = /\.(?:java|kt|kts|js|mjs|cjs|jsx|ts|tsx|cs)$/iu;

/** The note's durations: a number (digits or a word) and a unit, as "10 minutes" or "five-second". */
export function noteDurations(words: readonly string[]): NoteDuration[] {
  const durations: NoteDuration[] = [];
  const clean = words.map((w) => w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
  clean.forEach((word, i) => {
    const joined = /^([\p{L}\p{N}.]+)-([\p{L}]+)$/u.exec(word); // "five-second", "30-second"
    if (joined) {
      const ms = durationMs(joined[1]!, joined[2]!);
      if (ms !== null) durations.push({ word: i, words: [i], ms });
      return;
    }
    const next = clean[i + 1];
    if (next === undefined) return;
    const ms = durationMs(word, next);
    if (ms !== null) durations.push({ word: i, words: [i, i + 1], ms });
  });
  return durations;
}

/** The unit code at the cursor wants: one its last lines name, else the file's language's habit. */
export function durationUnit(fileName: string, context: string): DurationUnit {
  const named = /(?:^|[^\p{L}])(ms|millis|milliseconds?|msecs?|seconds?|secs?|minutes?|mins|hours?)(?:[^\p{L}]|$)/giu;
  let unit: DurationUnit | null = null;
  const split = context.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2'); // ttlSeconds -> ttl Seconds
  for (const [, word] of split.matchAll(named)) unit = unitOf(word!.toLowerCase()); // the nearest: the last
  return unit ?? (MS_LANGUAGES.test(fileName) ? 'ms' : /\.go$/iu.test(fileName) ? 'go' : 's');
}

/** The duration as a number in the unit ("600" for 10 minutes in seconds), or null when it is not whole there. */
export function renderDuration(ms: number, unit: DurationUnit): string | null {
  if (unit === 'go') {
    // The largest of Go's units that counts it whole: 10 minutes is `10 * time.Minute`.
    const [name, size] = GO_UNITS.find(([, size]) => ms % size === 0) ?? ['Millisecond', 1];
    return `${ms / size} * time.${name}`;
  }
  const value = ms / { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[unit];
  return Number.isInteger(value) ? String(value) : null;
}

const GO_UNITS: readonly [string, number][] = [['Hour', 3_600_000], ['Minute', 60_000], ['Second', 1000], ['Millisecond', 1]];

function durationMs(number: string, unit: string): number | null {
  const value = /^\d+(?:\.\d+)?$/u.test(number) ? Number(number) : NUMBER_WORDS[number];
  const perUnit = UNIT_MS[unit.replace(/s$/u, '')] ?? UNIT_MS[unit];
  return value === undefined || perUnit === undefined ? null : value * perUnit;
}

function unitOf(word: string): DurationUnit {
  if (word.startsWith('m') && !word.startsWith('min')) return 'ms';
  if (word.startsWith('min')) return 'min';
  if (word.startsWith('h')) return 'h';
  return 's';
}
