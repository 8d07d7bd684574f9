// Integration: the chat is honest in a real VS Code. With a model that has the keyed note memory (the
// service's tiny fixture with note slots: it checks the wiring, not answer quality), a question no
// remembered note covers shows the abstention sentence and no citation, in the chat view, through
// mnemo_recall and @mnemo; a question about a note is answered citing it, and the note's exact text
// expands in place under the answer. Runs last (file order) and puts the model setting back.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { createTinyModelDir } from '../../src/service/tinyModelFixture';
import type { ChatAnswer } from '../../src/vscode/chat-view';
import { mnemoTools } from '../../src/vscode/language-model-tools';
import type { InspectorData } from '../../src/vscode/webview-protocol';
import { suiteOnModel } from './model-switch';
import { askParticipant } from './participant-call';
import { inWebview, uiDriverAvailable } from './webview-ui';

const NOTE = 'The Adyen integration builds the Idempotency-Key from the commercetools transaction.id.';
const ABOUT = 'What builds the Adyen Idempotency-Key?';
const UNRELATED = 'How do I center a div with CSS?';
const ABSTENTION = 'No remembered note covers this question.';
const LATEST_ANSWER = '.message.assistant >> nth=-1';

describe('honest chat: abstain when no note covers a question, show the source when one does', function () {
  this.timeout(180_000);
  let ui = false;
  // Same seed as the story's model: same weights, so the workspace's store opens with it.
  const suite = suiteOnModel({
    modelDir: () => createTinyModelDir(7, undefined, { noteSlots: true }),
    what: 'the worker on the new model',
    timeoutMs: 60_000,
    note: NOTE,
    kind: 'decision',
  });

  before(async () => {
    await vscode.commands.executeCommand('mnemo.chat.focus');
    ui = await uiDriverAvailable();
  });

  it('an unrelated question shows the abstention and no citation', async () => {
    const answer = await vscode.commands.executeCommand<ChatAnswer>('mnemo.ask', UNRELATED);
    assert.ok(answer.ok && answer.kind === 'abstained', JSON.stringify(answer));
    assert.equal(answer.answer, ABSTENTION);
    assert.deepEqual(answer.citations, []);
    assert.deepEqual(suite.api.ctx.lastReads?.citations, []);
    // The inspector's "Why did it say that" says it did not answer, rather than "the base model".
    const data = await vscode.commands.executeCommand<InspectorData>('mnemo.openInspector');
    assert.equal(data.reads?.abstained, true);
    assert.deepEqual(data.reads?.citations, []);
    if (ui) {
      assert.equal(await inWebview('chat', { action: 'text', selector: `${LATEST_ANSWER} >> .body.abstained` }), ABSTENTION);
      const whole = await inWebview('chat', { action: 'text', selector: LATEST_ANSWER });
      assert.doesNotMatch(whole ?? '', /\d+%|Forget|Source/, 'no citation row under an abstention');
    }
  });

  it('a question about the note is answered citing it; its exact text expands in place', async () => {
    const answer = await vscode.commands.executeCommand<ChatAnswer>('mnemo.ask', ABOUT);
    assert.ok(answer.ok && answer.kind === 'answered', JSON.stringify(answer));
    assert.equal(answer.citations[0]?.noteId, suite.noteId);
    assert.ok(Math.abs(answer.citations.reduce((sum, c) => sum + c.weight, 0) - 1) < 1e-9);
    if (ui) {
      await inWebview('chat', { action: 'click', selector: `${LATEST_ANSWER} >> .citation button[aria-expanded="false"]` });
      assert.equal(await inWebview('chat', { action: 'text', selector: `${LATEST_ANSWER} >> .note-source blockquote` }), NOTE);
    }
  });

  it('mnemo_recall and @mnemo say no note covers an unrelated question, with no note as a source', async () => {
    const token = new vscode.CancellationTokenSource().token;
    const result = await mnemoTools(suite.api.ctx, suite.api.surfaces.chat).mnemo_recall.invoke(
      { input: { question: UNRELATED }, toolInvocationToken: undefined } as vscode.LanguageModelToolInvocationOptions<unknown>,
      token,
    );
    const text = (result!.content as vscode.LanguageModelTextPart[]).map(p => p.value).join('');
    assert.ok(text.startsWith(ABSTENTION), text);
    assert.doesNotMatch(text, /Notes read/);
    const { markdown, buttons } = await askParticipant(suite.api.surfaces.chat, UNRELATED);
    assert.equal(markdown[0], ABSTENTION);
    assert.deepEqual(buttons, [], 'no note offered for an unrelated question');
  });
});
