// The sidebar chat's front end: a transcript (questions, streamed answers with the notes they drew
// on), a composer (Enter asks, Shift+Enter is a new line, Escape stops), "Remember" on any message,
// and per citation "open in inspector" and "forget". Typed by the shared protocol; the transcript
// survives the view being hidden (setState).
import {
  MAX_QUESTION_CHARS,
  type ChatFromWebview,
  type ChatToWebview,
  type CitationView,
  type NoteKindName,
  type RelatedView,
} from '../src/vscode/webview-protocol';
import { connect, el } from './vscode-api';

interface Entry {
  role: 'user' | 'assistant' | 'error' | 'info';
  text: string;
  answerId?: number;
  citations?: CitationView[];
  /** No remembered note covers the question: these nearby notes are shown apart, not as sources. */
  related?: RelatedView[];
  abstained?: boolean;
  done?: boolean;
}
/** `shown`: "answerId:noteId" of citations whose note text is expanded under the answer. */
interface State {
  entries: Entry[];
  gone: string[];
  shown?: string[];
}

const bridge = connect<ChatFromWebview, ChatToWebview, State>();
const state: State = bridge.getState() ?? { entries: [], gone: [] };
let canWrite = true;
let statusText = '';
let busy = false;

const app = document.getElementById('app')!;
const banner = el('div', { class: 'banner', role: 'status', hidden: '' });
const transcript = el('div', { class: 'transcript', role: 'log', 'aria-label': 'mnemo chat transcript', tabindex: '0' });
const composer = el('div', { class: 'composer', role: 'group', 'aria-label': 'Ask mnemo' });
const input = el('textarea', {
  id: 'question',
  rows: '2',
  maxlength: String(MAX_QUESTION_CHARS),
  placeholder: 'Ask about this project…',
  'aria-label': 'Question for mnemo',
});
const row = el('div', { class: 'row' });
const hint = el(
  'span',
  { class: 'hint muted', title: 'Enter asks, Shift+Enter starts a new line, Escape stops an answer' },
  'Enter: ask · Shift+Enter: new line',
);
const stop = el('button', { type: 'button', class: 'secondary', hidden: '' }, 'Stop');
const send = el('button', { type: 'button', id: 'ask' }, 'Ask');
row.append(hint, stop, send);
composer.append(input, row);
app.append(banner, transcript, composer);

// No <form>: the webview runs without forms (enableForms: false), so the button asks itself.
send.addEventListener('click', () => ask());
input.addEventListener('keydown', event => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    ask();
  } else if (event.key === 'Escape' && busy) {
    bridge.post({ type: 'cancel' });
  }
});
stop.addEventListener('click', () => bridge.post({ type: 'cancel' }));

function ask(): void {
  const question = input.value.trim();
  if (!question || busy) return;
  input.value = '';
  bridge.post({ type: 'ask', question });
}

bridge.onMessage(message => {
  switch (message.type) {
    case 'status':
      canWrite = message.canWrite;
      statusText = message.text;
      break;
    case 'answer-start':
      state.entries.push({ role: 'user', text: message.question }, { role: 'assistant', text: '', answerId: message.id });
      busy = true;
      break;
    case 'answer-chunk': {
      const entry = answer(message.id);
      if (entry) entry.text += message.text;
      break;
    }
    case 'answer-done': {
      const entry = answer(message.id);
      if (entry) {
        entry.text = message.answer;
        entry.citations = [...message.citations];
        if (message.abstained) {
          entry.abstained = true;
          entry.related = [...message.abstained.related];
        }
        entry.done = true;
      }
      busy = false;
      break;
    }
    case 'answer-error': {
      const entry = answer(message.id);
      if (entry) {
        entry.role = 'error';
        entry.text = entry.text ? `${entry.text}\n${message.message}` : message.message;
        entry.done = true;
      }
      busy = false;
      break;
    }
    case 'notes-gone':
      state.gone.push(...message.noteIds);
      break;
    case 'info':
      state.entries.push({ role: 'info', text: message.message });
      break;
  }
  bridge.setState(state);
  render();
});

function answer(id: number): Entry | undefined {
  return state.entries.find(entry => entry.answerId === id);
}

function render(): void {
  banner.hidden = statusText === '';
  banner.textContent = statusText;
  send.disabled = busy;
  stop.hidden = !busy;
  transcript.replaceChildren(...(state.entries.length === 0 ? [emptyState()] : state.entries.map(renderEntry)));
  scrollToLatest();
}

/** Shows the latest question with its answer when both fit; otherwise the end of the answer. */
function scrollToLatest(): void {
  const questions = transcript.querySelectorAll<HTMLElement>('.message.user');
  const latest = questions[questions.length - 1];
  const fits = latest !== undefined && transcript.scrollHeight - latest.offsetTop <= transcript.clientHeight;
  transcript.scrollTop = fits ? latest.offsetTop : transcript.scrollHeight;
}

function emptyState(): HTMLElement {
  const box = el('div', { class: 'empty' });
  const teach = el('p', { class: 'muted' }, 'Teach it with ');
  teach.append(
    el('span', { class: 'command' }, 'mnemo: Remember Selection'),
    document.createTextNode(" in the editor's context menu, or "),
    el('span', { class: 'command' }, 'mnemo: Remember Note'),
    document.createTextNode('.'),
  );
  box.append(
    el('h2', {}, 'Ask mnemo about this project'),
    el(
      'p',
      { class: 'muted' },
      'It answers from the notes you taught it — written into its memory, not pasted into a prompt — and shows which notes it read.',
    ),
    teach,
  );
  return box;
}

function renderEntry(entry: Entry): HTMLElement {
  const box = el('div', { class: `message ${entry.role}` });
  const who = { user: 'You', assistant: 'mnemo', error: 'mnemo', info: 'mnemo' }[entry.role];
  box.append(el('div', { class: 'who' }, who));
  const body = el('div', { class: `body${entry.abstained ? ' abstained' : ''}` }, entry.text || (entry.done ? '(no answer)' : '…'));
  if (entry.role === 'assistant' && !entry.done) body.setAttribute('aria-busy', 'true');
  box.append(body);
  if (entry.citations && entry.citations.length > 0) box.append(renderCitations(entry.citations, entry.answerId ?? 0));
  if (entry.related && entry.related.length > 0) box.append(renderRelated(entry.related));
  // An abstention is not worth remembering as a note.
  if ((entry.role === 'user' || (entry.role === 'assistant' && entry.done && !entry.abstained)) && entry.text) {
    const actions = el('div', { class: 'actions' });
    const remember = el(
      'button',
      { type: 'button', class: 'link', title: "Write this message into mnemo's memory as a note" },
      'Remember this',
    );
    remember.disabled = !canWrite;
    remember.addEventListener('click', () => pickKind(actions, entry.text));
    actions.append(remember);
    box.append(actions);
  }
  return box;
}

function renderCitations(citations: readonly CitationView[], answerId: number): HTMLElement {
  const list = el('ul', { class: 'citations', 'aria-label': 'Notes this answer drew on' });
  for (const citation of citations) {
    const gone = citation.text === undefined || state.gone.includes(citation.noteId);
    const item = el('li', { class: `citation${gone ? ' gone' : ''}` });
    const open = el(
      'button',
      { type: 'button', class: 'link note-text', title: gone ? 'This note was forgotten' : 'Open this note in the memory inspector' },
      citation.text ?? citation.noteId,
    );
    open.disabled = gone;
    open.addEventListener('click', () => bridge.post({ type: 'open-note', noteId: citation.noteId }));
    const weight = el(
      'span',
      { class: 'badge', title: 'Share of the memory reads behind this answer' },
      `${Math.round(citation.weight * 100)}%`,
    );
    item.append(open, weight);
    const key = `${answerId}:${citation.noteId}`;
    const shown = !gone && (state.shown ?? []).includes(key);
    if (!gone) {
      // The note's exact text, one click away: an answer's recital may drop or change a word.
      const source = el(
        'button',
        { type: 'button', class: 'link', 'aria-expanded': String(shown), title: 'Show the note exactly as it was remembered' },
        shown ? 'Hide source' : 'Source',
      );
      source.addEventListener('click', () => {
        state.shown = shown ? (state.shown ?? []).filter(k => k !== key) : [...(state.shown ?? []), key];
        bridge.setState(state);
        render();
      });
      const forget = el(
        'button',
        { type: 'button', class: 'link', title: 'Forget this note', 'aria-label': `Forget note ${citation.noteId}` },
        'Forget',
      );
      forget.disabled = !canWrite;
      forget.addEventListener('click', () => bridge.post({ type: 'forget', noteId: citation.noteId }));
      item.append(source, forget);
    }
    list.append(item);
    if (shown) {
      const source = el('li', { class: 'note-source' });
      source.append(el('blockquote', { 'aria-label': `Note ${citation.noteId} as remembered` }, citation.text!));
      list.append(source);
    }
  }
  return list;
}

/** Notes near an unanswered question, under their own heading and without weights: not sources. */
function renderRelated(related: readonly RelatedView[]): HTMLElement {
  const box = el('div', { class: 'related' });
  box.append(el('div', { class: 'related-heading muted' }, 'Maybe related (not sources of an answer):'));
  const list = el('ul', { class: 'related-notes', 'aria-label': 'Notes that may be related' });
  for (const note of related) {
    const gone = state.gone.includes(note.noteId);
    const item = el('li', {});
    const open = el(
      'button',
      { type: 'button', class: 'link note-text', title: gone ? 'This note was forgotten' : 'Open this note in the memory inspector' },
      note.text,
    );
    open.disabled = gone;
    open.addEventListener('click', () => bridge.post({ type: 'open-note', noteId: note.noteId }));
    item.append(open);
    list.append(item);
  }
  box.append(list);
  return box;
}

function pickKind(container: HTMLElement, text: string): void {
  const kinds: NoteKindName[] = ['decision', 'convention', 'bug', 'note'];
  container.replaceChildren(el('span', { class: 'muted' }, 'Remember as:'));
  for (const kind of kinds) {
    const button = el('button', { type: 'button', class: 'secondary' }, kind);
    button.addEventListener('click', () => {
      bridge.post({ type: 'remember', text, kind });
      container.replaceChildren(el('span', { class: 'muted' }, 'Writing…'));
    });
    container.append(button);
  }
  (container.querySelector('button') as HTMLButtonElement | null)?.focus();
}

render();
bridge.post({ type: 'ready' });
