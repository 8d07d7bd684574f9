// Whether a word reads as code rather than prose. Two tests, for two questions: `isIdentifier` picks
// the code-ish tokens out of a note's prose (its key terms, which augmentation asks about), and
// `isCodeLike` tells whether a span a completion could copy is a value typed in code (a plain prose
// word is copied only on strong evidence). Each was tuned for its caller; they are not one rule.

/** Abbreviations that look dotted but are prose. */
const ABBREVIATIONS: ReadonlySet<string> = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf']);

/** A code-ish token: dotted, snake_case, camelCase, CONSTANT, a call, a flag, kebab with digits. */
export function isIdentifier(word: string): boolean {
  if (word.length < 2 || /^[\d.,]+$/.test(word) || ABBREVIATIONS.has(word.toLowerCase())) return false;
  if (/^--?[a-z][\w-]*$/.test(word)) return true; // --openssl-legacy-provider
  if (/\(.*\)$/.test(word)) return true; // setRestrictToTemplates(true)
  if (word.includes('::')) return true; // Errno::ENOENT
  if (/^\d+[a-z]+[a-z\d]*$/i.test(word) && word.length >= 6) return true; // 17faae30 (a commit)
  if (/[A-Za-z]\.[A-Za-z_]/.test(word)) return true; // transaction.id, cv.deprecated
  if (/[A-Za-z0-9>]_|_[A-Za-z0-9<]/.test(word)) return true; // async_set_unique_id, <source>_<dest>
  if (/[a-z][A-Z]/.test(word)) return true; // guardianPolyfilledImport, OpenSSL
  if (/^[A-Z]{6,}$/.test(word)) return true; // GOMAXPROCS (short acronyms such as CSRF are names)
  if (/^[A-Z]+\d+$|^[A-Za-z]+\d+[A-Za-z\d]*$/.test(word) && /\d/.test(word) && word.length >= 3) return true; // utf8mb4, E501
  if (/^[A-Z][a-z]*[A-Z][a-z]/.test(word)) return true; // VError, HomeCommunity
  if (word.includes('-')) {
    const parts = word.split('-').filter(Boolean);
    if (parts.length >= 3) return true; // repo-map-bounded, openjdk-api-v3
    if (/\d/.test(word)) return true; // restart-api-cron is above; utf-8
    if (parts.length >= 2 && parts.every(p => /^[A-Z]/.test(p))) return true; // Idempotency-Key
  }
  return false;
}

/** Whether a span looks like a value typed in code rather than a word of the prose around it
 *  (`noteWord`: the note word it stands in, as written, so a quoted word counts as code). */
export function isCodeLike(span: string, noteWord: string): boolean {
  return /[\d_./(#%=<>]|\p{Ll}\p{Lu}|^\p{Lu}{2,}/u.test(span) || /^["'`]/u.test(noteWord);
}
