// The file the completion benchmark types into, and what the provider sends for each keystroke.
// A seeded 2,000-line TypeScript module (invoices, money in cents, tax in basis points: the sample
// workspace's domain) and a list of keystrokes: at each of a few sites the user retypes an existing
// line one character at a time, starting on the empty, indented line (a block completion) and then
// after each typed character (a line completion). The request for a keystroke is what the editor's
// provider sends: the document's last PREFIX_CHARS characters before the cursor.

import { mulberry32 } from '../../src/engine/random';

/** The provider's window (src/vscode/completion-provider.ts): characters before the cursor sent along. */
export const PREFIX_CHARS = 4000;

export interface Keystroke {
  /** 0-based line the cursor is on. */
  readonly line: number;
  /** Characters of that line typed so far (its indentation included). */
  readonly column: number;
  /** What the provider sends: up to PREFIX_CHARS characters before the cursor. */
  readonly prefix: string;
}

const ENTITIES = ['invoice', 'line', 'customer', 'payment', 'refund', 'discount', 'ledger', 'account', 'order', 'credit'];
const VERBS = ['compute', 'apply', 'validate', 'format', 'sum', 'round', 'split', 'merge', 'total', 'check'];
const FIELDS = ['amount', 'taxRate', 'quantity', 'unitPrice', 'dueDate', 'currency', 'status', 'reference'];

/** A TypeScript module of exactly `lines` lines, the same for the same seed. */
export function generateCodeFile(lines = 2000, seed = 7): string {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: string[] = [
    '// Billing: invoices, payments and refunds. Money is integer cents; tax rates are basis points.',
    "import { applyTax, cents, type Bps, type Cents } from './money';",
    '',
  ];
  let n = 0;
  while (out.length < lines) {
    n++;
    const entity = pick(ENTITIES);
    const type = entity[0]!.toUpperCase() + entity.slice(1);
    const verb = pick(VERBS);
    const field = pick(FIELDS);
    const other = pick(FIELDS.filter(f => f !== field));
    out.push(
      `/** ${verb[0]!.toUpperCase() + verb.slice(1)}s the ${field} of a ${entity} (${n}). */`,
      `export function ${verb}${type}${field[0]!.toUpperCase() + field.slice(1)}${n}(${entity}: ${type}, rate: Bps): Cents {`,
      `  const ${field} = ${entity}.${field} ?? 0;`,
      `  if (${field} < 0) throw new Error('${entity} ${field} must not be negative');`,
      `  const ${other} = applyTax(cents(${field}), rate);`,
      `  return cents(${field} + ${other});`,
      '}',
      '',
    );
  }
  return out.slice(0, lines).join('\n');
}

/**
 * Keystrokes at `sites` lines spread over the file's second half (the cursor deep in a long file),
 * `typed` characters at each after the empty indented line.
 */
export function keystrokes(file: string, sites = 6, typed = 6, seed = 11): Keystroke[] {
  const random = mulberry32(seed);
  const lines = file.split('\n');
  const candidates = lines
    .map((text, i) => ({ text, i }))
    .filter(({ text, i }) => i >= lines.length / 2 && /^ {2}\S/.test(text) && text.trim().length > typed);
  const chosen: number[] = [];
  while (chosen.length < Math.min(sites, candidates.length)) {
    const line = candidates[Math.floor(random() * candidates.length)]!.i;
    if (!chosen.includes(line)) chosen.push(line);
  }
  const out: Keystroke[] = [];
  for (const line of chosen.sort((a, b) => a - b)) {
    const before = lines.slice(0, line).join('\n') + '\n';
    const text = lines[line]!;
    const indent = text.length - text.trimStart().length;
    for (let column = indent; column <= indent + typed; column++) {
      out.push({ line, column, prefix: (before + text.slice(0, column)).slice(-PREFIX_CHARS) });
    }
  }
  return out;
}
