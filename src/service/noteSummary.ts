// A stored note as the service's clients see it (the protocol's NoteSummary): what `mnemo notes
// --json` prints and what list and write requests answer with. Its slots are counted, not sent.

import type { NoteRecord } from '../memory/note';
import type { NoteSummary } from './protocol';

export function noteSummary(note: NoteRecord): NoteSummary {
  return {
    id: note.id,
    kind: note.kind,
    state: note.state,
    author: note.author,
    created: note.created,
    slotCount: note.slots.length,
    text: note.text,
    ...(note.supersedes ? { supersedes: note.supersedes } : {}),
    ...(note.supersededBy ? { supersededBy: note.supersededBy } : {}),
  };
}
