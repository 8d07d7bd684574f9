// A child process for the store's fault tests: opens a store and runs a seeded stream of
// operations on it (write, forget, supersede, compact), like the writer would, reporting each one
// on stdout before it starts ("begin ...") and once it is acknowledged ("ack ..."). The report is
// written synchronously, so a line the parent read is a promise the store made.
//
// The parent kills it with SIGKILL at a random moment, or asks it (config.fault) to kill itself
// at the n-th pass of a fault point (storeFaultPoints.ts), optionally after writing only a prefix
// of the bytes that step was about to write: a crash mid-record, mid-temp-file, before a rename.
//
//   node faultWriterProcess.js '<FaultWriterConfig as JSON>'

import { existsSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../../model/seededRandom';
import { MemoryStore } from '../store/memoryStore';
import { FaultPointName, setFaultHook } from '../store/faultPoints';
import { baseRow, FAULT_TEST_MODEL } from './faultTestModel';

export interface FaultWriterConfig {
  readonly dir: string;
  /** Prefix of this process's note ids; unique per process over a test. */
  readonly tag: string;
  readonly seed: number;
  /** Stop (exit 0, after printing "done") after this many operations. Default: run until killed. */
  readonly ops?: number;
  /** Compact once the journal passes this many bytes (small, so compactions happen often). */
  readonly compactAfterBytes?: number;
  /** Tags of processes to wait for (their ready-<tag> files) before the first operation. */
  readonly waitFor?: readonly string[];
  /** Largest pause inside a transaction, standing in for training. Default 2 ms. */
  readonly thinkMs?: number;
  readonly fault?: FaultSpec;
}

export interface FaultSpec {
  readonly point: FaultPointName;
  /**
   * Only count passes on this file: a base name (journal.mnemo: an append to the journal;
   * store.lock) or a temp file of one (snapshot.mnemo.tmp, journal.mnemo.tmp: an atomic replace).
   */
  readonly target?: string;
  /** Which pass kills (1 = the first). */
  readonly nth: number;
  /** For a 'write': put this fraction (0..1) of the bytes on disk first, at least 1 byte and not all. */
  readonly partial?: number;
}

/** A line of the child's report, parsed. */
export type ReportedOp =
  | { readonly op: 'write'; readonly id: string; readonly slots: readonly number[]; readonly seq?: number }
  | { readonly op: 'forget'; readonly id: string; readonly purge: boolean }
  | { readonly op: 'supersede'; readonly oldId: string; readonly newId: string }
  | { readonly op: 'compact' };

/** Slots a note touches: NOTE_SLOTS distinct slots of SLOT_RANGE, each +1, so rows stay exact integers. */
export const SLOT_RANGE = 24;
const NOTE_SLOTS = 3;

function report(kind: 'ready' | 'begin' | 'ack' | 'done', op?: ReportedOp): void {
  writeSync(1, op ? `${kind} ${JSON.stringify(op)}\n` : `${kind}\n`);
}

function installFault(fault: FaultSpec, seed: number): void {
  const random = seededRandom(seed ^ 0x5eed);
  let passes = 0;
  setFaultHook(point => {
    if (point.name !== fault.point) return;
    if (fault.target && path.basename(point.file).replace(/\.tmp-\d+-[0-9a-f]+$/, '.tmp') !== fault.target) return;
    if (++passes !== fault.nth) return;
    if (fault.partial !== undefined && point.name === 'write' && point.data && point.data.length >= 2) {
      const jitter = 0.8 + 0.4 * random.next();
      const bytes = Math.min(point.data.length - 1, Math.max(1, Math.floor(point.data.length * fault.partial * jitter)));
      const fd = openSync(point.file, 'r+');
      writeSync(fd, point.data, 0, bytes, point.position);
      closeSync(fd);
    }
    process.kill(process.pid, 'SIGKILL');
  });
}

async function main(config: FaultWriterConfig): Promise<void> {
  if (config.fault) installFault(config.fault, config.seed);
  const random = seededRandom(config.seed);
  const store = await MemoryStore.open(config.dir, {
    model: FAULT_TEST_MODEL,
    compactAfterBytes: config.compactAfterBytes ?? 2048,
    lock: { timeoutMs: 60_000 },
  });
  report('ready');
  writeFileSync(path.join(config.dir, `ready-${config.tag}`), '');
  while (!(config.waitFor ?? []).every(t => existsSync(path.join(config.dir, `ready-${t}`)))) await sleep(2);

  const d = FAULT_TEST_MODEL.rowWidth;
  const think = () => sleep(random.next() * (config.thinkMs ?? 2));
  let written = 0;
  const write = async (): Promise<string> => {
    const id = `${config.tag}-${written++}`;
    const slots = pickSlots(random);
    report('begin', { op: 'write', id, slots });
    const { seq } = await store.transaction(async () => {
      const rows = store.changedRows();
      const prev = new Float32Array(slots.length * d);
      slots.forEach((slot, k) => prev.set(rows.get(slot) ?? baseRow(slot), k * d));
      await think();
      return store.write({
        id,
        text: `note ${id}: fact number ${written}`,
        kind: 'note',
        author: config.tag,
        slots,
        prev,
        next: prev.map(v => v + 1),
      });
    });
    report('ack', { op: 'write', id, slots, seq });
    return id;
  };

  for (let done = 0; done < (config.ops ?? Infinity); done++) {
    const roll = random.next();
    // Choose the note to forget inside the transaction: another process may have forgotten it.
    if (roll < 0.6) {
      await write();
    } else if (roll < 0.8) {
      const purge = random.next() < 0.5;
      await store.transaction(async () => {
        const live = store.liveNotes();
        if (live.length < 3) return void (await write());
        const id = live[random.int(live.length)]!.id;
        report('begin', { op: 'forget', id, purge });
        await store.forget(id, { purge });
        report('ack', { op: 'forget', id, purge });
      });
    } else if (roll < 0.9) {
      await store.transaction(async () => {
        const live = store.liveNotes();
        if (live.length < 3) return void (await write());
        const oldId = live[random.int(live.length)]!.id;
        const newId = await write();
        report('begin', { op: 'supersede', oldId, newId });
        await store.supersede(oldId, newId);
        report('ack', { op: 'supersede', oldId, newId });
      });
    } else {
      report('begin', { op: 'compact' });
      await store.compact();
      report('ack', { op: 'compact' });
    }
    await sleep(random.next() * 2);
  }
  report('done');
}

function pickSlots(random: ReturnType<typeof seededRandom>): number[] {
  const slots = new Set<number>();
  while (slots.size < NOTE_SLOTS) slots.add(random.int(SLOT_RANGE));
  return [...slots].sort((a, b) => a - b);
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]!) as FaultWriterConfig).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
