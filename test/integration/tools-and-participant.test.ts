// Integration: mnemo's memory as other assistants in VS Code reach it. The language model tools go
// through VS Code's own vscode.lm.invokeTool. The writes ask for confirmation (checked on what
// prepareInvocation returns): VS Code shows that as a modal dialog, except while extension tests
// run, when its dialog service answers "yes" itself, so the decline path cannot be clicked here.
// @mnemo: code-server has
// vscode.chat.createChatParticipant, but its chat view needs a signed-in model provider to send a
// request, so the registration is checked through the API and the participant's handler is called
// directly with a recording response stream. Runs after the story, on its tiny model fixture.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { createTinyModelDir } from '../../src/service/tinyModelFixture';
import type { MnemoApi } from '../../src/vscode/extension';
import { mnemoTools, TOOL_NAMES } from '../../src/vscode/language-model-tools';
import { mnemoExtension, waitForActivation } from './extension-host';
import { askParticipant } from './participant-call';
import { eventually } from './webview-ui';

const NOTE = 'Dates cross the API as ISO 8601 strings in UTC, never as epoch numbers.';

function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content
    .map(part => (part instanceof vscode.LanguageModelTextPart ? part.value : ((part as { value?: string }).value ?? '')))
    .join('');
}

async function liveNoteIds(api: MnemoApi): Promise<string[]> {
  const ready = await api.ctx.ready();
  const listed = await ready.client.request('memory/list', {});
  return listed.notes.filter(note => note.state === 'live').map(note => note.id);
}

describe('language model tools and @mnemo', function () {
  this.timeout(120_000);
  let api: MnemoApi;
  let noteId = '';
  const lm = (vscode as { lm?: typeof vscode.lm }).lm;

  before(async () => {
    await waitForActivation(30_000);
    api = mnemoExtension().exports as MnemoApi;
    await vscode.workspace.getConfiguration('mnemo').update('modelPath', createTinyModelDir(), vscode.ConfigurationTarget.Global);
    await api.ctx.ready();
    await vscode.commands.executeCommand('mnemo.chat.focus');
    // No harness answers the forget confirmation in this suite.
    await vscode.workspace.getConfiguration('mnemo').update('notes.confirmForget', false, vscode.ConfigurationTarget.Global);
  });

  it('registers remember, recall and forget with VS Code, with their input schemas', function () {
    if (typeof lm?.registerTool !== 'function') this.skip();
    const ours = lm!.tools.filter(tool => tool.name.startsWith('mnemo_'));
    assert.deepEqual(ours.map(tool => tool.name).sort(), [...TOOL_NAMES].sort());
    const remember = ours.find(tool => tool.name === 'mnemo_remember')!;
    assert.deepEqual((remember.inputSchema as { required?: string[] }).required, ['text']);
  });

  it('remember and forget ask the user to confirm, showing the note', async () => {
    const tools = mnemoTools(api.ctx, api.surfaces.chat);
    const token = new vscode.CancellationTokenSource().token;
    const remember = await tools.mnemo_remember.prepareInvocation!(
      { input: { text: NOTE, kind: 'convention' } } as vscode.LanguageModelToolInvocationPrepareOptions<unknown>,
      token,
    );
    assert.equal(remember?.confirmationMessages?.title, 'Remember this convention in mnemo?');
    // appendText escapes the note for markdown (spaces become &nbsp;): the note shows as typed, not as markup.
    assert.match((remember?.confirmationMessages?.message as vscode.MarkdownString).value, /^Dates(&nbsp;| )cross.*8601/);
    const forget = await tools.mnemo_forget.prepareInvocation!(
      { input: { noteId: 'n-0000abcd' } } as vscode.LanguageModelToolInvocationPrepareOptions<unknown>,
      token,
    );
    assert.equal(forget?.confirmationMessages?.title, 'Forget this mnemo note?');
    assert.match(String(forget?.confirmationMessages?.message), /n-0000abcd/);
    const recall = await tools.mnemo_recall.prepareInvocation!(
      { input: { question: 'Why?' } } as vscode.LanguageModelToolInvocationPrepareOptions<unknown>,
      token,
    );
    assert.equal(recall?.confirmationMessages, undefined, 'reading asks nothing');
  });

  it('mnemo_remember through vscode.lm.invokeTool writes the note', async function () {
    if (typeof lm?.invokeTool !== 'function') this.skip();
    const before = await liveNoteIds(api);
    const text = resultText(
      await lm!.invokeTool('mnemo_remember', { input: { text: NOTE, kind: 'convention' }, toolInvocationToken: undefined }),
    );
    const written = /Remembered as ([\w.-]+?)\.$/.exec(text);
    assert.ok(written, text);
    noteId = written[1]!;
    assert.deepEqual((await liveNoteIds(api)).sort(), [...before, noteId].sort());
  });

  it('mnemo_recall answers from memory and lists the notes it read', async function () {
    if (typeof lm?.invokeTool !== 'function' || !noteId) this.skip();
    const result = await lm!.invokeTool('mnemo_recall', {
      input: { question: 'How do dates cross the API?' },
      toolInvocationToken: undefined,
    });
    const text = resultText(result);
    assert.match(text, /Notes read:/);
    assert.ok(text.includes(`${noteId} (`), text);
  });

  it('mnemo_forget through vscode.lm.invokeTool forgets it', async function () {
    if (typeof lm?.invokeTool !== 'function' || !noteId) this.skip();
    const result = await lm!.invokeTool('mnemo_forget', { input: { noteId }, toolInvocationToken: undefined });
    assert.equal(resultText(result), `Forgot ${noteId}.`);
    assert.ok(!(await liveNoteIds(api)).includes(noteId));
  });

  it('the tool handlers refuse malformed model input without writing or asking', async () => {
    const tools = mnemoTools(api.ctx, api.surfaces.chat);
    const token = new vscode.CancellationTokenSource().token;
    const before = await liveNoteIds(api);
    const call = <T>(input: T) => ({ input, toolInvocationToken: undefined }) as vscode.LanguageModelToolInvocationOptions<unknown>;
    for (const [tool, input] of [
      ['mnemo_remember', { text: 42 }],
      ['mnemo_remember', { text: 'x', kind: 'password' }],
      ['mnemo_remember', { text: 'x'.repeat(1 << 20) }],
      ['mnemo_recall', { question: '' }],
      ['mnemo_forget', { noteId: '../../store' }],
    ] as const) {
      const prepared = await tools[tool].prepareInvocation!({ input } as vscode.LanguageModelToolInvocationPrepareOptions<unknown>, token);
      assert.equal(prepared?.confirmationMessages, undefined, `${tool} asks nothing for ${JSON.stringify(input).slice(0, 60)}`);
      const result = await tools[tool].invoke(call(input), token);
      assert.match(resultText(result!), /^Invalid input: /, tool);
    }
    assert.deepEqual(await liveNoteIds(api), before);
  });

  it('@mnemo is registered; its handler streams the answer and a button per note it read', async function () {
    const chatApi = (vscode as { chat?: typeof vscode.chat }).chat;
    if (typeof chatApi?.createChatParticipant !== 'function') this.skip();
    assert.equal(api.participant?.id, 'mnemo.mnemo');
    const remembered = await vscode.commands.executeCommand<{ ok: boolean; notes?: { id: string }[] }>(
      'mnemo.rememberNote',
      NOTE,
      'convention',
    );
    assert.ok(remembered.ok && remembered.notes, JSON.stringify(remembered));
    const id = remembered.notes[0]!.id;

    const { markdown, buttons } = await askParticipant(api.surfaces.chat, 'How do dates cross the API?');
    assert.equal(markdown.length, 1);
    assert.ok(markdown[0]!.length > 0, 'an answer was streamed');
    const button = buttons.find(b => (b.arguments as string[] | undefined)?.[0] === id);
    assert.ok(button, `a button for ${id} among ${JSON.stringify(buttons)}`);
    assert.equal(button.command, 'mnemo.openInspector');
    // The button's command opens the note in the inspector.
    await vscode.commands.executeCommand(button.command, ...(button.arguments ?? []));
    await eventually('the inspector to show the note', () =>
      api.surfaces.inspector.lastData?.notes.some(n => n.id === id) ? true : undefined,
    );
    assert.ok((await vscode.commands.executeCommand<{ ok: boolean }>('mnemo.forgetNote', id)).ok);
  });
});
