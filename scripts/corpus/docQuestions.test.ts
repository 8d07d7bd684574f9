// Tests for the question/answer templates over markdown and JSDoc.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/model/seededRandom';
import { docCommentExamples, docComments, factExamples, firstSentence, markdownExamples, markdownSections } from './docQuestions';

const markdown = `# Widget

<!-- YAML
added: v1.0.0
-->

The widget renders a **small** box. See [the guide](http://example.com) for more.

\`\`\`js
const w = widget({ size: 3 });
w.render();
\`\`\`

## \`widget.render()\`

The \`widget.render()\` method draws the widget to the screen.

## Options

The \`size\` option defaults to \`3\`. Use \`widget.reset()\` to clear the screen.
`;

test('markdown sections keep prose apart from code and drop comments and links', () => {
  const sections = markdownSections(markdown);
  assert.deepEqual(sections.map((section) => section.heading), ['Widget', '`widget.render()`', 'Options']);
  assert.deepEqual(sections[0]!.paragraphs, ['The widget renders a small box. See the guide for more.']);
  assert.equal(sections[0]!.codeBlocks.length, 1);
});

test('firstSentence takes the first sentence and rejects fragments', () => {
  assert.equal(firstSentence('The widget renders a box. See the guide.'), 'The widget renders a box.');
  assert.equal(firstSentence('Short.'), undefined);
  assert.equal(firstSentence('npm install widget --save-dev please'), undefined);
});

test('markdown examples: heading questions, API questions, answers copied from notes', () => {
  const examples = markdownExamples('widgets', markdown, seededRandom(1));
  const byTemplate = (name: string) => examples.filter((example) => example.template === name);
  assert.equal(byTemplate('heading')[0]!.answer, 'The widget renders a small box.');
  assert.equal(byTemplate('api-heading')[0]!.answer, 'The `widget.render()` method draws the widget to the screen.');
  assert.ok(byTemplate('heading-code').length === 1);
  for (const example of examples.filter((example) => example.notes.length > 0)) {
    // Note-conditioned answers must be readable from the note itself.
    const noteText = example.notes.join(' ');
    assert.ok(noteText.includes(example.answer.replace(/^Use |\.$/g, '')), `${example.template}: "${example.answer}" not in note`);
  }
  assert.deepEqual(
    byTemplate('fact-default').map((example) => [example.question, example.answer]),
    [['What does `size` default to?', '3']],
  );
  assert.deepEqual(byTemplate('fact-use').map((example) => example.answer), ['Use `widget.reset()`.']);
});

test('JSDoc comments give descriptions, returns and defaults for declarations and members', () => {
  const code = `
/**
 * Adds two numbers together.
 * @param a first
 * @returns The sum of a and b.
 */
export function add(a: number, b: number): number { return a + b; }

interface Options {
  /**
   * How long to wait, in milliseconds.
   * @default 1000
   */
  readonly timeout?: number;
  /** @internal */
  secret: string;
}
`;
  const comments = docComments(code);
  assert.deepEqual(comments.map((comment) => comment.name), ['add', 'timeout']);
  assert.equal(comments[0]!.description, 'Adds two numbers together.');
  assert.equal(comments[0]!.returns, 'The sum of a and b.');
  assert.equal(comments[1]!.defaultValue, '1000');
  const examples = docCommentExamples('mathlib', code, seededRandom(2));
  assert.ok(examples.some((example) => example.template === 'jsdoc-returns' && example.answer === 'The sum of a and b.'));
  assert.ok(examples.some((example) => example.template === 'jsdoc-default-note' && example.answer === '1000'));
});

test('fact templates skip vague subjects and the same seed gives the same wording', () => {
  assert.deepEqual(factExamples('This is a very long sentence about nothing in particular.', seededRandom(3)), []);
  const paragraph = 'The `retry` helper calls the function again after a failure, up to three times.';
  assert.deepEqual(factExamples(paragraph, seededRandom(4)), factExamples(paragraph, seededRandom(4)));
});
