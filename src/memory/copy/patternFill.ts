// Filling a note's pattern from the code at the cursor: "health check path /_healthcheck_<app-name>"
// before `path = "` in a block that says `name = "content-store"` is "/_healthcheck_content-store".
// The placeholder names what fills it; the code's nearest assignment to a key of that name (or the
// name's last part: "app-name" -> "name") gives the value. Without one the pattern's start is all
// that is copied, and the model goes on from it.

import type { NotePattern } from './noteSpans';

const ASSIGNMENT = /([\p{L}\p{N}_$-]+)["'`]?\s*[:=]\s*["'`]?([\p{L}\p{N}_./-]+)/gu;

/** The pattern with its placeholder filled from the code before the cursor, or null. */
export function fillPattern(pattern: NotePattern, prefix: string): string | null {
  const names = placeholderKeys(pattern.placeholder);
  let value: string | null = null;
  for (const [, key, found] of prefix.matchAll(ASSIGNMENT)) if (names.has(normalKey(key!))) value = found!; // the nearest: the last
  return value === null ? null : pattern.head + value + pattern.rest;
}

/** The keys that name a placeholder: its whole name and its last part ("app-name": appname, name). */
function placeholderKeys(placeholder: string): Set<string> {
  const parts = placeholder.split(/[-_\s|]+/u).filter(Boolean);
  return new Set([normalKey(placeholder), ...(parts.length > 1 ? [normalKey(parts.at(-1)!)] : [])].filter(Boolean));
}

function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/gu, '');
}
