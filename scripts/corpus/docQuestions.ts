// Question/answer pairs made from documentation by templates, in the chat layout of
// src/model/chatFormat.ts. Three sources:
//   - markdown sections: the heading becomes a question, the section's first sentence the answer;
//   - JSDoc on declarations: "What does X do?", "What does X return?", "What is the default of X?";
//   - fact sentences (a `code` span, a default, an "X is Y"): the sentence is a note in the context
//     and the answer is copied from it, so the model learns to answer from the note it is given.
// Closed-book pairs (no note) teach the format; note-conditioned pairs teach reading the note.

import type { SeededRandom } from '../../src/model/seededRandom';

export interface QaExample {
  readonly notes: readonly string[];
  readonly question: string;
  readonly answer: string;
  /** Which template made it (for the manifest's counts). */
  readonly template: string;
}

export interface MarkdownSection {
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly codeBlocks: readonly string[];
}

export interface DocComment {
  readonly name: string;
  readonly declaration: string;
  readonly description: string;
  readonly returns?: string;
  readonly defaultValue?: string;
}

const MAX_ANSWER_CHARS = 400;
const MAX_NOTE_CHARS = 600;

/** Splits markdown into sections by heading; prose paragraphs and fenced code kept apart. */
export function markdownSections(markdown: string): MarkdownSection[] {
  const sections: { heading: string; paragraphs: string[]; codeBlocks: string[] }[] = [];
  let current = { heading: '', paragraphs: [] as string[], codeBlocks: [] as string[] };
  let paragraph: string[] = [];
  let code: string[] | undefined;
  const endParagraph = (): void => {
    const text = cleanMarkdownInline(paragraph.join(' '));
    if (text.length > 0) current.paragraphs.push(text);
    paragraph = [];
  };
  // HTML comments (Node's <!-- YAML --> history blocks) are metadata, not prose.
  for (const line of markdown.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/)) {
    if (code !== undefined) {
      if (/^\s*(```|~~~)/.test(line)) {
        current.codeBlocks.push(code.join('\n'));
        code = undefined;
      } else {
        code.push(line);
      }
      continue;
    }
    if (/^\s*(```|~~~)/.test(line)) {
      endParagraph();
      code = [];
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      endParagraph();
      sections.push(current);
      current = { heading: cleanMarkdownInline(heading[1]!), paragraphs: [], codeBlocks: [] };
      continue;
    }
    // Lists, tables, quotes and HTML blocks end a paragraph and are not prose.
    if (line.trim() === '' || /^\s*([-*+|>]|\d+\.|<)/.test(line)) {
      endParagraph();
      continue;
    }
    paragraph.push(line.trim());
  }
  endParagraph();
  sections.push(current);
  return sections.filter((section) => section.heading.length > 0 || section.paragraphs.length > 0);
}

/** Markdown inline syntax to plain text: links keep their text, images and HTML go, code spans keep backticks. */
export function cleanMarkdownInline(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentence of a paragraph, or undefined if it is not a usable sentence. */
export function firstSentence(paragraph: string): string | undefined {
  const match = /^(.+?[.!?])(\s+(?=[A-Z`"'(])|$)/.exec(paragraph);
  const sentence = (match ? match[1]! : paragraph).trim();
  if (sentence.length < 20 || sentence.length > MAX_ANSWER_CHARS) return undefined;
  if (!/[a-z]{3,}/.test(sentence) || /^(https?:|npm |yarn |\$ )/.test(sentence)) return undefined;
  return sentence;
}

/** Sentences of a paragraph (a simple split on ., !, ? followed by space and a capital or backtick). */
export function sentences(paragraph: string): string[] {
  return paragraph
    .split(/(?<=[.!?])\s+(?=[A-Z`"'(])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

// A doc comment, then either a declaration ("export function x", "class X", "const x") or a
// class/interface member ("readonly x?:", "static async x(", "x<T>(").
const DOC_COMMENT = new RegExp(
  String.raw`\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*(` +
    String.raw`(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|const|let|var|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)` +
    String.raw`|(?:(?:public|protected|static|readonly|abstract|override|async|get|set|declare)\s+)*([A-Za-z_$][\w$]*)\??\s*(?=[:(<]))`,
  'g',
);

/** JSDoc comments directly above named declarations. */
export function docComments(code: string): DocComment[] {
  const out: DocComment[] = [];
  for (const match of code.matchAll(DOC_COMMENT)) {
    const lines = match[1]!.split('\n').map((line) => line.replace(/^\s*\*?\s?/, ''));
    const body = lines.join('\n');
    if (/@(private|internal|hidden|ignore)\b/.test(body)) continue;
    const tagStart = body.search(/^@/m);
    const description: string = cleanMarkdownInline((tagStart >= 0 ? body.slice(0, tagStart) : body).replace(/\{@link\s+([^}|\s]+)[^}]*\}/g, '`$1`'));
    const tag = (name: string): string | undefined => {
      const tagMatch = new RegExp(`^@${name}\\b\\s*(?:\\{[^}]*\\}\\s*)?([\\s\\S]*?)(?=^@|$(?![\\s\\S]))`, 'm').exec(body);
      const text = tagMatch ? cleanMarkdownInline(tagMatch[1]!) : '';
      return text.length > 0 ? text : undefined;
    };
    const name = match[3] ?? match[4]!;
    if (match[4] !== undefined && /^(if|for|while|switch|return|function|constructor|catch|new|typeof)$/.test(name)) continue;
    const defaultInText = /\bdefaults? (?:to|is) (`[^`]+`|[\w.$'"-]+)/i.exec(description)?.[1];
    out.push({
      name,
      declaration: match[2]!.replace(/\s+/g, ' ').trim(),
      description,
      returns: tag('returns?'),
      defaultValue: tag('default(?:Value)?') ?? defaultInText?.replace(/\.+$/, '').replace(/^["']|["']$/g, ''),
    });
  }
  return out;
}

/** Picks one element with the seeded generator. */
function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const lastStop = cut.lastIndexOf('. ');
  return lastStop > limit / 2 ? cut.slice(0, lastStop + 1) : cut;
}

/** Questions from a markdown file's sections. */
export function markdownExamples(packageName: string, markdown: string, random: SeededRandom): QaExample[] {
  const out: QaExample[] = [];
  for (const section of markdownSections(markdown)) {
    const heading = section.heading.replace(/[:.]$/, '');
    if (heading.length < 3 || heading.length > 80) continue;
    const lead = section.paragraphs.map(firstSentence).find((sentence) => sentence !== undefined);
    const api = /^`([^`]+)`$/.exec(heading)?.[1]?.replace(/\(.*\)$/, '()');
    if (lead !== undefined && api !== undefined) {
      const question = pick(random, [`What does \`${api}\` do?`, `In ${packageName}, what is ${api} for?`, `Explain ${api} (${packageName}).`]);
      out.push({ notes: [], question, answer: lead, template: 'api-heading' });
      const note = clip(section.paragraphs.join(' '), MAX_NOTE_CHARS);
      out.push({ notes: [note], question: `According to the note, what does ${api} do?`, answer: lead, template: 'api-heading-note' });
    } else if (lead !== undefined) {
      const question = pick(random, [
        `What does the ${packageName} documentation say about "${heading}"?`,
        `In ${packageName}, what is "${heading}" about?`,
        `Can you explain "${heading}" in ${packageName}?`,
        `${heading}: what should I know about it in ${packageName}?`,
      ]);
      out.push({ notes: [], question, answer: lead, template: 'heading' });
      const note = clip(section.paragraphs.join(' '), MAX_NOTE_CHARS);
      const noteQuestion = pick(random, [
        `What does the note say about ${heading}?`,
        `Summarise the note on "${heading}" in one sentence.`,
        `According to the notes, what is ${heading}?`,
      ]);
      out.push({ notes: [note], question: noteQuestion, answer: lead, template: 'heading-note' });
    }
    const example = section.codeBlocks.find((block) => block.length >= 20 && block.length <= MAX_ANSWER_CHARS);
    if (example !== undefined && /^[A-Za-z]/.test(heading)) {
      const question = pick(random, [
        `Show an example of ${heading} with ${packageName}.`,
        `How do I use ${heading} in ${packageName}? Show code.`,
      ]);
      out.push({ notes: [], question, answer: example, template: 'heading-code' });
    }
    for (const paragraph of section.paragraphs) out.push(...factExamples(paragraph, random));
  }
  return out;
}

/** Questions from JSDoc comments in code. */
export function docCommentExamples(packageName: string, code: string, random: SeededRandom): QaExample[] {
  const out: QaExample[] = [];
  for (const comment of docComments(code)) {
    const what = firstSentence(comment.description);
    if (what !== undefined) {
      const question = pick(random, [
        `What does ${comment.name} do in ${packageName}?`,
        `What is \`${comment.name}\` for?`,
        `In ${packageName}, what is ${comment.name}?`,
        `Explain ${comment.name} from ${packageName}.`,
      ]);
      out.push({ notes: [], question, answer: what, template: 'jsdoc' });
      const note = `${packageName}: \`${comment.declaration}\`: ${clip(comment.description, MAX_NOTE_CHARS)}`;
      out.push({ notes: [note], question: `According to the note, what does ${comment.name} do?`, answer: what, template: 'jsdoc-note' });
    }
    if (comment.returns !== undefined && comment.returns.length <= 200) {
      out.push({ notes: [], question: `What does ${comment.name} return in ${packageName}?`, answer: comment.returns, template: 'jsdoc-returns' });
    }
    if (comment.defaultValue !== undefined && comment.defaultValue.length <= 60) {
      const note = `In ${packageName}, ${comment.name} defaults to ${comment.defaultValue}.${what ? ` ${what}` : ''}`;
      out.push({
        notes: [note],
        question: pick(random, [`What is the default value of ${comment.name}?`, `What does ${comment.name} default to?`]),
        answer: comment.defaultValue,
        template: 'jsdoc-default-note',
      });
    }
    for (const sentence of sentences(comment.description)) out.push(...factExamples(sentence, random));
  }
  return out;
}

/** Subjects that do not name anything on their own ("This is ...", "Both are ..."). */
const VAGUE_SUBJECT = /^(it|this|that|there|these|those|he|she|we|you|they|both|all|some|each|any|none|one|other|others|such|here|what|which|why|how|when|where|default|details|note|example|type)\b/i;

/**
 * Note-conditioned questions whose answer is copied from the note: a `code` span blanked out, a
 * default value, an "X is Y" definition, a "use X to Y" instruction.
 */
export function factExamples(paragraph: string, random: SeededRandom): QaExample[] {
  const out: QaExample[] = [];
  for (const sentence of sentences(paragraph)) {
    if (sentence.length < 30 || sentence.length > 300) continue;
    const spans = [...sentence.matchAll(/`([^`]{2,40})`/g)].map((match) => match[1]!);
    if (spans.length > 0) {
      const span = pick(random, spans);
      const blanked = sentence.replace(`\`${span}\``, '___');
      const question = pick(random, [
        `Fill in the blank from the note: ${blanked}`,
        `Which name goes in the blank? "${blanked}"`,
        `The note says: "${blanked}" What is the missing code?`,
      ]);
      out.push({ notes: [sentence], question, answer: span, template: 'fact-blank' });
    }
    const defaultMatch = /^(?:The\s+)?(`[^`]{1,40}`|[\w.$-]+(?: [\w.$-]+){0,3}?)\s+(?:option\s+|value\s+)?defaults?\s+to\s+(`[^`]{1,40}`|[\w.$'"-]+)/i.exec(sentence);
    if (defaultMatch && !VAGUE_SUBJECT.test(defaultMatch[1]!)) {
      out.push({
        notes: [sentence],
        question: `What does ${defaultMatch[1]} default to?`,
        answer: defaultMatch[2]!.replace(/\.+$/, '').replace(/^`|`$/g, ''),
        template: 'fact-default',
      });
    }
    const useMatch = /^(?:You can )?[Uu]se\s+(`[^`]+`|[\w.$]+(?:\(\))?)\s+to\s+([^.]{5,120})\.?$/.exec(sentence);
    if (useMatch) {
      out.push({ notes: [sentence], question: `How do I ${useMatch[2]}?`, answer: `Use ${useMatch[1]}.`, template: 'fact-use' });
    }
    const isMatch = /^(`[^`]+`|[A-Z][\w.$-]*(?: [\w.$-]+){0,3}) (?:is|are) (an? |the )?(.{10,160}?)\.?$/.exec(sentence);
    if (isMatch && !VAGUE_SUBJECT.test(isMatch[1]!)) {
      out.push({
        notes: [sentence],
        question: `According to the note, what is ${isMatch[1]}?`,
        answer: `${isMatch[2] ?? ''}${isMatch[3]}`.trim(),
        template: 'fact-definition',
      });
    }
  }
  return out;
}
