// Notes and reads as the webviews and the tree show them: fetched from the worker and shaped into
// the plain views of webview-protocol.ts.
import type { NoteId } from '../memory/note';
import type { Citation, NoteSummary, RelatedNote } from '../service/protocol';
import type { ServiceClient } from '../service/serviceClient';
import type { LastReads } from './ctx';
import type { CitationView, InspectorData, NoteView, ReadsView, RelatedView } from './webview-protocol';

export function noteView(note: NoteSummary): NoteView {
  return {
    id: note.id,
    text: note.text,
    kind: note.kind,
    created: note.created,
    author: note.author,
    state: note.state,
    slotCount: note.slotCount,
    ...(note.supersedes ? { supersedes: note.supersedes } : {}),
    ...(note.supersededBy ? { supersededBy: note.supersededBy } : {}),
  };
}

export async function liveNotes(client: ServiceClient): Promise<NoteView[]> {
  const listed = await client.request('memory/list', {});
  return listed.notes.map(noteView);
}

/** Citations with the cited notes' text (a note forgotten since has none). */
export async function citationViews(client: ServiceClient, citations: readonly Citation[]): Promise<CitationView[]> {
  if (citations.length === 0) return [];
  const byId = new Map((await client.request('memory/list', {})).notes.map(note => [note.id as string, note]));
  return citations.map(citation => {
    const note = byId.get(citation.noteId);
    return note
      ? { noteId: citation.noteId, weight: citation.weight, text: note.text, kind: note.kind }
      : { noteId: citation.noteId, weight: citation.weight };
  });
}

/** The notes an abstention names as maybe related, with their text (notes gone since are left out). */
export async function relatedViews(client: ServiceClient, related: readonly RelatedNote[]): Promise<RelatedView[]> {
  if (related.length === 0) return [];
  const byId = new Map((await client.request('memory/list', {})).notes.map(note => [note.id as string, note]));
  return related.flatMap(r => {
    const note = byId.get(r.noteId);
    return note ? [{ noteId: r.noteId, text: note.text }] : [];
  });
}

export async function readsView(client: ServiceClient, reads: LastReads): Promise<ReadsView> {
  const citations = await citationViews(client, reads.citations);
  const withSlots = await Promise.all(
    citations.map(async citation => {
      if (citation.text === undefined) return { ...citation, slots: [] };
      const inspected = await client.request('memory/inspect', { what: 'note', id: citation.noteId as NoteId });
      return { ...citation, slots: inspected.what === 'note' ? inspected.slots.map(s => s.slot) : [] };
    }),
  );
  return {
    source: reads.source,
    prompt: reads.prompt,
    output: reads.output,
    at: reads.at,
    citations: withSlots,
    ...(reads.abstained ? { abstained: true } : {}),
  };
}

export async function inspectorData(client: ServiceClient, reads: LastReads | undefined, canWrite: boolean): Promise<InspectorData> {
  const listed = await client.request('memory/list', { all: true });
  const slots = await client.request('memory/inspect', { what: 'slots' });
  return {
    notes: listed.notes.map(noteView),
    slots:
      slots.what === 'slots'
        ? { slotCount: slots.slotCount, used: slots.used.map(u => ({ slot: u.slot, owners: [...u.owners] })) }
        : { slotCount: 0, used: [] },
    ...(reads ? { reads: await readsView(client, reads) } : {}),
    storeDir: listed.storeDir,
    model: listed.model.id,
    canWrite,
  };
}
