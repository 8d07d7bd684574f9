// Where an inline completion ends. The cursor's line decides the shape: after text on the line the
// user is finishing that line, so the completion ends at the end of the line; on an empty or
// whitespace-only line the user is starting something new, so the completion may run over several
// lines and ends at a blank line or where the code dedents below the cursor's indentation. Pure.

export type CompletionShape =
  | { readonly kind: 'line' }
  /** `indent`: the cursor line's leading whitespace; lines indented less end the block. */
  | { readonly kind: 'block'; readonly indent: number };

export function completionShape(prefix: string): CompletionShape {
  const line = prefix.slice(prefix.lastIndexOf('\n') + 1);
  if (line.trim() !== '') return { kind: 'line' };
  return { kind: 'block', indent: indentWidth(line) };
}

export interface CutCompletion {
  /** The completion so far, cut where it must end. */
  readonly text: string;
  /** Whether a stop point was found (decoding can end). */
  readonly done: boolean;
}

/** Applies the shape's stop rule to the text generated so far. */
export function cutCompletion(text: string, shape: CompletionShape): CutCompletion {
  if (shape.kind === 'line') {
    const end = text.indexOf('\n');
    return end < 0 ? { text, done: false } : { text: text.slice(0, end), done: true };
  }
  const lines = text.split('\n');
  let seenCode = false;
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const complete = i < lines.length - 1; // the last piece may still grow
    const blank = line.trim() === '';
    if (seenCode && blank && complete) return { text: trimEndNewline(text.slice(0, offset)), done: true };
    // The first line continues the cursor's line, which already has its indentation.
    if (i > 0 && !blank && indentWidth(line) < shape.indent) {
      return { text: trimEndNewline(text.slice(0, offset)), done: true };
    }
    if (!blank) seenCode = true;
    offset += line.length + 1;
  }
  return { text, done: false };
}

/**
 * A block completion that ran out of tokens keeps its whole lines: ghost text that ends in the middle
 * of a token ("if (value.l") is worse than one line less. Line completions and blocks without a
 * whole line of code keep what they have.
 */
export function trimUnfinished(text: string, shape: CompletionShape): string {
  if (shape.kind === 'line') return text;
  const end = text.lastIndexOf('\n');
  if (end < 0 || text.slice(0, end).trim() === '') return text;
  return trimEndNewline(text.slice(0, end));
}

function indentWidth(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += 4;
    else break;
  }
  return width;
}

function trimEndNewline(text: string): string {
  return text.replace(/\n+$/, '');
}
