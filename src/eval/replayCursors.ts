// Where the replay benchmark (`mnemo eval --replay DIR`) puts the cursor in real source: places a
// person pauses while typing, drawn with a seed so that a run repeats exactly. Two kinds: inside a
// line right after a token (a name, a `.`, a `(`, an operator), with something left on the line to
// type; and at the start of an indented line, after its indentation (where the editor leaves the
// cursor after Enter). The prefix is the file up to the cursor, as the editor would send it. Pure
// but for listing and reading the files (replaySources).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isNameChar } from '../memory/text/words';
import { deriveSeed, seededRandom } from '../model/seededRandom';

export type ReplayCursorKind = 'in-line' | 'line-start';

export interface ReplayCursor {
  /** The file's path relative to the replayed directory (what the editor sends). */
  readonly file: string;
  readonly offset: number;
  readonly kind: ReplayCursorKind;
}

export interface ReplayCursorSettings {
  /** Cursors per file (fewer when a file has fewer places). */
  readonly perFile: number;
  readonly seed: number;
  /** Share of a file's cursors at the start of an indented line; the rest are inside lines. */
  readonly lineStartShare: number;
}

export const defaultReplayCursorSettings: ReplayCursorSettings = { perFile: 20, seed: 1, lineStartShare: 0.25 };

/** Source files the replay reads: what a person types, not what a build writes for machines. */
const SOURCE = /\.(?:ts|tsx|js|mjs|cjs)$/u;
const GENERATED = /\.d\.[cm]?ts$|\.min\.[cm]?js$/u;
/** Longest line kept: a longer one is minified or data, and nobody types it. */
const MAX_LINE = 300;
/** Largest file read. */
const MAX_BYTES = 200_000;

/** The replayable source files under `dir`, sorted (skips node_modules, dot folders, declarations,
 *  minified and oversized files). */
export function replaySources(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && SOURCE.test(entry.name) && !GENERATED.test(entry.name) && fs.statSync(full).size <= MAX_BYTES) {
        found.push(path.relative(dir, full).split(path.sep).join('/'));
      }
    }
  };
  walk(dir);
  return found;
}

/** Whether a file's text looks typed by a person (no minified lines). */
export function isReplayable(text: string): boolean {
  return text.trim() !== '' && !text.split('\n').some(line => line.length > MAX_LINE);
}

/** The places a person pauses in `text`, in order. */
export function pausePlaces(text: string): { readonly offset: number; readonly kind: ReplayCursorKind }[] {
  const places: { offset: number; kind: ReplayCursorKind }[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const body = line.replace(/\s+$/u, '');
    const indent = body.length - body.trimStart().length;
    if (body.trim() !== '') {
      if (indent > 0) places.push({ offset: lineStart + indent, kind: 'line-start' });
      for (let i = indent + 1; i < body.length; i++)
        if (endsToken(body[i - 1]!, body[i]!)) places.push({ offset: lineStart + i, kind: 'in-line' });
    }
    lineStart += line.length + 1;
  }
  return places;
}

/** Right after a token: a name or number ends here, or a punctuation mark does (not inside a run of
 *  spaces, and not between two marks of one operator such as `=>` or `===`). */
function endsToken(before: string, at: string): boolean {
  if (/\s/u.test(before)) return false;
  if (isNameChar(before)) return !isNameChar(at);
  return !/[=<>!&|+\-*/%?.:]/u.test(at) || !/[=<>!&|+\-*/%?.:]/u.test(before);
}

/** The file's cursors: `perFile` of its pause places drawn without replacement, seeded by the
 *  file's path, a `lineStartShare` of them at line starts when it has enough. In file order. */
export function replayCursors(file: string, text: string, settings: ReplayCursorSettings = defaultReplayCursorSettings): ReplayCursor[] {
  const places = pausePlaces(text);
  const random = seededRandom(deriveSeed(settings.seed, hashString(file)));
  const starts = places.filter(p => p.kind === 'line-start');
  const inLine = places.filter(p => p.kind === 'in-line');
  const wantStarts = Math.min(starts.length, Math.round(settings.perFile * settings.lineStartShare));
  const picked = [...draw(starts, wantStarts, random), ...draw(inLine, Math.min(inLine.length, settings.perFile - wantStarts), random)];
  return picked.sort((a, b) => a.offset - b.offset).map(p => ({ file, offset: p.offset, kind: p.kind }));
}

function draw<T>(items: readonly T[], n: number, random: { int(n: number): number }): T[] {
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < n && pool.length > 0; i++) out.push(pool.splice(random.int(pool.length), 1)[0]!);
  return out;
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** `n` of the files drawn with the seed (all of them when n is undefined or not smaller), sorted. */
export function sampleFiles(files: readonly string[], n: number | undefined, seed: number): string[] {
  if (n === undefined || n >= files.length) return [...files];
  return draw(files, n, seededRandom(deriveSeed(seed, 0x5eed))).sort();
}
