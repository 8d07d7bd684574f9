// Damaged and foreign store files, on real files: single-bit flips at hundreds of offsets of the
// snapshot and the journal, truncation at every length of interest, and files that are not this
// store's (a PNG, JSON, an empty file, an export or journal in the snapshot's place, another
// format version, another base model, another store's journal, a directory). For each:
//
//   - opening without recover either fails with a typed error (StoreCorruptError, ForeignFileError,
//     UnsupportedFormatError, ModelMismatchError) that names the file and says how to recover, and
//     changes no file; or it opens an earlier state of the store and says what it rolled back
//     (a torn last journal record); it never opens a wrong state silently;
//   - the recovery path works: `recover` moves the damaged file aside byte for byte and keeps
//     everything before the damage (or, for what recover must not touch, the hint's other route:
//     update mnemo, list the notes with peek, or import an export), and the store then takes writes.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { seededRandom } from '../../model/seededRandom';
import { MemoryStore } from '../store/memoryStore';
import {
  ForeignFileError,
  ImportInvalidError,
  MemoryStoreError,
  ModelMismatchError,
  StoreCorruptError,
  UnsupportedFormatError,
} from '../store/errors';
import { encodeJournalHeader, readJournal } from '../store/journal';
import { baseRow, FAULT_TEST_MODEL, writePlusOne } from './faultTestModel';
import { scratchDirectory } from './scratchDirectory';
import { checkRowsMatchLiveNotes, checkStoreFiles } from './storeInvariants';

const scratch = scratchDirectory('damage');
const now = () => new Date('2026-11-22T12:00:00.000Z');
const SNAPSHOT = 'snapshot.mnemo';
const JOURNAL = 'journal.mnemo';

async function tempDir(label: string): Promise<string> {
  return scratch.make(label);
}

async function open(dir: string, recover = false, model = FAULT_TEST_MODEL): Promise<MemoryStore> {
  return MemoryStore.open(dir, { model, now, recover, lock: { timeoutMs: 2_000 } });
}

function view(store: MemoryStore): string {
  return JSON.stringify({
    notes: store.notes().map(n => `${n.id}:${n.state}:${n.text}`),
    rows: [...store.changedRows()].sort((a, b) => a[0] - b[0]).map(([slot, row]) => [slot, [...row]]),
  });
}

interface Reference {
  readonly dir: string;
  readonly snapshot: Buffer;
  readonly journal: Buffer;
  /** The store's view after the snapshot and after each journal record: the states recovery may keep. */
  readonly prefixViews: readonly string[];
  /** Offsets where journal records start, and the file's end. */
  readonly recordStarts: readonly number[];
  readonly exportFile: string;
}

/** A store with a compacted snapshot (notes, rows, contributions) and three journal records after it. */
async function makeReference(): Promise<Reference> {
  const dir = await tempDir('reference');
  const store = await open(dir);
  await writePlusOne(store, 'n1', [1, 2, 3]);
  await writePlusOne(store, 'n2', [2, 3, 4]);
  await writePlusOne(store, 'n3', [5, 6]);
  await store.forget('n3', { purge: false });
  await writePlusOne(store, 'n4', [3, 7]);
  await store.compact();
  const exportFile = path.join(await tempDir('export'), 'backup.mnemo-export');
  await store.exportTo(exportFile);
  await writePlusOne(store, 'n5', [1, 8]);
  await store.forget('n2', { purge: false });
  await writePlusOne(store, 'n6', [9, 10, 11]);
  const snapshot = await fs.readFile(path.join(dir, SNAPSHOT));
  const journal = await fs.readFile(path.join(dir, JOURNAL));
  const read = readJournal(journal, JOURNAL);
  const recordStarts = [...read.entries.map(e => e.offset), journal.length];
  // Each journal prefix opened as a store of its own gives the states a recovery may land on.
  const prefixViews: string[] = [];
  for (const end of recordStarts) {
    const copy = await tempDir('prefix');
    await fs.writeFile(path.join(copy, SNAPSHOT), snapshot);
    await fs.writeFile(path.join(copy, JOURNAL), journal.subarray(0, end));
    prefixViews.push(view(await open(copy)));
  }
  return { dir, snapshot, journal, prefixViews, recordStarts, exportFile };
}

/** A store directory holding the given files (undefined: absent). */
async function storeWith(files: { snapshot?: Buffer | 'directory'; journal?: Buffer }): Promise<string> {
  const dir = await tempDir('case');
  if (files.snapshot === 'directory') await fs.mkdir(path.join(dir, SNAPSHOT));
  else if (files.snapshot) await fs.writeFile(path.join(dir, SNAPSHOT), files.snapshot);
  if (files.journal) await fs.writeFile(path.join(dir, JOURNAL), files.journal);
  return dir;
}

/** Every file in the directory with its bytes (directories as a marker). */
async function contents(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    out.set(entry.name, entry.isDirectory() ? '<dir>' : (await fs.readFile(path.join(dir, entry.name))).toString('base64'));
  }
  return out;
}

type Outcome = { kind: 'refused'; error: MemoryStoreError } | { kind: 'rolled-back'; view: string } | { kind: 'opened'; view: string };

/**
 * Opens a damaged directory without recover and checks the rules: a typed error naming the file
 * with a recovery hint and no file changed, or an earlier state with the rollback reported.
 */
async function openDamaged(dir: string, label: string, ref: Reference | undefined): Promise<Outcome> {
  const before = await contents(dir);
  let store: MemoryStore;
  try {
    store = await open(dir);
  } catch (error) {
    assert.ok(error instanceof MemoryStoreError, `${label}: expected a typed store error, got ${String(error)}`);
    assert.ok(
      error instanceof StoreCorruptError ||
        error instanceof ForeignFileError ||
        error instanceof UnsupportedFormatError ||
        error instanceof ModelMismatchError,
      `${label}: unexpected ${error.name}`,
    );
    assert.match(error.message, /snapshot\.mnemo|journal\.mnemo|memory store in /, `${label}: the message names the file`);
    assert.match(error.hint, /Nothing was changed/, `${label}: the hint says nothing was changed`);
    assert.match(error.hint, /recover|export|Update mnemo|re-remember/, `${label}: the hint gives a way out`);
    assert.deepEqual(await contents(dir), before, `${label}: a refused open changes no file`);
    return { kind: 'refused', error };
  }
  const opened = view(store);
  if (store.loadReport.rolledBack) {
    assert.match(store.loadReport.messages.join(' '), /incomplete.*rolled back/, label);
    assert.ok(ref && ref.prefixViews.includes(opened), `${label}: the rollback lands on an earlier state of the store`);
    return { kind: 'rolled-back', view: opened };
  }
  return { kind: 'opened', view: opened };
}

/**
 * Opens with recover: the damaged file is kept aside byte for byte, the state is sound, writes
 * work. Returns the state recovery kept (before the test's own write).
 */
async function recover(dir: string, label: string, damaged: Map<string, string>): Promise<{ store: MemoryStore; kept: string }> {
  const store = await open(dir, true);
  const kept = view(store);
  for (const moved of store.loadReport.movedAside) {
    const original = damaged.get(path.basename(moved.file));
    assert.ok(original !== undefined, `${label}: moved aside a file that was there`);
    const stat = await fs.stat(moved.movedTo);
    if (!stat.isDirectory()) assert.equal((await fs.readFile(moved.movedTo)).toString('base64'), original, `${label}: kept byte for byte`);
  }
  assert.ok(store.loadReport.messages.length > 0, `${label}: recovery says what it did`);
  // Rows are checked whenever recovery could know them (the snapshot's rows or every contribution
  // survived); otherwise a journal write's prev rows may still hold a lost note's change.
  if (store.loadReport.salvage?.rowsExact !== false) {
    try {
      checkRowsMatchLiveNotes(store);
    } catch (error) {
      throw new Error(`${label}: ${(error as Error).message} (${store.loadReport.messages.join(' ')})`, { cause: error });
    }
  }
  await writePlusOne(store, 'after-recovery', [20, 21]);
  const again = await open(dir);
  assert.equal(again.getNote('after-recovery')?.state, 'live', label);
  await checkStoreFiles(dir);
  return { store, kept };
}

function flipBit(bytes: Buffer, offset: number, bit: number): Buffer {
  const out = Buffer.from(bytes);
  out[offset]! ^= 1 << bit;
  return out;
}

/**
 * Offsets to damage: every byte of the 20-byte file prefix, every byte of the first records'
 * frames (marker, length, checksum), and a seeded random sample of the rest.
 */
function offsets(length: number, frames: readonly number[], samples: number, seed: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < 20; i++) set.add(i);
  for (const at of frames.slice(0, 3)) for (let i = at; i < at + 12 && i < length; i++) set.add(i);
  const random = seededRandom(seed);
  while (set.size < samples) set.add(random.int(length));
  set.add(length - 1);
  return [...set].sort((a, b) => a - b);
}

/** Where a byte sits: the file's header or a record, with the notes that record holds. */
interface RecordSpan {
  readonly start: number;
  readonly end: number;
  /** header, note, rows, contribution, end; journal: write, forget. */
  readonly kind: string;
  /** Notes the record carries (a note record, a journal write). */
  readonly notes: readonly string[];
}

function snapshotSpans(snapshot: Buffer): RecordSpan[] {
  const headerEnd = 20 + snapshot.readUInt32LE(12);
  const spans: RecordSpan[] = [{ start: 0, end: headerEnd, kind: 'header', notes: [] }];
  for (let at = headerEnd; at < snapshot.length;) {
    const end = at + 12 + snapshot.readUInt32LE(at + 4);
    const json = JSON.parse(snapshot.toString('utf8', at + 16, at + 16 + snapshot.readUInt32LE(at + 12))) as {
      type: string;
      note?: { id: string };
    };
    spans.push({ start: at, end, kind: json.type, notes: json.note ? [json.note.id] : [] });
    at = end;
  }
  return spans;
}

function journalSpans(ref: Reference): RecordSpan[] {
  const read = readJournal(ref.journal, JOURNAL);
  return [
    { start: 0, end: read.recordsStart, kind: 'header', notes: [] },
    ...read.entries.map(e => ({
      start: e.offset,
      end: e.end,
      kind: e.record.type,
      notes: e.record.type === 'write' ? [e.record.note.id as string] : [],
    })),
  ];
}

const spanAt = (spans: readonly RecordSpan[], offset: number) => spans.find(s => offset >= s.start && offset < s.end)!;

function liveNotes(view: string): Set<string> {
  return new Set((JSON.parse(view) as { notes: string[] }).notes.filter(n => n.includes(':live:')).map(n => n.split(':')[0]!));
}

/**
 * The loss rule: recovery keeps every live note of the undamaged store except those `allowed` to
 * go (the notes the damaged records held), and brings back no other note, except one whose
 * forget record was damaged (that operation is lost, not the note). Returns the notes lost.
 */
function checkLoss(ref: Reference, kept: string, allowed: ReadonlySet<string>, label: string): string[] {
  const full = liveNotes(ref.prefixViews.at(-1)!);
  const now = liveNotes(kept);
  const lost = [...full].filter(id => !now.has(id));
  for (const id of lost)
    assert.ok(allowed.has(id), `${label}: lost ${id}, which the damaged record did not hold (kept ${[...now].join(',')})`);
  const everLive = new Set(ref.prefixViews.flatMap(v => [...liveNotes(v)]));
  for (const id of now) assert.ok(everLive.has(id), `${label}: ${id} was never a live note`);
  return lost;
}

test('store: single-bit flips anywhere in the snapshot or journal are caught; recover loses at most the notes of the record hit', async t => {
  const ref = await makeReference();
  const random = seededRandom(7);
  const tally = { cases: 0, refused: 0, rolledBack: 0, recovered: 0 };
  // Per file and record kind: cases, recovered, notes lost in all (each at most the record's own).
  const byClass = new Map<string, { cases: number; recovered: number; notesLost: number }>();
  const spans = { [SNAPSHOT]: snapshotSpans(ref.snapshot), [JOURNAL]: journalSpans(ref) };
  for (const [file, bytes] of [
    [SNAPSHOT, ref.snapshot],
    [JOURNAL, ref.journal],
  ] as const) {
    const fileSpans = spans[file];
    const frames = fileSpans.slice(1).map(s => s.start);
    // Every record gets hits of its own: its frame, plus random bytes inside it.
    const extra = fileSpans.flatMap(s => [s.start + 4, s.start + Math.floor((s.end - s.start) / 2), s.end - 1]);
    for (const offset of [...new Set([...offsets(bytes.length, frames, 150, bytes.length), ...extra])].sort((a, b) => a - b)) {
      const damagedBytes = flipBit(bytes, offset, random.int(8));
      const span = spanAt(fileSpans, offset);
      const label = `${file}: bit flipped at byte ${offset} of ${bytes.length} (${span.kind} record)`;
      const cls = byClass.get(`${file} ${span.kind}`) ?? { cases: 0, recovered: 0, notesLost: 0 };
      byClass.set(`${file} ${span.kind}`, cls);
      cls.cases++;
      const dir = await storeWith(
        file === SNAPSHOT ? { snapshot: damagedBytes, journal: ref.journal } : { snapshot: ref.snapshot, journal: damagedBytes },
      );
      const damaged = await contents(dir);
      const outcome = await openDamaged(dir, label, ref);
      tally.cases++;
      // Every byte is covered by a checksum: a flip never opens as the full, undamaged state.
      if (outcome.kind === 'opened') assert.fail(`${label}: opened without noticing`);
      if (outcome.kind === 'rolled-back') {
        tally.rolledBack++;
        // Only damage in the journal's last record reads as a torn append (a crash while writing it).
        assert.ok(file === JOURNAL && offset >= ref.recordStarts.at(-2)!, label);
        cls.notesLost += checkLoss(ref, outcome.view, new Set(span.notes), label).length;
        continue;
      }
      tally.refused++;
      const error = outcome.error;
      assert.ok(error instanceof StoreCorruptError || error instanceof ForeignFileError, `${label}: ${error.name}`);
      tally.recovered++;
      cls.recovered++;
      const { kept } = await recover(dir, label, damaged);
      cls.notesLost += checkLoss(ref, kept, new Set(span.notes), label).length;
    }
  }
  t.diagnostic(`bit flips: ${JSON.stringify(tally)}`);
  t.diagnostic(`by record kind: ${JSON.stringify(Object.fromEntries(byClass))}`);
  for (const kind of ['header', 'note', 'rows', 'contribution', 'end'])
    assert.ok((byClass.get(`${SNAPSHOT} ${kind}`)?.recovered ?? 0) > 0, `snapshot ${kind} records were hit and recovered`);
  for (const kind of ['header', 'write', 'forget'])
    assert.ok((byClass.get(`${JOURNAL} ${kind}`)?.cases ?? 0) > 0, `journal ${kind} records were hit`);
  // Only note records and journal writes hold notes: damage anywhere else loses none.
  for (const [name, cls] of byClass) if (!/ note$| write$/.test(name)) assert.equal(cls.notesLost, 0, name);
  assert.ok(tally.cases >= 300 && tally.refused > tally.rolledBack && tally.rolledBack > 0, JSON.stringify(tally));
});

function readSnapshotRecordStarts(snapshot: Buffer): number[] {
  return snapshotSpans(snapshot)
    .slice(1)
    .map(s => s.start);
}

test('store: truncated files: a cut inside a record is rolled back or recovered, losing only the notes at or after the cut', async t => {
  const ref = await makeReference();
  const tally = { journalCuts: 0, snapshotCuts: 0, rolledBack: 0, refused: 0, atBoundary: 0, notesLost: 0 };
  const journalHeaderEnd = ref.recordStarts[0]!;
  const jSpans = journalSpans(ref);
  const journalCuts = new Set<number>([0, 1, 4, 7, 8, 9, 12, 16, 19, 20, 21, 40, journalHeaderEnd - 1]);
  for (const start of ref.recordStarts)
    for (const n of [start - 1, start, start + 1, start + 11, start + 12, start + 40]) journalCuts.add(n);
  for (const n of [...journalCuts].filter(n => n >= 0 && n < ref.journal.length).sort((a, b) => a - b)) {
    const label = `journal cut to ${n} of ${ref.journal.length} bytes`;
    const dir = await storeWith({ snapshot: ref.snapshot, journal: ref.journal.subarray(0, n) });
    const damaged = await contents(dir);
    const outcome = await openDamaged(dir, label, ref);
    tally.journalCuts++;
    const boundary = ref.recordStarts.indexOf(n);
    // The bytes after a cut are gone: the notes of the records at and after it may go with them.
    const gone = new Set(jSpans.filter(s => s.end > n).flatMap(s => s.notes));
    if (boundary >= 0) {
      // A cut exactly between records cannot be told from a journal before those appends.
      assert.equal(outcome.kind, 'opened', label);
      assert.equal((outcome as { view: string }).view, ref.prefixViews[boundary], label);
      tally.atBoundary++;
    } else if (n >= journalHeaderEnd) {
      assert.equal(outcome.kind, 'rolled-back', `${label}: a cut inside a record is a torn append`);
      tally.rolledBack++;
      tally.notesLost += checkLoss(ref, (outcome as { view: string }).view, gone, label).length;
    } else {
      // A journal cut inside its own header: refused; recover keeps the snapshot's notes.
      assert.equal(outcome.kind, 'refused', label);
      assert.ok(
        (outcome as { error: MemoryStoreError }).error instanceof StoreCorruptError,
        `${label}: a cut header is damage, not a foreign file`,
      );
      tally.refused++;
      const { kept } = await recover(dir, label, damaged);
      assert.equal(kept, ref.prefixViews[0], `${label}: the snapshot's notes are kept`);
    }
  }
  const sSpans = snapshotSpans(ref.snapshot);
  const snapshotCuts = new Set<number>([0, 1, 7, 8, 19, 20, 21]);
  for (const start of readSnapshotRecordStarts(ref.snapshot))
    for (const n of [start - 1, start, start + 5, start + 30]) snapshotCuts.add(n);
  for (const n of [...snapshotCuts].filter(n => n >= 0 && n < ref.snapshot.length)) {
    const label = `snapshot cut to ${n} of ${ref.snapshot.length} bytes`;
    const dir = await storeWith({ snapshot: ref.snapshot.subarray(0, n), journal: ref.journal });
    const damaged = await contents(dir);
    const outcome = await openDamaged(dir, label, ref);
    tally.snapshotCuts++;
    assert.equal(outcome.kind, 'refused', label);
    assert.ok(
      (outcome as { kind: 'refused'; error: MemoryStoreError }).error instanceof StoreCorruptError,
      `${label}: a cut snapshot is damage, not a foreign file`,
    );
    tally.refused++;
    const { kept } = await recover(dir, label, damaged);
    tally.notesLost += checkLoss(ref, kept, new Set(sSpans.filter(s => s.end > n).flatMap(s => s.notes)), label).length;
  }
  t.diagnostic(`truncation: ${JSON.stringify(tally)}`);
});

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0]),
  Buffer.from('IEND'),
  Buffer.from([0xae, 0x42, 0x60, 0x82]),
]);

/** A store file header as a different mnemo version would write it (valid checksum). */
function headerOfVersion(magic: string, version: number, header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(20);
  prefix.write(magic, 0, 'latin1');
  prefix.writeUInt32LE(version, 8);
  prefix.writeUInt32LE(json.length, 12);
  prefix.writeUInt32LE(crc32(json, crc32(prefix.subarray(8, 16))), 16);
  return Buffer.concat([prefix, json]);
}

interface ForeignCase {
  readonly name: string;
  readonly files: (ref: Reference) => Promise<{ snapshot?: Buffer | 'directory'; journal?: Buffer }>;
  readonly error: new (...args: never[]) => MemoryStoreError;
  readonly message: RegExp;
  /** moved-aside: recover moves it and starts clean; refused: recover must not touch it either. */
  readonly recovery: 'moved-aside' | 'refused';
}

const FOREIGN: readonly ForeignCase[] = [
  {
    name: 'a PNG image as the snapshot',
    files: async () => ({ snapshot: PNG }),
    error: ForeignFileError,
    message: /not a mnemo memory store file \(it does not start with MNEMOSNP\)/,
    recovery: 'moved-aside',
  },
  {
    name: 'a JSON file as the snapshot',
    files: async () => ({ snapshot: Buffer.from('{"notes":[{"id":"n1","text":"hello"}]}\n') }),
    error: ForeignFileError,
    message: /not a mnemo memory store file/,
    recovery: 'moved-aside',
  },
  {
    name: 'an empty snapshot file',
    files: async r => ({ snapshot: Buffer.alloc(0), journal: r.journal }),
    error: StoreCorruptError,
    message: /damaged at byte 0: the file is empty/,
    recovery: 'moved-aside',
  },
  {
    name: 'a zero-filled snapshot',
    files: async () => ({ snapshot: Buffer.alloc(4096) }),
    error: ForeignFileError,
    message: /not a mnemo memory store file/,
    recovery: 'moved-aside',
  },
  {
    name: "an export file in the snapshot's place",
    files: async r => ({ snapshot: await fs.readFile(r.exportFile) }),
    error: ForeignFileError,
    message: /it is a mnemo export file, expected a snapshot file/,
    recovery: 'moved-aside',
  },
  {
    name: "a journal in the snapshot's place",
    files: async r => ({ snapshot: r.journal }),
    error: ForeignFileError,
    message: /it is a mnemo journal file, expected a snapshot file/,
    recovery: 'moved-aside',
  },
  {
    name: 'a snapshot written by a newer mnemo (format 3)',
    files: async r => ({
      snapshot: Buffer.concat([
        headerOfVersion('MNEMOSNP', 3, { kind: 'snapshot', future: true }),
        r.snapshot.subarray(20 + r.snapshot.readUInt32LE(12)),
      ]),
    }),
    error: UnsupportedFormatError,
    message: /uses memory store format 3; this mnemo reads formats up to 2/,
    recovery: 'refused',
  },
  {
    name: 'a journal written by a newer mnemo (format 4)',
    files: async r => ({ snapshot: r.snapshot, journal: headerOfVersion('MNEMOJNL', 4, { kind: 'journal' }) }),
    error: UnsupportedFormatError,
    message: /journal\.mnemo uses memory store format 4/,
    recovery: 'refused',
  },
  {
    name: 'a store made by another base model',
    files: async () => {
      const dir = await tempDir('other-model');
      const other = await open(dir, false, { ...FAULT_TEST_MODEL, id: 'other-model', sha256: '0c'.repeat(32) });
      await other.transaction(async () => {
        await other.write({
          id: 'theirs',
          text: 'a note of the other model',
          kind: 'note',
          author: 't',
          slots: [1],
          prev: baseRow(1),
          next: baseRow(1).map(v => v + 1),
        });
      });
      return { snapshot: await fs.readFile(path.join(dir, SNAPSHOT)), journal: await fs.readFile(path.join(dir, JOURNAL)) };
    },
    error: ModelMismatchError,
    message: /made by base model "other-model" \(sha256 0c0c0c0c0c0c…\), but the loaded model is "fault-test-model"/,
    recovery: 'refused',
  },
  {
    name: "another store's journal beside this snapshot",
    files: async r => ({ snapshot: r.snapshot, journal: encodeJournalHeader({ kind: 'journal', storeId: 'someone-else', generation: 1 }) }),
    error: ForeignFileError,
    message: /its journal belongs to another store/,
    recovery: 'moved-aside',
  },
  {
    name: 'a text file as the journal',
    files: async r => ({ snapshot: r.snapshot, journal: Buffer.from('TODO: remember things\n') }),
    error: ForeignFileError,
    message: /journal\.mnemo is not a mnemo memory store file/,
    recovery: 'moved-aside',
  },
  {
    name: 'a journal without its snapshot',
    files: async r => ({ journal: r.journal }),
    error: StoreCorruptError,
    message: /the snapshot is missing but a journal exists/,
    recovery: 'moved-aside',
  },
  {
    name: 'a directory where the snapshot should be',
    files: async () => ({ snapshot: 'directory' }),
    error: ForeignFileError,
    message: /snapshot\.mnemo is not a mnemo memory store file \(it is a directory\)/,
    recovery: 'moved-aside',
  },
];

test('store: foreign files give a clear typed error, change nothing, and have a way out', async () => {
  const ref = await makeReference();
  for (const c of FOREIGN) {
    const dir = await storeWith(await c.files(ref));
    const damaged = await contents(dir);
    const outcome = await openDamaged(dir, c.name, ref);
    assert.equal(outcome.kind, 'refused', c.name);
    const { error } = outcome as { error: MemoryStoreError };
    assert.ok(error instanceof c.error, `${c.name}: expected ${c.error.name}, got ${error.name}: ${error.message}`);
    assert.match(error.message, c.message, c.name);
    if (c.recovery === 'moved-aside') {
      await recover(dir, c.name, damaged);
      continue;
    }
    // What recover must not move aside (a newer format, another model's rows): it refuses too.
    await assert.rejects(open(dir, true), (e: unknown) => e instanceof c.error, c.name);
    assert.deepEqual(await contents(dir), damaged, `${c.name}: recover changed nothing either`);
    if (error instanceof ModelMismatchError) {
      // The way out the hint names: list the notes without the model, to re-remember them.
      const peek = await MemoryStore.peek(dir);
      assert.deepEqual(
        peek.notes.map(n => n.text),
        ['a note of the other model'],
      );
      assert.match(error.hint, /mnemo notes --store DIR/);
    } else {
      assert.match(error.hint, /Update mnemo/);
    }
  }
});

test('store: after damage the export is the way back: import restores the notes and rows exactly', async () => {
  const ref = await makeReference();
  const exported = await open(await tempDir('exported'));
  await exported.importFrom(ref.exportFile);
  const expected = view(exported);
  // The snapshot is lost beyond recovery (overwritten with zeros, no journal): recover starts
  // empty, the export brings the notes back.
  const dir = await storeWith({ snapshot: Buffer.alloc(ref.snapshot.length) });
  await assert.rejects(open(dir), ForeignFileError);
  const recovered = await open(dir, true);
  assert.equal(recovered.notes().length, 0);
  const result = await recovered.importFrom(ref.exportFile);
  assert.equal(result.mode, 'replace');
  assert.equal(view(recovered), expected);
  assert.equal(view(await open(dir)), expected);
  checkRowsMatchLiveNotes(recovered);
});

test('store: damaged, truncated and foreign import files are refused and change nothing', async () => {
  const ref = await makeReference();
  const exportBytes = await fs.readFile(ref.exportFile);
  const otherModelExport = await (async () => {
    const other = await open(await tempDir('other'), false, { ...FAULT_TEST_MODEL, id: 'm2', sha256: '0d'.repeat(32) });
    const file = path.join(await tempDir('other-export'), 'm2.mnemo-export');
    await other.exportTo(file);
    return fs.readFile(file);
  })();
  const cases: ReadonlyArray<[string, Buffer, RegExp]> = [
    ['a PNG image', PNG, /not a mnemo memory store file/],
    ['an empty file', Buffer.alloc(0), /the file is empty/],
    ['an export cut in half', exportBytes.subarray(0, exportBytes.length >> 1), /truncated|damaged/],
    ['an export with a flipped bit', flipBit(exportBytes, exportBytes.length >> 1, 0), /damaged/],
    ['a snapshot instead of an export', ref.snapshot, /it is a mnemo snapshot file, expected a export file/],
    ['an export of another base model', otherModelExport, /exported from a store of base model "m2"/],
  ];
  const target = await tempDir('target');
  await fs.cp(ref.dir, target, { recursive: true });
  const store = await open(target);
  const before = await contents(target);
  const stateBefore = view(store);
  for (const [name, bytes, message] of cases) {
    const file = path.join(await tempDir('import'), 'incoming.mnemo-export');
    await fs.writeFile(file, bytes);
    await assert.rejects(store.importFrom(file), (e: unknown) => {
      assert.ok(e instanceof ImportInvalidError, `${name}: ${String(e)}`);
      assert.match(e.message, message, name);
      assert.match(e.hint, /Nothing was changed/, name);
      return true;
    });
    assert.deepEqual(await contents(target), before, `${name}: no store file changed`);
    assert.equal(view(store), stateBefore, name);
  }
});
