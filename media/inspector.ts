// The memory inspector's front end: "why did it say that" (the notes and slots behind the last
// answer or completion), the notes table (search, kind filter, forgotten/superseded on request;
// a row selects its note and lights its slots on the map), the memory map (every slot of the
// memory layer, coloured by how many notes own it), export and import. Typed by the shared protocol.
import type { InspectorData, InspectorFromWebview, InspectorToWebview, NoteView } from '../src/vscode/webview-protocol';
import { connect, el } from './vscode-api';

interface State {
  query: string;
  kind: string;
  showAll: boolean;
  selected?: string;
}

const bridge = connect<InspectorFromWebview, InspectorToWebview, State>();
const state: State = bridge.getState() ?? { query: '', kind: '', showAll: false };
let data: InspectorData | undefined;
let unavailable = '';
let selectedSlots: number[] = [];

const app = document.getElementById('app')!;

bridge.onMessage(message => {
  switch (message.type) {
    case 'data':
      data = message.data;
      unavailable = '';
      break;
    case 'unavailable':
      unavailable = message.message;
      break;
    case 'select':
      select(message.noteId);
      return;
    case 'note-slots':
      if (message.noteId === state.selected) selectedSlots = message.slots.map(s => s.slot);
      break;
  }
  render();
});

function select(noteId: string): void {
  state.selected = noteId;
  selectedSlots = [];
  bridge.setState(state);
  bridge.post({ type: 'select', noteId });
  render();
  document.getElementById(`note-${noteId}`)?.scrollIntoView({ block: 'nearest' });
}

function render(): void {
  const focusedId = document.activeElement?.id;
  app.replaceChildren(header());
  if (unavailable) app.append(el('div', { class: 'banner', role: 'status' }, unavailable));
  if (data) {
    app.append(why(data), notesSection(data), mapSection(data));
  } else if (!unavailable) {
    app.append(el('p', { class: 'muted' }, 'Loading memory…'));
  }
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function header(): HTMLElement {
  const box = el('div');
  box.append(el('h1', {}, 'mnemo Memory'));
  if (data)
    box.append(
      el(
        'div',
        { class: 'muted' },
        `${data.notes.filter(n => n.state === 'live').length} live notes · model ${data.model} · ${data.slots.used.length} of ${data.slots.slotCount} slots written`,
      ),
    );
  const bar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Inspector actions' });
  const refresh = el('button', { type: 'button', class: 'secondary', id: 'refresh' }, 'Refresh');
  refresh.addEventListener('click', () => bridge.post({ type: 'refresh' }));
  const exportButton = el('button', { type: 'button', class: 'secondary', id: 'export' }, 'Export…');
  exportButton.addEventListener('click', () => bridge.post({ type: 'export' }));
  const importButton = el('button', { type: 'button', class: 'secondary', id: 'import' }, 'Import…');
  importButton.disabled = data ? !data.canWrite : true;
  importButton.addEventListener('click', () => bridge.post({ type: 'import' }));
  bar.append(refresh, exportButton, importButton);
  box.append(bar);
  return box;
}

function why(current: InspectorData): HTMLElement {
  const box = el('section', { 'aria-labelledby': 'why-title' });
  box.append(el('h2', { id: 'why-title' }, 'Why did it say that?'));
  const reads = current.reads;
  if (!reads) {
    box.append(
      el('p', { class: 'muted' }, 'Ask in the mnemo chat or accept a completion: the notes and slots the model read for it appear here.'),
    );
    return box;
  }
  const panel = el('div', { class: 'why' });
  panel.append(el('div', { class: 'muted' }, `Last ${reads.source} · ${new Date(reads.at).toLocaleTimeString()}`));
  panel.append(
    el(
      'div',
      { class: reads.source === 'completion' ? 'mono' : '' },
      `${reads.source === 'answer' ? 'Q: ' + reads.prompt : '…' + reads.prompt.slice(-80)}`,
    ),
  );
  panel.append(el('div', { class: reads.source === 'completion' ? 'mono' : '' }, `→ ${reads.output}`));
  if (reads.abstained) {
    panel.append(
      el(
        'p',
        { class: 'muted' },
        'No remembered note was selected strongly enough for this question, so mnemo did not answer it and cites nothing.',
      ),
    );
  } else if (reads.citations.length === 0) {
    panel.append(el('p', { class: 'muted' }, 'It read no written slots: the answer came from the base model alone.'));
  } else {
    const list = el('ul', { class: 'citations' });
    for (const citation of reads.citations) {
      const item = el('li', { class: `citation${citation.text === undefined ? ' gone' : ''}` });
      const open = el('button', { type: 'button', class: 'link note-text' }, citation.text ?? `${citation.noteId} (forgotten)`);
      open.addEventListener('click', () => select(citation.noteId));
      item.append(
        open,
        el('span', { class: 'badge' }, `${Math.round(citation.weight * 100)}%`),
        el('span', { class: 'muted' }, `${citation.slots.length} slots`),
      );
      list.append(item);
    }
    panel.append(list);
  }
  box.append(panel);
  return box;
}

function notesSection(current: InspectorData): HTMLElement {
  const box = el('section', { 'aria-labelledby': 'notes-title' });
  box.append(el('h2', { id: 'notes-title' }, 'Notes'));
  const bar = el('div', { class: 'toolbar' });
  const search = el('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search notes',
    'aria-label': 'Search notes',
    value: state.query,
  });
  search.addEventListener('input', () => {
    state.query = search.value;
    bridge.setState(state);
    render();
  });
  const kind = el('select', { id: 'kind', 'aria-label': 'Filter by kind' });
  for (const [value, label] of [
    ['', 'All kinds'],
    ['decision', 'Decisions'],
    ['convention', 'Conventions'],
    ['bug', 'Bugs'],
    ['note', 'Notes'],
  ]) {
    const option = el('option', { value }, label);
    if (value === state.kind) option.selected = true;
    kind.append(option);
  }
  kind.addEventListener('change', () => {
    state.kind = kind.value;
    bridge.setState(state);
    render();
  });
  const all = el('input', { type: 'checkbox', id: 'show-all' });
  all.checked = state.showAll;
  all.addEventListener('change', () => {
    state.showAll = all.checked;
    bridge.setState(state);
    render();
  });
  const allLabel = el('label', { for: 'show-all' }, 'Show forgotten and superseded');
  bar.append(search, kind, all, allLabel);
  box.append(bar);

  const notes = filterNotes(current.notes);
  if (notes.length === 0) {
    box.append(
      el(
        'p',
        { class: 'muted' },
        current.notes.length === 0 ? 'No notes yet. Select code and run "mnemo: Remember Selection".' : 'No note matches.',
      ),
    );
    return box;
  }
  const table = el('table', { 'aria-label': 'Notes' });
  const head = el('tr');
  for (const title of ['Note', 'Kind', 'Date', 'Slots', 'Supersedes'])
    head.append(el('th', { scope: 'col', class: title.toLowerCase() }, title));
  head.append(el('th', { scope: 'col', 'aria-label': 'Actions' }));
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const note of notes) table.tBodies[0]!.append(noteRow(note, current.canWrite));
  box.append(table);
  return box;
}

function filterNotes(notes: readonly NoteView[]): NoteView[] {
  const query = state.query.trim().toLowerCase();
  return notes
    .filter(note => state.showAll || note.state === 'live')
    .filter(note => !state.kind || note.kind === state.kind)
    .filter(note => !query || note.text.toLowerCase().includes(query) || note.id.toLowerCase().includes(query))
    .sort((a, b) => b.created.localeCompare(a.created));
}

function noteRow(note: NoteView, canWrite: boolean): HTMLElement {
  const selected = note.id === state.selected;
  const row = el('tr', {
    class: `note-row${selected ? ' selected' : ''}${note.state === 'live' ? '' : ' inactive'}`,
    id: `note-${note.id}`,
    tabindex: '0',
    'aria-selected': String(selected),
  });
  row.addEventListener('click', () => select(note.id));
  row.addEventListener('keydown', event => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select(note.id);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      // Arrows move between rows, as in VS Code's own lists.
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      (next as HTMLElement | null)?.focus();
    }
  });
  const text = el('td', { class: 'text' }, note.text);
  const state_ = note.state === 'live' ? '' : ` (${note.state})`;
  const kind = el('td');
  kind.append(el('span', { class: 'kind-tag' }, note.kind), document.createTextNode(state_));
  const created = el('td', { class: 'date muted', title: note.created }, note.created.slice(0, 16).replace('T', ' '));
  row.append(
    text,
    kind,
    created,
    el('td', { class: 'slots' }, String(note.slotCount)),
    el('td', { class: 'muted' }, note.supersedes ?? ''),
  );
  const actions = el('td', { class: 'actions' });
  if (note.state === 'live') {
    const forget = el('button', { type: 'button', class: 'link', 'aria-label': `Forget note ${note.id}` }, 'Forget');
    forget.disabled = !canWrite;
    forget.addEventListener('click', event => {
      event.stopPropagation();
      bridge.post({ type: 'forget', noteId: note.id });
    });
    actions.append(forget);
  }
  row.append(actions);
  return row;
}

function mapSection(current: InspectorData): HTMLElement {
  const box = el('section', { 'aria-labelledby': 'map-title' });
  box.append(el('h2', { id: 'map-title' }, 'Memory map'));
  const { slotCount, used } = current.slots;
  const owners = new Map(used.map(u => [u.slot, u.owners.length]));
  const highlighted = new Set(selectedSlots);
  // Every slot when the table is small; otherwise only the written ones and the selected note's.
  const shown =
    slotCount <= 4096
      ? Array.from({ length: slotCount }, (_, i) => i)
      : [...new Set([...owners.keys(), ...highlighted])].sort((a, b) => a - b);
  if (used.length === 0 && highlighted.size === 0) {
    box.append(
      el(
        'p',
        { class: 'muted' },
        `Nothing written yet: all ${slotCount} memory slots hold the base model's values. Each note you remember takes some of them.`,
      ),
    );
    return box;
  }
  box.append(
    el(
      'p',
      { class: 'muted' },
      slotCount <= 4096
        ? `All ${slotCount} memory slots; a coloured cell has been written by a note.`
        : `The ${shown.length} written slots of ${slotCount} (unwritten ones are left out).`,
    ),
  );
  const legend = el('div', { class: 'legend muted' });
  for (const [cls, label] of [
    ['', 'unwritten'],
    ['used1', 'one note'],
    ['used2', 'two'],
    ['used3', 'three or more'],
    ['hl', 'the selected note'],
  ]) {
    const item = el('span');
    item.append(el('span', { class: `cell ${cls}` }), document.createTextNode(label));
    legend.append(item);
  }
  box.append(legend);
  const grid = el('div', {
    class: 'heatmap',
    role: 'img',
    'aria-label': `Memory map: ${used.length} of ${slotCount} slots written${highlighted.size ? `, ${highlighted.size} owned by the selected note` : ''}`,
  });
  for (const slot of shown) {
    const count = owners.get(slot) ?? 0;
    const cls = highlighted.has(slot) ? 'hl' : count === 0 ? '' : `used${Math.min(3, count)}`;
    grid.append(el('span', { class: `cell ${cls}`, title: `slot ${slot}: ${count} note${count === 1 ? '' : 's'}` }));
  }
  box.append(grid);
  return box;
}

render();
if (state.selected) bridge.post({ type: 'select', noteId: state.selected });
bridge.post({ type: 'ready' });
