// The keyed note memory's slots on disk: one file per note in `<store>/note-slots/`, written
// atomically. They are derived data: the store's notes are the record, and a note whose file is
// missing, damaged, from another model, for other text or by other writer settings is simply
// written again (slotWriter.ts).
// So a file never needs a journal: losing one costs a re-write, never a note.
//
// File: "MNSLOTS1" | u32 header length | header JSON | keys f32[count*width] | values f32[count*width]
//       | sha256 of everything before it (32 bytes)

import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TEMP_FILE_MARK, writeFileAtomic } from '../store/atomicFile';
import type { NoteId } from '../note';
import type { NoteSlots } from './noteSlots';
import { processIsAlive } from '../store/lock';
import type { NoteBag } from './wordBag';

const MAGIC = Buffer.from('MNSLOTS1');
export const NOTE_SLOTS_DIR = 'note-slots';

interface SlotFileHeader {
  readonly note: string;
  readonly textSha256: string;
  readonly model: string;
  /** The writer's settings fingerprint (absent in files of session 7, which are rewritten). */
  readonly writer?: string;
  readonly count: number;
  readonly width: number;
}

/** What slots were written from: the note's text, the model, the writer's settings. */
export interface SlotFileSource {
  readonly text: string;
  /** The model's weights sha256 (values fitted on one model mean nothing on another). */
  readonly model: string;
  /** slotWriterFingerprint of the settings (values fitted otherwise are rewritten). */
  readonly writer: string;
}

/** What a file must match to be used. */
export interface SlotFileExpectation extends SlotFileSource {
  readonly id: NoteId;
  readonly width: number;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export function noteSlotFile(storeDir: string, id: NoteId): string {
  return path.join(storeDir, NOTE_SLOTS_DIR, `${sha256(id).toString('hex').slice(0, 32)}.slots`);
}

export function encodeNoteSlots(slots: NoteSlots, source: SlotFileSource): Buffer {
  const width = slots.keys.length / slots.count;
  const header: SlotFileHeader = {
    note: slots.id,
    textSha256: sha256(source.text).toString('hex'),
    model: source.model,
    writer: source.writer,
    count: slots.count,
    width,
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const body = Buffer.concat([
    MAGIC,
    length,
    json,
    Buffer.from(slots.keys.buffer, slots.keys.byteOffset, slots.keys.byteLength),
    Buffer.from(slots.values.buffer, slots.values.byteOffset, slots.values.byteLength),
  ]);
  return Buffer.concat([body, sha256(body)]);
}

/** The slots in `bytes` if they are intact and match `expected`, else the reason they are not. The
 *  file holds neither the note's bag nor its norm: `key` comes from the text (wordBag.noteBag). */
export function decodeNoteSlots(bytes: Buffer, expected: SlotFileExpectation, key: NoteBag): { slots: NoteSlots } | { problem: string } {
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: 'not a note-slots file' };
  const body = bytes.subarray(0, bytes.length - 32);
  if (!sha256(body).equals(bytes.subarray(bytes.length - 32))) return { problem: 'checksum mismatch (damaged)' };
  const headerLength = body.readUInt32LE(MAGIC.length);
  let header: SlotFileHeader;
  try {
    header = JSON.parse(body.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength).toString('utf8')) as SlotFileHeader;
  } catch {
    return { problem: 'unreadable header' };
  }
  if (header.note !== expected.id) return { problem: `written for note ${header.note}` };
  if (header.model !== expected.model) return { problem: 'written with another model' };
  if (header.textSha256 !== sha256(expected.text).toString('hex')) return { problem: 'written for other text' };
  if (header.writer !== expected.writer) return { problem: 'written with other writer settings' };
  if (header.width !== expected.width || !Number.isInteger(header.count) || header.count <= 0)
    return { problem: `shape ${header.count}x${header.width}` };
  const floats = header.count * header.width;
  const start = MAGIC.length + 4 + headerLength;
  if (body.length !== start + 8 * floats) return { problem: 'wrong length' };
  const data = new Float32Array(body.buffer.slice(body.byteOffset + start, body.byteOffset + start + 8 * floats));
  return { slots: { id: expected.id, ...key, count: header.count, keys: data.subarray(0, floats), values: data.subarray(floats) } };
}

export async function saveNoteSlots(storeDir: string, slots: NoteSlots, source: SlotFileSource): Promise<void> {
  await fs.mkdir(path.join(storeDir, NOTE_SLOTS_DIR), { recursive: true });
  await writeFileAtomic(noteSlotFile(storeDir, slots.id), encodeNoteSlots(slots, source));
}

/** The note's saved slots, or the reason there are none usable ('missing' when no file). */
export async function loadNoteSlots(
  storeDir: string,
  expected: SlotFileExpectation,
  key: NoteBag,
): Promise<{ slots: NoteSlots } | { problem: string }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(noteSlotFile(storeDir, expected.id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problem: 'missing' };
    throw error;
  }
  return decodeNoteSlots(bytes, expected, key);
}

export async function deleteNoteSlots(storeDir: string, id: NoteId): Promise<void> {
  await fs.rm(noteSlotFile(storeDir, id), { force: true });
}

/** A temp file this old whose process is gone was left by a crash mid-save, not a save in progress. */
const DEAD_TEMP_AGE_MS = 60_000;

/**
 * Deletes the slot-file temp files (`<hash>.slots.tmp-<pid>-<hex>`) of processes that are gone: a
 * crash between writing a slot file and renaming it leaves one that nothing else would remove.
 * Another window's save in progress is never touched (its process is alive, its file is new).
 * Returns the names removed.
 */
export async function removeDeadSlotTempFiles(storeDir: string, now = Date.now()): Promise<string[]> {
  const dir = path.join(storeDir, NOTE_SLOTS_DIR);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = new RegExp(`\\${TEMP_FILE_MARK}(\\d+)-[0-9a-f]+$`).exec(name);
    if (!match || Number(match[1]) === process.pid || processIsAlive(Number(match[1]))) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat === null || now - stat.mtimeMs < DEAD_TEMP_AGE_MS) continue;
    await fs.rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}
