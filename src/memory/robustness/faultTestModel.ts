// The simulated base model of the fault tests: tiny rows (8 floats, 64 slots) holding small
// integers, so a write that adds exactly +1 per note keeps every row exact and the rows alone
// tell which notes are in memory.

import type { ModelBinding } from '../store/load';
import type { MemoryStore } from '../store/memoryStore';

export const FAULT_TEST_MODEL: ModelBinding = { id: 'fault-test-model', sha256: 'fa'.repeat(32), rowWidth: 8, slotCount: 64 };

/** The base model's row for a slot. */
export function baseRow(slot: number): Float32Array {
  return Float32Array.from({ length: FAULT_TEST_MODEL.rowWidth }, (_, j) => slot * 10 + j);
}

/** A note adding +1 to its slots, computed from the store's freshest rows (as the writer does). */
export async function writePlusOne(store: MemoryStore, id: string, slots: number[]): Promise<void> {
  const D = FAULT_TEST_MODEL.rowWidth;
  await store.transaction(async () => {
    const rows = store.changedRows();
    const prev = new Float32Array(slots.length * D);
    slots.forEach((slot, k) => prev.set(rows.get(slot) ?? baseRow(slot), k * D));
    await store.write({ id, text: `note ${id}`, kind: 'note', author: 'test', slots, prev, next: prev.map(v => v + 1) });
  });
}
