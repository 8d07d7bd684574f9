// A child process for the store's concurrency test: opens the store given on the command line,
// waits until every writer named on the command line is ready (so they really overlap), then
// writes `count` notes, each adding 1 to a few shared rows, every write in a transaction so it
// starts from the freshest rows and holds the lock a few ms, as training would. Exits 0 when
// done; prints the error and exits 1 otherwise.
//
//   node --import tsx storeTestWriterProcess.ts <dir> <tag> <count> <all tags, comma-separated>

import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemoryStore } from './memoryStore';

export const TEST_MODEL = { id: 'test-model', sha256: 'ab'.repeat(32), rowWidth: 8, slotCount: 64 } as const;

/** The simulated base model's row for a slot: small integers, so +1 steps stay exact. */
export function baseRow(slot: number): Float32Array {
  return Float32Array.from({ length: TEST_MODEL.rowWidth }, (_, j) => slot * 10 + j);
}

/** Slots the i-th note of any writer touches: overlapping on purpose. */
export function slotsOfWrite(i: number): number[] {
  return [i % 8, 8 + (i % 4), 20];
}

async function main(): Promise<void> {
  const [dir, tag, countText, tagsText] = process.argv.slice(2);
  const count = Number(countText);
  const store = await MemoryStore.open(dir!, { model: TEST_MODEL, lock: { timeoutMs: 60_000 } });
  writeFileSync(path.join(dir!, `ready-${tag}`), '');
  while (!tagsText!.split(',').every(t => existsSync(path.join(dir!, `ready-${t}`)))) await sleep(2);
  const d = TEST_MODEL.rowWidth;
  for (let i = 0; i < count; i++) {
    await store.transaction(async () => {
      const rows = store.changedRows();
      const slots = slotsOfWrite(i);
      const prev = new Float32Array(slots.length * d);
      slots.forEach((slot, k) => prev.set(rows.get(slot) ?? baseRow(slot), k * d));
      const next = prev.map(v => v + 1);
      await sleep(3);
      await store.write({ id: `${tag}-${i}`, text: `note ${i} from ${tag}`, kind: 'note', author: tag!, slots, prev, next });
    });
    await sleep(15);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
